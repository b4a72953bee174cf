/**
 * An HTTP receiver on 127.0.0.1 for webhook and link-preview tests: it records every connection
 * and request (with the raw body), and answers with what the test's handler returns. It can be
 * stopped and started again on the same port (a receiver that is down for a while).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export type Handler = (request: ReceivedRequest) => Answer | Promise<Answer>;

export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  /** TCP connections accepted, whatever came over them. */
  connections = 0;
  port = 0;
  #server: Server | null = null;
  readonly #handler: Handler;

  constructor(handler: Handler) {
    this.#handler = handler;
  }

  /** Listens on `port` (0: any free one; the same again after `stop`). */
  async start(port = this.port): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.requests.push(request);
        void Promise.resolve(this.#handler(request)).then(
          (answer) => res.writeHead(answer.status ?? 200, answer.headers ?? {}).end(answer.body ?? ''),
          () => res.writeHead(500).end(),
        );
      });
    });
    server.on('connection', () => this.connections++);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }
}

/** Polls `check` until it returns something other than undefined/false; fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
