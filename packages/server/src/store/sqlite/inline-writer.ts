/**
 * The `inline` writer (writer.ts): the main thread commits, at the end of each
 * turn of the event loop, every write the turn requested, as one group commit
 * on a connection of its own. Each promise settles right after that commit
 * (or with its own failure); a write requested while promises of the last
 * commit are being settled goes in the next turn's commit.
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
  #queue: Queued[] = [];
  #scheduled: NodeJS.Immediate | null = null;
  #closed = false;

  constructor(file: string, synchronous: 'full' | 'normal') {
    this.#db = openWriterDatabase(file, synchronous);
    this.#statements = prepareStatements(this.#db);
    this.#commits = new GroupCommit(this.#db);
  }

  run<K extends WriteOp>(op: K, ...args: WriteArgs<K>): Promise<WriteResult<K>> {
    if (this.#closed) return Promise.reject(new StoreClosedError());
    return new Promise((resolve, reject) => {
      this.#queue.push({ op, args, resolve: resolve as (value: unknown) => void, reject });
      this.#scheduled ??= setImmediate(this.#commitQueued);
    });
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
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = null;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    commitWrites(this.#commits, this.#statements, batch).forEach((outcome, i) => {
      if (outcome.ok) batch[i]!.resolve(outcome.value);
      else batch[i]!.reject(outcome.error);
    });
  };
}
