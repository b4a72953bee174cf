/** GET /api/openapi.json (the REST API's OpenAPI document, made from the protocol's route schemas) and GET /api/docs (a page of it). */
import type { FastifyInstance } from 'fastify';
import { openApiDocument } from '@parley/protocol';
import { referencePage } from './api-reference.js';

export function openApiRoutes(app: FastifyInstance): void {
  // Made at the first request, not at start: it takes a few hundred milliseconds of zod's work.
  let made: { json: string; page: string } | null = null;
  const document = () => {
    if (made === null) {
      const doc = openApiDocument();
      made = { json: JSON.stringify(doc), page: referencePage(doc) };
    }
    return made;
  };
  app.get('/api/openapi.json', async (_request, reply) => reply.type('application/json; charset=utf-8').send(document().json));
  app.get('/api/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(document().page));
}
