/**
 * Redis for tests: the server at PARLEY_TEST_REDIS (default
 * redis://127.0.0.1:6379, the machine's own), a key and channel prefix of
 * each test's own, removed afterwards. When Redis cannot be reached, tests
 * that need it are skipped with a message saying so — except under CI=true,
 * where they fail.
 */
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.PARLEY_TEST_REDIS ?? 'redis://127.0.0.1:6379';

let availability: Promise<string | null> | null = null;
let prefixes = 0;

async function withRedis<T>(body: (redis: Redis) => Promise<T>, url = REDIS_URL): Promise<T> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3000 });
  redis.on('error', () => undefined);
  await redis.connect();
  try {
    return await body(redis);
  } finally {
    redis.disconnect();
  }
}

/** Null when Redis answers; else why not. Checked once per process. */
export function redisUnavailable(): Promise<string | null> {
  availability ??= withRedis(async (redis) => {
    await redis.ping();
    return null;
  }).catch((error: unknown) => `Redis at ${REDIS_URL} cannot be reached (${(error as Error).message})`);
  return availability;
}

/** The `skip` option for tests that need Redis: false when it is there; a message when it is not (locally); throws under CI=true. */
export async function skipWithoutRedis(): Promise<string | false> {
  const reason = await redisUnavailable();
  if (reason === null) return false;
  if (process.env.CI === 'true') throw new Error(`${reason}; CI needs it (.ci/run starts it)`);
  return `${reason}: start it to run these tests`;
}

/** A prefix no other test uses: `parley-test:<pid>:<n>:`. */
export function testPrefix(): string {
  return `parley-test:${process.pid}:${++prefixes}:`;
}

/** Deletes every key under `prefix`. */
export async function removePrefix(prefix: string, url = REDIS_URL): Promise<void> {
  await withRedis(async (redis) => {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  }, url);
}

/** Kills the connections whose client name is `name` (CLIENT KILL ID …): a broken link for one node, not for every test using this Redis. */
export async function killClientsNamed(name: string, url = REDIS_URL): Promise<number> {
  return withRedis(async (redis) => {
    const list = (await redis.client('LIST')) as string;
    const ids = list
      .split('\n')
      .filter((line) => line.includes(` name=${name} `))
      .map((line) => /\bid=(\d+)/.exec(line)?.[1])
      .filter((id): id is string => id !== undefined);
    for (const id of ids) await redis.client('KILL', 'ID', id);
    return ids.length;
  }, url);
}
