/** Health and metrics. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ParleyError } from '@parley/protocol';
import type { Metrics } from '../metrics.js';
import { clientAddress } from './forwarded.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * Who may read the metrics (they tell how many people are online and how busy the server
 * is): with `token` set, a request carrying it as a Bearer token; without, only a request
 * from this machine. With TRUST_PROXY on, that is the client the proxy names; off, a
 * reverse proxy on the same host would make every outside request look local, so a request
 * that carries forwarding headers at all is refused (they are not believed, only heeded).
 */
function checkMetricsAccess(request: FastifyRequest, token: string | null, trustProxy: boolean): void {
  if (token !== null) {
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    // Digests make the comparison constant-time whatever the lengths.
    if (!timingSafeEqual(digest(given), digest(token))) throw new ParleyError('unauthenticated', 'Send the metrics token as a Bearer token.');
    return;
  }
  const forwarded = !trustProxy && (request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined);
  if (forwarded || !LOOPBACK.has(clientAddress(request.raw, trustProxy))) {
    throw new ParleyError('forbidden', 'Metrics are served to this machine only; set METRICS_TOKEN to scrape them from elsewhere.');
  }
}

export function opsRoutes(app: FastifyInstance, options: { metrics: Metrics; metricsToken: string | null; trustProxy: boolean; isClosing: () => boolean }): void {
  const { metrics, metricsToken, trustProxy, isClosing } = options;
  app.get('/api/health', async (_request, reply) => {
    if (isClosing()) return reply.status(503).send({ status: 'closing' });
    return { status: 'ok' };
  });
  app.get('/api/metrics', async (request, reply) => {
    checkMetricsAccess(request, metricsToken, trustProxy);
    void reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
