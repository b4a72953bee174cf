/**
 * The `inline` writer (writer.ts): the main thread commits, at the end of each
 * turn of the event loop, every write the turn requested, as one group commit
 * on a connection of its own. Each promise settles right after that commit
 * (or with its own failure); a write requested while promises of the last
 * commit are being settled goes in the next turn's commit.
 *
 * Commits start at least `minIntervalMs` apart: a write that comes sooner
 * after the last commit waits for the rest of the interval, and the writes of
 * every turn meanwhile share its commit. A commit costs about as much for one
 * write as for ten (the fsync, the WAL's header, the pages the writes share),
 * and the event loop waits for every one: under a steady stream of sends,
 * fewer and larger commits leave the loop more time for everything else. A
 * write after a quiet spell is committed at the end of its turn, as before.
 */
import type { Database } from 'better-sqlite3';
import { commitBatch } from '../rules/group-commit.js';
import type { WriteArgs, WriteOp, WriteRequest, WriteResult } from '../rules/write-ops.js';
import { openWriterDatabase } from './open.js';
import { SqliteTransactions } from './transactions.js';
import { StoreClosedError, type Writer } from '../rules/writer.js';

interface Queued extends WriteRequest {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class InlineWriter implements Writer {
  readonly #db: Database;
  readonly #transactions: SqliteTransactions;
  readonly #minIntervalMs: number;
  #queue: Queued[] = [];
  /** The commit of what is queued, at the end of this turn or, within the interval, after it. */
  #atTurnEnd: NodeJS.Immediate | null = null;
  #afterInterval: NodeJS.Timeout | null = null;
  /** When the last commit started (performance.now()). */
  #lastCommit = -Infinity;
  /** The commit under way: its statements run synchronously, but settle through microtasks. */
  #committing: Promise<void> | null = null;
  #closed = false;

  constructor(file: string, synchronous: 'full' | 'normal', minIntervalMs = 0) {
    this.#db = openWriterDatabase(file, synchronous);
    this.#transactions = new SqliteTransactions(this.#db);
    this.#minIntervalMs = minIntervalMs;
  }

  run<K extends WriteOp>(op: K, ...args: WriteArgs<K>): Promise<WriteResult<K>> {
    if (this.#closed) return Promise.reject(new StoreClosedError());
    return new Promise((resolve, reject) => {
      this.#queue.push({ op, args, resolve: resolve as (value: unknown) => void, reject });
      if (this.#atTurnEnd === null && this.#afterInterval === null && this.#committing === null) this.#scheduleCommit();
    });
  }

  #scheduleCommit(): void {
    const wait = this.#lastCommit + this.#minIntervalMs - performance.now();
    // Timers have a resolution of 1 ms: a shorter wait is the end of this turn.
    if (wait >= 1) this.#afterInterval = setTimeout(this.#commitQueued, wait);
    else this.#atTurnEnd = setImmediate(this.#commitQueued);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#committing;
    this.#commitQueued();
    await this.#committing;
    this.#db.close();
  }

  readonly #commitQueued = (): void => {
    if (this.#atTurnEnd) clearImmediate(this.#atTurnEnd);
    if (this.#afterInterval) clearTimeout(this.#afterInterval);
    this.#atTurnEnd = null;
    this.#afterInterval = null;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    this.#lastCommit = performance.now();
    this.#committing = commitBatch(this.#transactions, batch).then((outcomes) => {
      this.#committing = null;
      // Writes queued while this commit ran go in the next one, after the interval.
      if (this.#queue.length > 0 && !this.#closed) this.#scheduleCommit();
      outcomes.forEach((outcome, i) => {
        if (outcome.ok) batch[i]!.resolve(outcome.value);
        else batch[i]!.reject(outcome.error);
      });
    });
  };
}
