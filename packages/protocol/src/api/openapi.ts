/**
 * The OpenAPI 3.1 document of the REST API, made from the routes' zod schemas
 * (chat-routes.ts, server-routes.ts) with zod's own JSON Schema output: nothing
 * in it is written by hand but the words. The server serves it at
 * /api/openapi.json; docs/openapi.json is this output, committed
 * (`npm run openapi` writes it; a test fails when it is stale).
 */
import { z } from 'zod';
import { SESSION_COOKIE } from '../rest.js';
import { CHAT_ROUTES } from './chat-routes.js';
import { errorResponseSchema } from './models.js';
import type { ApiRoute } from './route.js';
import { SERVER_ROUTES } from './server-routes.js';

/** Every route of the REST API. */
export const API_ROUTES: readonly ApiRoute[] = [...SERVER_ROUTES, ...CHAT_ROUTES];

type Json = Record<string, unknown>;

/**
 * A schema's JSON Schema. The model's schemas that carry an id (models.ts) become components:
 * zod puts them in `$defs`, gathered into `components` here, with their references moved there.
 */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output', components?: Record<string, Json>): Json {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  delete out.$schema;
  const defs = out.$defs as Record<string, Json> | undefined;
  delete out.$defs;
  const moved = (value: Json): Json => JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/')) as Json;
  if (defs) {
    if (!components) throw new Error('a schema with components where none are gathered');
    for (const [id, def] of Object.entries(defs)) components[id] = moved(def);
  }
  return moved(out);
}

/** What is wrong with a route's description (empty: nothing); the document refuses to describe such a route. */
export function routeProblems(r: ApiRoute): string[] {
  const problems: string[] = [];
  const where = `${r.method} ${r.path}`;
  if (r.response === undefined) problems.push(`${where}: no response schema`);
  const named = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const params = Object.keys(r.params?.shape ?? {});
  if (named.join() !== params.join()) problems.push(`${where}: path parameters ${named.join()} but a params schema of ${params.join()}`);
  // A request that changes something says what it takes: a body schema, or (empty) none by design.
  if (r.method !== 'GET' && r.frame && r.body === undefined && r.params === undefined && r.query === undefined && r.fixed === undefined) {
    problems.push(`${where}: no request schema`);
  }
  return problems;
}

function parameters(r: ApiRoute): Json[] {
  const list: Json[] = [];
  for (const [where, schema] of [['path', r.params], ['query', r.query]] as const) {
    if (!schema) continue;
    for (const [name, field] of Object.entries(schema.shape) as Array<[string, z.ZodType]>) {
      const required = where === 'path' || !field.safeParse(undefined).success;
      list.push({ name, in: where, required, schema: jsonSchema(field, 'input') });
    }
  }
  return list;
}

function successContent(r: ApiRoute, components: Record<string, Json>): Json | undefined {
  if (r.response === null) return undefined;
  if (r.response === 'binary') return { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } };
  if (r.response === 'text') return { 'text/plain': { schema: { type: 'string' } } };
  return { 'application/json': { schema: jsonSchema(r.response, 'output', components) } };
}

const SECURITY: Record<ApiRoute['auth'], Json[] | undefined> = {
  none: [],
  optional: [{}, { bearer: [] }, { cookie: [] }],
  user: [{ bearer: [] }, { cookie: [] }],
  person: [{ bearer: [] }, { cookie: [] }],
  admin: [{ bearer: [] }, { cookie: [] }],
  metrics: [{}, { bearer: [] }],
};

function operation(r: ApiRoute, components: Record<string, Json>): Json {
  const op: Json = { operationId: r.operationId, tags: [r.tag], summary: r.summary, security: SECURITY[r.auth] };
  const params = parameters(r);
  if (params.length > 0) op.parameters = params;
  if (r.binaryBody) {
    op.requestBody = { required: true, content: { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } };
  } else if (r.body) {
    op.requestBody = { required: r.bodyRequired !== false, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } };
  }
  const content = successContent(r, components);
  op.responses = {
    [String(r.status)]: content ? { description: 'Success.', content } : { description: 'Success (no content).' },
    default: { description: 'An error: its code, message and whether to retry (protocol §17, §20).', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  };
  if (r.auth === 'user' || r.auth === 'person') {
    op.description = `Signed in${r.auth === 'person' ? ' as a person (not a bot)' : ' (a person or a bot)'}: a session cookie, or \`Authorization: Bearer\` with a session token, a JWT or a bot token.`;
  }
  return op;
}

/** The document; throws if a route is not fully described (routeProblems). */
export function openApiDocument(routes: readonly ApiRoute[] = API_ROUTES): Json {
  const problems = routes.flatMap(routeProblems);
  const ids = routes.map((r) => r.operationId);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) problems.push(`operationId ${dup} is used twice`);
  if (problems.length > 0) throw new Error(`the REST routes are not fully described:\n${problems.join('\n')}`);
  const paths: Record<string, Json> = {};
  const components: Record<string, Json> = { Error: jsonSchema(errorResponseSchema, 'output') };
  for (const r of routes) (paths[r.path] ??= {})[r.method.toLowerCase()] = operation(r, components);
  const schemas = Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Parley REST API',
      version: '1',
      description:
        'Everything a Parley client does that makes sense as a request. Routes tagged rooms, messages, threads, search, people, moderation and webhooks (except the incoming webhook itself) are client frames over HTTP (docs/protocol.md §7): the same validation, authorization, rate limits and errors; their events reach WebSocket clients as usual. Errors: `{ "error": { code, message, retryable, retryAfterMs? } }` with the HTTP status of protocol §17.',
    },
    tags: ['account', 'rooms', 'messages', 'threads', 'search', 'people', 'moderation', 'webhooks', 'files', 'bots', 'admin', 'operations'].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A session token (from sign-in), a JWT, or a bot token (pbot_…).' },
        cookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
      },
      schemas,
    },
  };
}
