/**
 * The group commit's transactions (../rules/group-commit.ts) on the writer's
 * own PostgreSQL connection, opened on first use and opened again after it
 * broke. One transaction at a time (the writer never calls `run` before the
 * last one has settled).
 *
 * A transaction that failed in a way that running it again can clear up
 * (connect.ts, attemptsFor) runs again. A connection that breaks while COMMIT is in
 * flight leaves the outcome unknown: that is CommitUnknownError, and the
 * writes are not run again.
 */
import pg from 'pg';
import { CommitUnknownError, type Transactions } from '../rules/group-commit.js';
import type { WriteTx } from '../rules/write-tx.js';
import { attemptsFor, newClient } from './connect.js';
import { PgWriteTx } from './write-tx.js';

/** A failure PostgreSQL reported for a statement (it has a SQLSTATE), as opposed to a broken connection. */
function isDatabaseError(error: unknown): boolean {
  return error instanceof pg.DatabaseError;
}

export class PgTransactions implements Transactions {
  readonly #url: string;
  readonly #onConnectionError: (error: Error) => void;
  #client: Promise<pg.Client> | null = null;

  /** `onConnectionError` hears of a connection that broke outside a transaction (the next one opens another). */
  constructor(url: string, onConnectionError: (error: Error) => void) {
    this.#url = url;
    this.#onConnectionError = onConnectionError;
  }

  async run<T>(body: (tx: WriteTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.#connection();
      try {
        await client.query('BEGIN');
        const tx = new PgWriteTx(client);
        const result = await body(tx);
        await tx.flush();
        await this.#commit(client);
        return result;
      } catch (error) {
        if (error instanceof CommitUnknownError) throw error;
        await this.#rollback(client);
        // A write that failed inside a group commit carries the database's error as its cause.
        const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
        if (attempt < attemptsFor(cause)) continue;
        throw error;
      }
    }
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    if (client) await (await client.catch(() => null))?.end().catch(() => undefined);
  }

  async #commit(client: pg.Client): Promise<void> {
    try {
      await client.query('COMMIT');
    } catch (error) {
      if (isDatabaseError(error)) throw error;
      this.#drop(client);
      throw new CommitUnknownError(error);
    }
  }

  async #rollback(client: pg.Client): Promise<void> {
    try {
      await client.query('ROLLBACK');
    } catch {
      // The connection is gone (the server rolled the transaction back with it): open another next time.
      this.#drop(client);
    }
  }

  #connection(): Promise<pg.Client> {
    this.#client ??= (async () => {
      const client = newClient(this.#url);
      client.on('error', (error) => {
        this.#drop(client);
        this.#onConnectionError(error);
      });
      try {
        await client.connect();
      } catch (error) {
        this.#client = null;
        throw error;
      }
      return client;
    })();
    return this.#client;
  }

  #drop(client: pg.Client): void {
    void this.#client?.then((current) => {
      if (current === client) this.#client = null;
    });
    client.end().catch(() => undefined);
  }
}
