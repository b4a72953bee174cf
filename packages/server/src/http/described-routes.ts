/**
 * Every route under /api/ is one the OpenAPI document describes (protocol
 * API_ROUTES), and every route it describes is served: a route added without
 * its schemas stops the server from starting, so every server test fails
 * until it is described.
 */
import type { FastifyInstance } from 'fastify';
import { API_ROUTES, fastifyPath } from '@parley/protocol';

const key = (method: string, url: string): string => `${method.toUpperCase()} ${url}`;

/** Call before registering routes; call the returned check once they all are. */
export function describedRoutesOnly(app: FastifyInstance): () => void {
  const described = new Set(API_ROUTES.map((r) => key(r.method, fastifyPath(r.path))));
  const served = new Set<string>();
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    for (const method of [route.method].flat()) {
      // HEAD comes with every GET; OPTIONS answers CORS preflights (cors.ts).
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      const name = key(method, route.url);
      if (!described.has(name)) throw new Error(`${name} has no description in the OpenAPI document: add it to API_ROUTES (packages/protocol/src/api)`);
      served.add(name);
    }
  });
  return () => {
    const missing = [...described].filter((name) => !served.has(name));
    if (missing.length > 0) throw new Error(`the OpenAPI document describes routes nobody serves: ${missing.join(', ')}`);
  };
}
