/**
 * A TCP load balancer for tests, as a plain round-robin proxy in front of a
 * cluster would be (nginx or HAProxy with no stickiness): each new connection
 * goes to the next backend in turn; a backend that refuses the connection (a
 * node that is down) is skipped for the next one.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface RoundRobinProxy {
  port: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** How many connections went to each backend. */
  readonly routed: readonly number[];
  close(): Promise<void>;
}

export async function startRoundRobinProxy(backendPorts: readonly number[], host = '127.0.0.1'): Promise<RoundRobinProxy> {
  let next = 0;
  const routed = backendPorts.map(() => 0);
  const open = new Set<Socket>();

  /** Connects to the next backend that accepts, trying each once. */
  const upstream = (tries: number): Promise<{ socket: Socket; index: number }> =>
    new Promise((resolve, reject) => {
      const index = next++ % backendPorts.length;
      const socket = connect(backendPorts[index]!, host);
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        resolve({ socket, index });
      });
      socket.once('error', (error) => {
        socket.destroy();
        if (tries + 1 >= backendPorts.length) reject(error);
        else upstream(tries + 1).then(resolve, reject);
      });
    });

  const server: Server = createServer((client) => {
    open.add(client);
    client.pause();
    const end = () => {
      open.delete(client);
      client.destroy();
    };
    client.on('error', end);
    client.on('close', end);
    upstream(0).then(
      ({ socket, index }) => {
        routed[index]!++;
        if (client.destroyed) return socket.destroy();
        open.add(socket);
        const both = () => {
          open.delete(socket);
          socket.destroy();
          end();
        };
        socket.on('error', both);
        socket.on('close', both);
        client.on('close', both);
        client.pipe(socket);
        socket.pipe(client);
        client.resume();
      },
      () => end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `http://${host}:${port}`,
    routed,
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
