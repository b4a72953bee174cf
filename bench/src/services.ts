/**
 * The services targets D and E stand on: a PostgreSQL database made for one
 * run of a target and dropped after it, a Redis key prefix of its own, and
 * what the benchmark reads from them (Redis's command counters; PostgreSQL's
 * wait events while profiling).
 */
import { Redis } from 'ioredis';
import pg from 'pg';

const CONNECT_TIMEOUT_MS = 3000;

let databases = 0;

/** A database name no other run uses: `parley_bench_<pid>_<n>`. */
export function runDatabaseName(pid = process.pid, n = ++databases): string {
  return `parley_bench_${pid}_${n}`;
}

/** `adminUrl` with its database replaced by `database`. */
export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withPostgres<T>(url: string, body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'parley-bench' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function withRedis<T>(url: string, body: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: CONNECT_TIMEOUT_MS, connectionName: 'parley-bench' });
  redis.on('error', () => undefined);
  await redis.connect();
  try {
    return await body(redis);
  } finally {
    redis.disconnect();
  }
}

/** Null when PostgreSQL answers at `adminUrl` and lets us create databases; else why not. */
export async function postgresUnavailable(adminUrl: string): Promise<string | null> {
  try {
    const { rows } = await withPostgres(adminUrl, (client) => client.query<{ ok: boolean }>('SELECT rolcreatedb OR rolsuper AS ok FROM pg_roles WHERE rolname = current_user'));
    return rows[0]?.ok ? null : `the PostgreSQL user of ${adminUrl} may not create databases`;
  } catch (error) {
    return `PostgreSQL at ${adminUrl} cannot be reached (${(error as Error).message})`;
  }
}

/** Null when Redis answers at `url`; else why not. */
export async function redisUnavailable(url: string): Promise<string | null> {
  try {
    await withRedis(url, (redis) => redis.ping());
    return null;
  } catch (error) {
    return `Redis at ${url} cannot be reached (${(error as Error).message})`;
  }
}

/** The server's version, for the record; null when it cannot be asked. */
export async function postgresVersion(adminUrl: string): Promise<string | null> {
  try {
    const { rows } = await withPostgres(adminUrl, (client) => client.query<{ server_version: string }>('SHOW server_version'));
    return rows[0]?.server_version.split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

export async function redisVersion(url: string): Promise<string | null> {
  try {
    return /^redis_version:(\S+)/m.exec(await withRedis(url, (redis) => redis.info('server')))?.[1] ?? null;
  } catch {
    return null;
  }
}

export interface RunDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** An empty database of its own for one run of a target (Parley migrates it on start). */
export async function createRunDatabase(adminUrl: string): Promise<RunDatabase> {
  const name = runDatabaseName();
  await withPostgres(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  return {
    name,
    url: databaseUrl(adminUrl, name),
    // WITH (FORCE): a node killed mid-run may leave its connections behind for a moment.
    drop: () => withPostgres(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** A Redis key and channel prefix no other run uses. */
export function runRedisPrefix(stamp: number = Date.now()): string {
  return `parley-bench:${process.pid}:${stamp}:`;
}

/** Deletes every key under `prefix` (the cluster's presence entries). */
export async function removeRedisPrefix(url: string, prefix: string): Promise<void> {
  await withRedis(url, async (redis) => {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  });
}

/** Calls per command so far, from `INFO commandstats` (`cmdstat_publish:calls=12,…` → publish: 12). */
export function parseCommandStats(info: string): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[match[1]!] = Number(match[2]);
  return calls;
}

/** Redis's command counters, for the difference over a load phase. */
export async function redisCommandStats(url: string): Promise<Record<string, number>> {
  return parseCommandStats(await withRedis(url, (redis) => redis.info('commandstats')));
}

/**
 * A connection held open for reading the counters at a phase's edges: one round trip each, where a
 * fresh connection would take long enough for the first messages of the phase to slip past the reading.
 */
export class RedisCounters {
  private constructor(private readonly redis: Redis) {}

  static async open(url: string): Promise<RedisCounters> {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: CONNECT_TIMEOUT_MS, connectionName: 'parley-bench' });
    redis.on('error', () => undefined);
    await redis.connect();
    return new RedisCounters(redis);
  }

  async read(): Promise<Record<string, number>> {
    return parseCommandStats(await this.redis.info('commandstats'));
  }

  close(): void {
    this.redis.disconnect();
  }
}

/** What the backends of `database` were doing, counted by sampling pg_stat_activity. */
export class WaitEventSampler {
  readonly counts = new Map<string, number>();
  samples = 0;
  #client: pg.Client | null = null;
  #timer: NodeJS.Timeout | null = null;
  #busy = false;
  #stopped = false;

  constructor(
    private readonly adminUrl: string,
    private readonly database: string,
    private readonly intervalMs = 20,
  ) {}

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.adminUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'parley-bench-sampler' });
    client.on('error', () => undefined);
    await client.connect();
    if (this.#stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#timer = setInterval(() => void this.#sample(), this.intervalMs);
  }

  async stop(): Promise<Array<{ state: string; backends: number; share: number }>> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#client?.end().catch(() => undefined);
    this.#client = null;
    const total = [...this.counts.values()].reduce((a, b) => a + b, 0);
    return [...this.counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([state, count]) => ({ state, backends: this.samples === 0 ? 0 : count / this.samples, share: total === 0 ? 0 : count / total }));
  }

  async #sample(): Promise<void> {
    if (this.#busy || !this.#client) return;
    this.#busy = true;
    try {
      const { rows } = await this.#client.query<{ state: string | null; wait_event_type: string | null; wait_event: string | null }>(
        'SELECT state, wait_event_type, wait_event FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [this.database],
      );
      this.samples++;
      for (const row of rows) {
        // An active backend with no wait event is on the CPU; an idle one waits for Parley (ClientRead).
        const key = `${row.state ?? '?'}: ${row.wait_event_type ? `${row.wait_event_type}/${row.wait_event}` : 'CPU'}`;
        this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
      }
    } catch {
      // The database is going away at the end of the run.
    } finally {
      this.#busy = false;
    }
  }
}
