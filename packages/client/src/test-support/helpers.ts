/** Shared helpers for the SDK's tests against a real server process. */
import type { TestContext } from 'node:test';
import WebSocket from 'ws';
import { startServerProcess, type ServerProcess, type StartOptions } from '@parley/server/testing';
import { ParleyClient } from '../client.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
import type { Credentials, MessageItem, ParleyClientOptions } from '../types.js';

/** Polls `check` every 20 ms until it returns true; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await sleep(20);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves with `promise`, or fails after `timeoutMs` naming `what`. */
export async function within<T>(what: string, promise: Promise<T>, timeoutMs = 10_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Creates SDK clients on the `ws` WebSocket and closes them all at the end of a test. */
export class ClientPool {
  readonly #clients: ParleyClient[] = [];

  create(url: string, credentials: Credentials, options: Partial<ParleyClientOptions> = {}): ParleyClient {
    const client = new ParleyClient({
      url,
      credentials,
      WebSocket,
      reconnect: { minDelayMs: 100, maxDelayMs: 1000 },
      ...options,
    });
    this.#clients.push(client);
    return client;
  }

  closeAll(): void {
    for (const client of this.#clients) client.close();
  }
}

/** A server process and a client pool, both closed when the test ends. */
export async function startServer(t: TestContext, options: StartOptions = {}): Promise<{ server: ServerProcess; pool: ClientPool }> {
  const server = await startServerProcess(options);
  const pool = new ClientPool();
  t.after(async () => {
    pool.closeAll();
    await server.stop();
  });
  return { server, pool };
}

/**
 * A server process, a TCP proxy in front of it and a client pool, all closed
 * when the test ends. Clients that should suffer network trouble connect to
 * `proxy.url`; the others to `server.url`.
 */
export async function startProxiedServer(t: TestContext, options: StartOptions = {}): Promise<{ server: ServerProcess; proxy: TcpProxy; pool: ClientPool }> {
  const server = await startServerProcess(options);
  const proxy = await startTcpProxy(server.port);
  const pool = new ClientPool();
  t.after(async () => {
    pool.closeAll();
    await proxy.close();
    await server.stop();
  });
  return { server, proxy, pool };
}

/** The messages of a room's timeline, in order. */
export function messagesOf(client: ParleyClient, room: string): MessageItem[] {
  return (client.room(room)?.timeline ?? []).filter((item): item is MessageItem => item.kind === 'message');
}

/** Fails when a room's timeline is not strictly ascending by seq (a duplicate or a reordering). */
export function assertOrdered(client: ParleyClient, room: string): void {
  const seqs = (client.room(room)?.timeline ?? []).map((item) => item.seq);
  for (let i = 1; i < seqs.length; i++) {
    if (seqs[i]! <= seqs[i - 1]!) throw new Error(`timeline of ${room} out of order at ${i}: ${seqs[i - 1]} then ${seqs[i]}`);
  }
}
