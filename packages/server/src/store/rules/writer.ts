/** What every store's writer is: a queue of writes, committed in group commits (group-commit.ts). */
import type { WriteArgs, WriteOp, WriteResult } from './write-ops.js';

export interface Writer {
  /** Queues the write for the next group commit; settles once that commit is done (or this write failed alone). */
  run<K extends WriteOp>(op: K, ...args: WriteArgs<K>): Promise<WriteResult<K>>;
  /** Commits what is queued, settles every write, and closes the connection. Idempotent. */
  close(): Promise<void>;
}

/** A write requested after the store began to close. */
export class StoreClosedError extends Error {
  constructor() {
    super('the store is closed');
    this.name = 'StoreClosedError';
  }
}
