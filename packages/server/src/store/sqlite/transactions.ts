/**
 * The group commit's transactions (../rules/group-commit.ts) on the writer's
 * connection: BEGIN IMMEDIATE takes the database's write lock at once, so the
 * reads of the batch see everything committed before it, and a second
 * process writing the same file waits for it (busy timeout, open.ts).
 * One transaction at a time: the writers never call `run` again before the
 * last one has settled.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { Transactions } from '../rules/group-commit.js';
import type { WriteTx } from '../rules/write-tx.js';
import { SqliteWriteTx } from './write-tx.js';

export class SqliteTransactions implements Transactions {
  readonly #db: Database;
  readonly #tx: WriteTx;
  readonly #begin: Statement;
  readonly #commit: Statement;
  readonly #rollback: Statement;

  constructor(db: Database) {
    this.#db = db;
    this.#tx = new SqliteWriteTx(db);
    this.#begin = db.prepare('BEGIN IMMEDIATE');
    this.#commit = db.prepare('COMMIT');
    this.#rollback = db.prepare('ROLLBACK');
  }

  async run<T>(body: (tx: WriteTx) => Promise<T>): Promise<T> {
    this.#begin.run();
    try {
      const result = await body(this.#tx);
      this.#commit.run();
      return result;
    } catch (error) {
      // SQLite may have rolled back already (disk full, an abort in a trigger).
      if (this.#db.inTransaction) this.#rollback.run();
      throw error;
    }
  }
}
