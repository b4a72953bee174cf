/** GET /api/openapi.json (the REST API's OpenAPI document, made from the protocol's route schemas) and GET /api/docs (a page of it). */
import type { FastifyInstance } from 'fastify';
import { openApiDocument } from '@parley/protocol';
import { referencePage } from './api-reference.js';

export function openApiRoutes(app: FastifyInstance): void {
  const doc = openApiDocument();
  const json = JSON.stringify(doc);
  const page = referencePage(doc);
  app.get('/api/openapi.json', async (_request, reply) => reply.type('application/json; charset=utf-8').send(json));
  app.get('/api/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
}
