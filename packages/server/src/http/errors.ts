/** One place that turns any failure in a route into `{ error: { code, message, retryable } }`. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HTTP_STATUS, ParleyError } from '@parley/protocol';
import { ZodError } from 'zod';
import type { Logger } from '../log.js';

export function errorHandler(log: Logger) {
  return (error: FastifyError | Error, _request: FastifyRequest, reply: FastifyReply): void => {
    let parleyError: ParleyError;
    if (error instanceof ParleyError) {
      parleyError = error;
    } else if (error instanceof ZodError) {
      const issue = error.issues[0];
      const where = issue && issue.path.length > 0 ? ` "${issue.path.join('.')}"` : '';
      parleyError = new ParleyError('invalid_frame', `Invalid request${where}: ${issue?.message ?? 'bad input'}.`);
    } else if ('statusCode' in error && typeof error.statusCode === 'number' && error.statusCode < 500) {
      // Fastify's own client errors: unparseable JSON, body too large, wrong content type.
      const code = error.statusCode === 413 ? 'body_too_long' : 'invalid_json';
      parleyError = new ParleyError(code, error.message);
    } else {
      log.error({ err: error }, 'request failed');
      parleyError = new ParleyError('internal');
    }
    if (parleyError.retryAfterMs !== undefined) reply.header('retry-after', Math.ceil(parleyError.retryAfterMs / 1000));
    void reply.status(HTTP_STATUS[parleyError.code]).send({ error: parleyError.toBody() });
  };
}
