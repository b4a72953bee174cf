/**
 * For the benchmark's own tests that need PostgreSQL or Redis: skipped with
 * a message saying why when a service cannot be reached locally; under
 * CI=true they must run, so an unreachable service fails them instead.
 */
import { DEFAULT_POSTGRES_URL, DEFAULT_REDIS_URL } from './options.js';
import { postgresUnavailable, redisUnavailable } from './services.js';

export const TEST_POSTGRES_URL = process.env.PARLEY_TEST_POSTGRES ?? DEFAULT_POSTGRES_URL;
export const TEST_REDIS_URL = process.env.PARLEY_TEST_REDIS ?? DEFAULT_REDIS_URL;

/** The `skip` option of a test that needs the services named: false when they answer. */
export async function skipWithout(needs: { postgres?: boolean; redis?: boolean }): Promise<string | false> {
  const reason = (needs.postgres ? await postgresUnavailable(TEST_POSTGRES_URL) : null) ?? (needs.redis ? await redisUnavailable(TEST_REDIS_URL) : null);
  if (reason === null) return false;
  if (process.env.CI === 'true') throw new Error(`${reason}; CI needs it (.ci/run starts it)`);
  return `${reason}: start it to run this test`;
}
