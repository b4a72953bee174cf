/**
 * Group commit, the same for every store: a batch of writes runs in one
 * transaction, so the batch pays for one commit (one fsync) instead of one
 * per write, and each write still succeeds or fails on its own.
 *
 * A write refused by its rule (a ParleyError thrown before its first change,
 * as the rules promise) fails alone and the batch goes on. Anything else — a
 * write that failed after changing something, a database error, a failed
 * transaction — rolls the whole batch back, and its writes run again one
 * transaction each, so that only the write at fault fails. The one exception
 * is a commit whose outcome is unknown (the connection broke while COMMIT was
 * in flight): running those writes again could apply them twice, so they all
 * fail with that error.
 */
import { ParleyError } from '@parley/protocol';
import { readAheadOf } from './read-ahead.js';
import { runWrite, type WriteRequest } from './write-ops.js';
import { WRITE_METHODS, type WriteTx } from './write-tx.js';

export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** A database's transactions, as the group commit uses them. */
export interface Transactions {
  /**
   * Runs `body` in one transaction and commits it; when `body` throws, rolls
   * back and rethrows. Throws CommitUnknownError when the commit may or may
   * not have happened.
   */
  run<T>(body: (tx: WriteTx) => Promise<T>): Promise<T>;
}

/** COMMIT was sent but its answer never came: the transaction may have committed. */
export class CommitUnknownError extends Error {
  constructor(cause: unknown) {
    super('the connection was lost while committing; the writes may or may not be stored', { cause });
    this.name = 'CommitUnknownError';
  }
}

/** Thrown inside the transaction to roll the batch back; its cause is the write's failure. */
class BatchRolledBack extends Error {
  constructor(cause: unknown) {
    super('a write failed after changing the database', { cause });
  }
}

const WRITES: ReadonlySet<PropertyKey> = new Set(WRITE_METHODS);

/** `tx`, with a count of the calls of its write methods. */
function countingWrites(tx: WriteTx): { tx: WriteTx; writes: () => number } {
  let writes = 0;
  const methods = new Map<PropertyKey, unknown>();
  const counted = new Proxy(tx, {
    get(target, property) {
      let method = methods.get(property);
      if (method === undefined) {
        const original = Reflect.get(target, property) as (...args: unknown[]) => Promise<unknown>;
        method = WRITES.has(property)
          ? (...args: unknown[]) => {
              writes++;
              return original.apply(target, args);
            }
          : original.bind(target);
        methods.set(property, method);
      }
      return method;
    },
  });
  return { tx: counted, writes: () => writes };
}

/** Commits `writes` as one group commit and returns each one's outcome, in order. */
export async function commitBatch(db: Transactions, writes: readonly WriteRequest[]): Promise<Outcome[]> {
  if (writes.length === 0) return [];
  try {
    return await db.run(async (tx) => {
      if (tx.readAhead) await tx.readAhead(readAheadOf(writes));
      const counted = countingWrites(tx);
      const outcomes: Outcome[] = [];
      for (const write of writes) {
        const before = counted.writes();
        try {
          outcomes.push({ ok: true, value: await runWrite(counted.tx, write) });
        } catch (error) {
          if (!(error instanceof ParleyError) || counted.writes() !== before) throw new BatchRolledBack(error);
          outcomes.push({ ok: false, error });
        }
      }
      return outcomes;
    });
  } catch (error) {
    const failure = error instanceof BatchRolledBack ? error.cause : error;
    if (writes.length === 1 || error instanceof CommitUnknownError) return writes.map(() => ({ ok: false, error: failure }));
    const outcomes: Outcome[] = [];
    for (const write of writes) outcomes.push(...(await commitBatch(db, [write])));
    return outcomes;
  }
}
