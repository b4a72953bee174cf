/**
 * HTTP_REQUEST_TIMEOUT_MS for every request but uploads. Node's own request
 * deadline is one per server, and uploads need a longer one (a 25 MB file on a
 * slow uplink takes minutes), so Node's is set to the longer one
 * (fastify-options.ts) and this holds the others to theirs: a request whose
 * body has not all arrived by its deadline is answered 408 and its connection
 * closed, as Node would. The deadline counts from the end of the request's
 * head, which HTTP_HEADERS_TIMEOUT_MS bounds.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

export function requestDeadline(app: FastifyInstance, deadlineMs: number, exempt: (request: FastifyRequest) => boolean): void {
  app.addHook('onRequest', (request, reply, done) => {
    const raw = request.raw;
    if (raw.complete || exempt(request)) return done();
    const timer = setTimeout(() => {
      if (raw.complete) return;
      const socket = raw.socket;
      if (!reply.raw.headersSent && socket.writable) socket.write('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
      socket.destroy();
    }, deadlineMs);
    timer.unref();
    const clear = () => clearTimeout(timer);
    raw.once('end', clear);
    raw.once('close', clear);
    reply.raw.once('close', clear);
    done();
  });
}
