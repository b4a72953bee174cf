/** How the HTTP server is set up: body limit, connection deadlines, proxy trust. */
import { LogController, type FastifyBaseLogger, type FastifyHttpOptions } from 'fastify';
import type { Server } from 'node:http';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';

export function fastifyOptions(config: Config, log: Logger): FastifyHttpOptions<Server, FastifyBaseLogger> {
  return {
    loggerInstance: log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.limits.maxFrameBytes,
    // Deadlines for HTTP connections; upgraded WebSockets leave them behind (heartbeats watch those).
    // Node's request deadline is the longest any request has (an upload's); request-deadline.ts
    // holds every other request to HTTP_REQUEST_TIMEOUT_MS.
    http: {
      headersTimeout: config.http.headersTimeoutMs,
      requestTimeout: longestRequestMs(config),
      // How often Node checks the two deadlines above: a fraction of the shorter, at most a second.
      connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(config.http.headersTimeoutMs / 4))),
    },
    requestTimeout: longestRequestMs(config),
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    connectionTimeout: config.http.idleTimeoutMs,
    // The socket's peer only (hop 0), as http/forwarded.ts reads the headers: request.ip and
    // request.protocol agree with it.
    trustProxy: config.trustProxy ? (_address: string, hop: number) => hop < 1 : false,
  };
}

/** The longest a request may take, its body included: an upload's deadline, or every request's if that is longer. */
export function longestRequestMs(config: Config): number {
  return Math.max(config.http.requestTimeoutMs, config.files.uploadTimeoutMs);
}
