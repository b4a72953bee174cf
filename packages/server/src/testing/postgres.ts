/**
 * PostgreSQL for tests: a fresh database per use, dropped afterwards, on the
 * server at PARLEY_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres,
 * the machine's own). When that server cannot be reached, tests that need it
 * are skipped with a message saying so — except under CI=true, where they fail.
 *
 * Databases are named parley_test_<pid>_<n>. A test process that was killed
 * cannot drop its own: the first check for PostgreSQL in a later process drops
 * those whose process is gone.
 */
import { spawnSync } from 'node:child_process';
import pg from 'pg';

export const ADMIN_URL = process.env.PARLEY_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const PREFIX = 'parley_test_';
let created = 0;
let availability: Promise<string | null> | null = null;

/** The URL of database `name` on the admin URL's server. */
export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

/** Null when PostgreSQL answers; else why not. Checked once per process. */
export function postgresUnavailable(): Promise<string | null> {
  availability ??= withAdmin(async (client) => {
    await client.query('SELECT 1');
    await dropStaleTestDatabases(client);
    return null;
  }).catch((error: unknown) => `PostgreSQL at ${ADMIN_URL} cannot be reached (${(error as Error).message})`);
  return availability;
}

/**
 * The `skip` option for a test or suite that needs PostgreSQL: false when it
 * is there; a message when it is not (locally); throws under CI=true.
 */
export async function skipWithoutPostgres(): Promise<string | false> {
  const reason = await postgresUnavailable();
  if (reason === null) return false;
  if (process.env.CI === 'true') throw new Error(`${reason}; CI needs it (.ci/run starts it)`);
  return `${reason}: start it to run these tests`;
}

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops the database, closing any connection still open to it. */
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `${PREFIX}${process.pid}_${++created}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name} ENCODING 'UTF8' TEMPLATE template0`));
  return {
    name,
    url: databaseUrl(name),
    drop: () => withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/**
 * Drops, synchronously, the databases this process created and has not
 * dropped: for an exit handler (a server test's databases outlive the test,
 * since a restarted server reuses its database).
 */
export function dropDatabasesNow(names: readonly string[]): void {
  if (names.length === 0) return;
  const script = `
    const pg = require('pg');
    const client = new pg.Client({ connectionString: process.argv[1] });
    client.connect().then(async () => {
      for (const name of process.argv.slice(2)) await client.query('DROP DATABASE IF EXISTS ' + name + ' WITH (FORCE)');
      await client.end();
    });`;
  spawnSync(process.execPath, ['-e', script, ADMIN_URL, ...names], { stdio: 'ignore', timeout: 20_000, cwd: import.meta.dirname });
}

/** Drops test databases whose process is gone (killed before it could drop them). */
async function dropStaleTestDatabases(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX}%'`);
  for (const { datname } of rows) {
    const pid = Number(datname.slice(PREFIX.length).split('_')[0]);
    if (processAlive(pid)) continue;
    await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => undefined);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
