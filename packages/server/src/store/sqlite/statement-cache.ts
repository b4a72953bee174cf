/**
 * The reader connection as Kysely's SQLite dialect sees it, with a bounded
 * cache of prepared statements keyed by their SQL text. Kysely compiles a
 * query to the same text every time (values are bound parameters), and
 * without the cache better-sqlite3 prepares it again for every call: SQLite
 * parses and plans it anew, and V8 collects another statement object. On a
 * connection's way in (session, user, rooms, unread counts) that was most of
 * the time the store took.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

export function withStatementCache(db: Database, capacity: number): SqliteDatabase {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const statements = new Map<string, Statement>();
  return {
    close: () => db.close(),
    prepare(sql: string): Statement {
      const cached = statements.get(sql);
      // A statement still iterating (Kysely's streamQuery) cannot run again until it is done.
      if (cached && !cached.busy) {
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = db.prepare(sql);
      if (cached) return statement;
      statements.set(sql, statement);
      if (statements.size > capacity) statements.delete(statements.keys().next().value!);
      return statement;
    },
  };
}
