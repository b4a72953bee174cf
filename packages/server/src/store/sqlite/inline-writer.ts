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
import { GroupCommit } from './group-commit.js';
import { openWriterDatabase } from './open.js';
import { prepareStatements, type Statements } from './statements.js';
import { commitWrites, type WriteArgs, type WriteOp, type WriteRequest, type WriteResult } from './write-ops.js';
import { StoreClosedError, type Writer } from './writer.js';

interface Queued extends WriteRequest {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class InlineWriter implements Writer {
  readonly #db: Database;
  readonly #statements: Statements;
  readonly #commits: GroupCommit;
  readonly #minIntervalMs: number;
  #queue: Queued[] = [];
  /** The commit of what is queued, at the end of this turn or, within the interval, after it. */
  #atTurnEnd: NodeJS.Immediate | null = null;
  #afterInterval: NodeJS.Timeout | null = null;
  /** When the last commit started (performance.now()). */
  #lastCommit = -Infinity;
  #closed = false;

  constructor(file: string, synchronous: 'full' | 'normal', minIntervalMs = 0) {
    this.#db = openWriterDatabase(file, synchronous);
    this.#statements = prepareStatements(this.#db);
    this.#commits = new GroupCommit(this.#db);
    this.#minIntervalMs = minIntervalMs;
  }

  run<K extends WriteOp>(op: K, ...args: WriteArgs<K>): Promise<WriteResult<K>> {
    if (this.#closed) return Promise.reject(new StoreClosedError());
    return new Promise((resolve, reject) => {
      this.#queue.push({ op, args, resolve: resolve as (value: unknown) => void, reject });
      if (this.#atTurnEnd === null && this.#afterInterval === null) this.#scheduleCommit();
    });
  }

  #scheduleCommit(): void {
    const wait = this.#lastCommit + this.#minIntervalMs - performance.now();
    // Timers have a resolution of 1 ms: a shorter wait is the end of this turn.
    if (wait >= 1) this.#afterInterval = setTimeout(this.#commitQueued, wait);
    else this.#atTurnEnd = setImmediate(this.#commitQueued);
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#commitQueued();
      this.#db.close();
    }
    return Promise.resolve();
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
    commitWrites(this.#commits, this.#statements, batch).forEach((outcome, i) => {
      if (outcome.ok) batch[i]!.resolve(outcome.value);
      else batch[i]!.reject(outcome.error);
    });
  };
}
