/** Serves the built web app, with index.html for client-side routes. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { ParleyError } from '@parley/protocol';
import type { Logger } from '../log.js';

export async function webApp(app: FastifyInstance, webDir: string, log: Logger): Promise<void> {
  const hasApp = existsSync(join(webDir, 'index.html'));
  if (!hasApp) log.warn({ webDir }, 'web app not built; serving the API only (run `npm run build`)');
  else await app.register(fastifyStatic, { root: webDir, wildcard: false, index: 'index.html' });
  app.setNotFoundHandler((request, reply) => {
    if (hasApp && (request.method === 'GET' || request.method === 'HEAD') && !request.url.startsWith('/api/') && !request.url.startsWith('/ws')) {
      return reply.sendFile('index.html');
    }
    throw new ParleyError('not_found', 'No such endpoint.');
  });
}
