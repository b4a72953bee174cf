/**
 * Group commit: every write enqueued in one turn of the event loop runs in one
 * SQLite transaction at setImmediate, so a burst of writes pays for one commit
 * (one WAL fsync with synchronous=full) instead of one each.
 *
 * Each write runs in its own savepoint (better-sqlite3 turns a nested
 * `db.transaction` into SAVEPOINT … RELEASE), so a write that throws undoes
 * only itself and rejects only its own promise. Promises settle only after
 * COMMIT returns. If the transaction as a whole fails (COMMIT fails, or SQLite
 * aborts the transaction during a write, e.g. disk full), every write of the
 * batch rejects with that error and nothing of the batch is stored.
 */
import type { Database, Transaction } from 'better-sqlite3';

interface PendingWrite {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class StoreClosedError extends Error {
  constructor() {
    super('the store is closed');
    this.name = 'StoreClosedError';
  }
}

export class GroupCommit {
  readonly #runBatch: Transaction<(batch: PendingWrite[]) => Outcome[]>;
  #queue: PendingWrite[] = [];
  #scheduled: NodeJS.Immediate | null = null;
  #closed = false;

  constructor(db: Database) {
    const runOne = db.transaction((write: PendingWrite) => write.run());
    this.#runBatch = db.transaction((batch: PendingWrite[]) =>
      batch.map((write): Outcome => {
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

  /** Queues `run` for the next batch; resolves with its result once the batch has committed. */
  enqueue<T>(run: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new StoreClosedError());
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
      this.#scheduled ??= setImmediate(this.#flush);
    });
  }

  /** Commits what is queued now and refuses later writes. */
  close(): void {
    this.#closed = true;
    if (this.#scheduled) {
      clearImmediate(this.#scheduled);
      this.#flush();
    }
  }

  readonly #flush = (): void => {
    this.#scheduled = null;
    const batch = this.#queue;
    this.#queue = [];
    let outcomes: Outcome[];
    try {
      outcomes = this.#runBatch.immediate(batch);
    } catch (error) {
      for (const write of batch) write.reject(error);
      return;
    }
    for (let i = 0; i < batch.length; i++) {
      const outcome = outcomes[i]!;
      if (outcome.ok) batch[i]!.resolve(outcome.value);
      else batch[i]!.reject(outcome.error);
    }
  };
}
