/** Health and metrics. */
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics.js';

export function opsRoutes(app: FastifyInstance, metrics: Metrics, isClosing: () => boolean): void {
  app.get('/api/health', async (_request, reply) => {
    if (isClosing()) return reply.status(503).send({ status: 'closing' });
    return { status: 'ok' };
  });
  app.get('/api/metrics', async (_request, reply) => {
    void reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
