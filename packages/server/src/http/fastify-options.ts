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
    http: {
      headersTimeout: config.http.headersTimeoutMs,
      requestTimeout: config.http.requestTimeoutMs,
      // How often Node checks the two deadlines above: a fraction of the shorter, at most a second.
      connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(config.http.headersTimeoutMs / 4))),
    },
    requestTimeout: config.http.requestTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    connectionTimeout: config.http.idleTimeoutMs,
    // The socket's peer only (hop 0), as http/forwarded.ts reads the headers: request.ip and
    // request.protocol agree with it.
    trustProxy: config.trustProxy ? (_address: string, hop: number) => hop < 1 : false,
  };
}
