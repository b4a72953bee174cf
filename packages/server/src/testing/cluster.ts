/**
 * A cluster for tests: `count` Parley nodes on one PostgreSQL database (made
 * for it, dropped at the end), linked by Redis (the machine's, under a prefix
 * of the cluster's own, or a private one) or by the database itself
 * (CLUSTER=postgres), each on a fixed port so that a node killed with SIGKILL
 * comes back at the same address.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from './postgres.js';
import { REDIS_URL, removePrefix, testPrefix } from './redis.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

export interface Cluster {
  database: TestDatabase;
  link: ClusterLink;
  /** The running node at each index (replaced when restarted). */
  nodes: ServerProcess[];
  /** Kills node `i` with SIGKILL. */
  kill(i: number): Promise<void>;
  /** Starts node `i` again, on its port. */
  restart(i: number): Promise<ServerProcess>;
  stop(): Promise<void>;
}

/** How the nodes reach each other. */
export type ClusterLink = 'redis' | 'postgres';

export interface ClusterOptions {
  count: number;
  /** Default: redis. */
  link?: ClusterLink;
  /** A Redis of the test's own (testing/redis-server.ts); default: the machine's, under a fresh prefix. */
  redisUrl?: string;
  env?: Record<string, string>;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const database = await createTestDatabase();
  const link = options.link ?? 'redis';
  const prefix = testPrefix();
  const dirs: string[] = [];
  const linkEnv: Record<string, string> = link === 'redis' ? { REDIS_URL: options.redisUrl ?? REDIS_URL, REDIS_PREFIX: prefix } : { CLUSTER: 'postgres' };
  const env = { DATABASE_URL: database.url, ...linkEnv, ...options.env };
  const nodes: ServerProcess[] = [];
  const ports: number[] = [];
  try {
    for (let i = 0; i < options.count; i++) {
      const dataDir = mkdtempSync(join(tmpdir(), `parley-node${i}-`));
      dirs.push(dataDir);
      const node = await startServerProcess({ dataDir, env });
      nodes.push(node);
      ports.push(node.port);
    }
  } catch (error) {
    await Promise.all(nodes.map((node) => node.stop('SIGKILL')));
    await database.drop();
    throw error;
  }
  return {
    database,
    link,
    nodes,
    async kill(i) {
      await nodes[i]!.stop('SIGKILL');
    },
    async restart(i) {
      const node = await startServerProcess({ dataDir: dirs[i]!, port: ports[i]!, env });
      nodes[i] = node;
      return node;
    },
    async stop() {
      await Promise.all(nodes.map((node) => node.stop()));
      await database.drop();
      if (link === 'redis' && options.redisUrl === undefined) await removePrefix(prefix);
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}
