/**
 * A TCP proxy for tests that sits between SDK clients and a real server and
 * misbehaves on command: `cut()` drops every connection (the server keeps
 * running), `block()` refuses new ones until `unblock()`, `stall()` stops
 * forwarding while keeping the TCP connections open (a dead peer that never
 * says so; `stall('toClient')` holds back only what the server sends, so
 * requests arrive and their answers do not), `forward()` returns to normal.
 * With `refuseUpgrades`, it is a proxy that breaks WebSockets, as some
 * corporate ones do: a request asking for `Upgrade: websocket` is answered
 * 403 and its connection closed; plain HTTP goes through. With
 * `cutWebSocketsAfterMs`, it lets WebSockets open and cuts each that long
 * after its upgrade (another way proxies break them).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export type ProxyMode = 'forward' | 'blocked' | 'stalled';
export type StallDirection = 'both' | 'toClient';

export interface TcpProxy {
  port: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** Connections currently open through the proxy. */
  readonly connections: number;
  cut(): void;
  block(): void;
  unblock(): void;
  stall(direction?: StallDirection): void;
  forward(): void;
  close(): Promise<void>;
}

/** A request head asking to upgrade to WebSocket. */
const UPGRADE = /\r\nupgrade:[ \t]*websocket/i;
const REFUSED = 'HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 22\r\n\r\nWebSockets are blocked';

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1', options: { refuseUpgrades?: boolean; cutWebSocketsAfterMs?: number } = {}): Promise<TcpProxy> {
  let mode: ProxyMode = 'forward';
  let stalled: StallDirection = 'both';
  /** Each pair is [client side, server side]. */
  const pairs = new Set<[Socket, Socket]>();
  const held = (socket: Socket, pair: [Socket, Socket]) => mode === 'stalled' && (stalled === 'both' || socket === pair[1]);

  const pump = (from: Socket, to: Socket, pair: [Socket, Socket]) => {
    from.on('data', (chunk: Buffer) => {
      const upgrade = from === pair[0] && (options.refuseUpgrades || options.cutWebSocketsAfterMs !== undefined) && UPGRADE.test(chunk.toString('latin1'));
      if (upgrade && options.refuseUpgrades) {
        pair[1].destroy();
        from.end(REFUSED);
        return;
      }
      if (upgrade) setTimeout(() => pair.forEach((socket) => socket.destroy()), options.cutWebSocketsAfterMs);
      if (!to.write(chunk)) from.pause();
    });
    to.on('drain', () => {
      if (!held(from, pair)) from.resume();
    });
  };

  const server: Server = createServer((client) => {
    if (mode === 'blocked') {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of pair) {
      socket.on('error', end);
      socket.on('close', end);
      if (held(socket, pair)) socket.pause();
    }
    pump(client, upstream, pair);
    pump(upstream, client, pair);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  const applyMode = () => {
    for (const pair of pairs) for (const socket of pair) held(socket, pair) ? socket.pause() : socket.resume();
  };
  const cut = () => {
    for (const [a, b] of [...pairs]) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return pairs.size;
    },
    cut,
    block() {
      mode = 'blocked';
    },
    unblock() {
      mode = 'forward';
    },
    stall(direction: StallDirection = 'both') {
      mode = 'stalled';
      stalled = direction;
      applyMode();
    },
    forward() {
      mode = 'forward';
      applyMode();
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
