/** The OpenAPI document: complete (every route fully described, every /api route in it) and committed as generated. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { z } from 'zod';
import { API_ROUTES, openApiDocument, routeProblems, type ApiRoute } from '@parley/protocol';
import { OPENAPI_FILE, openApiText } from './openapi-file.js';
import { describedRoutesOnly } from './described-routes.js';
import { referencePage } from './api-reference.js';

test('docs/openapi.json is the document the schemas make (run `npm run openapi` when this fails)', () => {
  assert.equal(readFileSync(OPENAPI_FILE, 'utf8'), openApiText());
});

test('every route has its schemas: a response, and parameters that match its path', () => {
  assert.deepEqual(API_ROUTES.flatMap(routeProblems), []);
  const doc = openApiDocument() as { paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>> };
  for (const route of API_ROUTES) {
    const op = doc.paths[route.path]![route.method.toLowerCase()]!;
    assert.ok(op.responses[String(route.status)], `${route.operationId}: no success response`);
    assert.ok(op.responses.default, `${route.operationId}: no error response`);
    if (route.body || route.binaryBody) assert.ok(op.requestBody, `${route.operationId}: no request body`);
  }
});

test('a route without a response schema, or with parameters its path does not name, is refused', () => {
  const bare = { operationId: 'bare', method: 'GET', path: '/api/bare/{id}', tag: 'x', summary: 'x', auth: 'none', status: 200 } as unknown as ApiRoute;
  assert.deepEqual(routeProblems(bare), ['GET /api/bare/{id}: no response schema', 'GET /api/bare/{id}: path parameters id but a params schema of ']);
  assert.throws(() => openApiDocument([bare]), /not fully described/);
  const described: ApiRoute = { ...bare, params: z.object({ id: z.string() }), response: z.object({ ok: z.boolean() }) };
  assert.deepEqual(routeProblems(described), []);
});

test('the server refuses an /api route the document does not describe, and a described route it does not serve', async () => {
  const undescribed = Fastify();
  describedRoutesOnly(undescribed);
  assert.throws(() => undescribed.get('/api/secret-extra', async () => ({})), /GET \/api\/secret-extra has no description/);
  await undescribed.close();

  const partial = Fastify();
  const check = describedRoutesOnly(partial);
  partial.get('/api/health', async () => ({ status: 'ok' }));
  await partial.ready();
  assert.throws(check, /describes routes nobody serves: .*POST \/api\/auth\/register/);
  await partial.close();
});

test('the reference page shows every operation', () => {
  const page = referencePage(openApiDocument());
  for (const route of API_ROUTES) assert.ok(page.includes(`id="${route.operationId}"`), route.operationId);
  assert.ok(!/<script/i.test(page));
});
