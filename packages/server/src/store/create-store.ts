/** Opens the store the configuration names: SQLite under DATA_DIR by default, PostgreSQL with DATABASE_URL. */
import { join } from 'node:path';
import type { Config } from '../config.js';
import { createPostgresStore } from './store-postgres.js';
import { createSqliteStore } from './store-sqlite.js';
import type { Store } from './store.js';

/** The server could not start: a service it needs (the database, Redis) could not be reached; the message names the setting and the cause. */
export class StartError extends Error {
  override name = 'StartError';
}

/** A database URL with its password hidden, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** Creates and migrates the store; throws StartError when it cannot. */
export async function openStore(config: Config, onBackgroundError: (where: string, error: Error) => void): Promise<Store> {
  const { database } = config;
  const store =
    database.kind === 'postgres'
      ? createPostgresStore({ url: database.url, poolSize: database.poolSize, onBackgroundError })
      : createSqliteStore({
          file: join(config.dataDir, 'parley.db'),
          synchronous: config.sqliteSync,
          writer: config.sqliteWriter,
          commitIntervalMs: config.sqliteCommitIntervalMs,
          onBackgroundError,
        });
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    const where = database.kind === 'postgres' ? `the PostgreSQL database at DATABASE_URL (${redactUrl(database.url)})` : `the SQLite database in DATA_DIR (${config.dataDir})`;
    throw new StartError(`Could not open ${where}: ${(error as Error).message}`, { cause: error });
  }
  return store;
}
