/**
 * The read pool as Kysely's PostgreSQL dialect sees it, with the queries it
 * makes again and again run as named prepared statements. Kysely compiles a
 * query to the same text every time (values are bound parameters); sent
 * unnamed, PostgreSQL parses and plans that text anew on every call. On a
 * reconnect's resume (its room's events, their reactions and threads) and its
 * welcome (the people the user blocks) that was three quarters of the time
 * PostgreSQL spent on those queries (parse and bind against execute, in a
 * reconnect storm's statement log).
 *
 * A text is named on its second use, and at most `capacity` texts ever are: a
 * statement stays prepared on each connection that ran it (node-postgres
 * keeps no way to forget one), so the bound is the memory each connection's
 * backend may hold for them. Only plain reads and writes are named, not
 * transaction control.
 *
 * A prepared `SELECT *` fails once its table gained a column (another node ran
 * a migration): PostgreSQL refuses to change a prepared statement's result
 * type. Such a text is run unnamed from then on.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

const NAMEABLE = /^\s*(select|with|insert|update|delete)\b/i;

export function withStatementNames(pool: pg.Pool, capacity: number): PostgresPool {
  /** Texts seen once, not yet named. */
  const seen = new Set<string>();
  /** Named texts and their names; null: a text never to be named again. */
  const names = new Map<string, string | null>();

  function nameOf(sql: string): string | null {
    const name = names.get(sql);
    if (name !== undefined) return name;
    if (names.size >= capacity || !NAMEABLE.test(sql)) return null;
    if (!seen.has(sql)) {
      // Texts used once stay candidates until four times as many have come by.
      if (seen.size >= 4 * capacity) seen.clear();
      seen.add(sql);
      return null;
    }
    seen.delete(sql);
    const named = `parley_k_${createHash('sha1').update(sql).digest('base64url').slice(0, 20)}`;
    names.set(sql, named);
    return named;
  }

  function wrap(client: pg.PoolClient): PostgresPoolClient {
    async function query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
      const name = nameOf(sql);
      if (name === null) return client.query(sql, parameters as unknown[]) as unknown as Promise<PostgresQueryResult<R>>;
      try {
        return (await client.query({ name, text: sql, values: parameters as unknown[] })) as unknown as PostgresQueryResult<R>;
      } catch (error) {
        if ((error as { code?: string }).code !== '0A000') throw error;
        names.set(sql, null);
        return client.query(sql, parameters as unknown[]) as unknown as Promise<PostgresQueryResult<R>>;
      }
    }
    return {
      query: ((sqlOrCursor: string | object, parameters?: ReadonlyArray<unknown>) =>
        typeof sqlOrCursor === 'string' ? query(sqlOrCursor, parameters ?? []) : client.query(sqlOrCursor as never)) as PostgresPoolClient['query'],
      release: (destroy?: boolean) => client.release(destroy),
    };
  }

  return {
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  };
}
