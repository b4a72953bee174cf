/**
 * A Redis server of a test's own (Debian's redis-server, on a free port,
 * keeping nothing on disk), for tests that restart or break Redis: doing that
 * to the machine's shared Redis would break every other test using it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export interface RedisServer {
  port: number;
  url: string;
  /** Kills it (SIGKILL: everything in it is lost) and starts it again on the same port. */
  restart(): Promise<void>;
  /** Kills it (SIGKILL); `start` brings it back, empty, on the same port. */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Runs one command on it (CLIENT KILL …, PUBSUB …). */
  command(...args: string[]): Promise<unknown>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess;
  const launch = async (): Promise<void> => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], {
      stdio: 'ignore',
    });
    const failed = new Promise<never>((_, reject) => child.once('error', reject));
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      probe.on('error', () => undefined);
      try {
        await Promise.race([probe.connect().then(() => probe.ping()), failed]);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`redis-server did not start on ${port}: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        probe.disconnect();
      }
    }
  };
  const kill = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  await launch();
  return {
    port,
    url,
    async restart() {
      await kill();
      await launch();
    },
    kill,
    start: launch,
    async command(...args) {
      const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
      await redis.connect();
      try {
        return await redis.call(args[0]!, ...args.slice(1));
      } finally {
        redis.disconnect();
      }
    },
    stop: kill,
  };
}
