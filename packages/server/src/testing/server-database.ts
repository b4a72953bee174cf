/**
 * A test's own connection to a test server's database, whichever store it
 * runs on, as Kysely over the shared schema: a test that must look at or
 * change stored rows writes its query once for both stores.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../store/sql/schema.js';
import type { ServerProcess } from './server-process.js';

export async function withServerDatabase<T>(server: ServerProcess, body: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const { database } = server;
  const dialect =
    database.kind === 'sqlite'
      ? new SqliteDialect({ database: new BetterSqlite3(database.file) })
      : new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 1 }) });
  const db = new Kysely<Database>({ dialect });
  try {
    return await body(db);
  } finally {
    await db.destroy();
  }
}
