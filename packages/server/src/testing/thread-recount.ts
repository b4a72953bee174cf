/**
 * Reads a test server's database beside it, with the store's own shared reads (../store/sql/):
 * what a thread's unread count is, counted from the log now. Tests compare what clients show
 * with it. A read-only connection: the server's writes are left alone.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../store/sql/schema.js';
import { countThreadUnread } from '../store/sql/thread-reads.js';
import type { ServerProcess } from './server-process.js';

export interface ThreadRecount {
  unread(room: string, root: number, userId: string): Promise<number>;
  close(): Promise<void>;
}

export function threadRecount(database: ServerProcess['database']): ThreadRecount {
  const dialect =
    database.kind === 'sqlite'
      ? new SqliteDialect({ database: new BetterSqlite3(database.file, { readonly: true, fileMustExist: true }) })
      : new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 1 }) });
  const db = new Kysely<Database>({ dialect });
  return {
    unread: (room, root, userId) => countThreadUnread(db, room, root, userId),
    close: () => db.destroy(),
  };
}
