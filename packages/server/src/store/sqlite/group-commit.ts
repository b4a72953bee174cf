/**
 * Group commit: a batch of writes runs in one SQLite transaction, so the batch
 * pays for one commit (one WAL fsync with synchronous=full) instead of one per
 * write. The writer thread commits each batch the main thread sends it (the
 * writes requested in one turn, or during the previous commit: writer.ts).
 *
 * Each write runs in its own savepoint (better-sqlite3 turns a nested
 * `db.transaction` into SAVEPOINT … RELEASE), so a write that throws undoes
 * only itself and fails alone. If the transaction as a whole fails (COMMIT
 * fails, or SQLite aborts the transaction during a write, e.g. disk full),
 * `commit` throws and nothing of the batch is stored.
 */
import type { Database, Transaction } from 'better-sqlite3';

export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class GroupCommit {
  readonly #runBatch: Transaction<(writes: ReadonlyArray<() => unknown>) => Outcome[]>;

  constructor(db: Database) {
    const runOne = db.transaction((write: () => unknown) => write());
    this.#runBatch = db.transaction((writes: ReadonlyArray<() => unknown>) =>
      writes.map((write): Outcome => {
        try {
          return { ok: true, value: runOne(write) };
        } catch (error) {
          // SQLite rolled the whole transaction back: the earlier writes are gone too.
          if (!db.inTransaction) throw error;
          return { ok: false, error };
        }
      }),
    );
  }

  /** Runs `writes` in one IMMEDIATE transaction and returns each one's outcome once COMMIT has returned. */
  commit(writes: ReadonlyArray<() => unknown>): Outcome[] {
    return this.#runBatch.immediate(writes);
  }
}
