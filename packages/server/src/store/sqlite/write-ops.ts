/**
 * Every write the store makes, by name: what a write request sent to the
 * writer thread names, and what the writer runs inside the group commit.
 */
import * as accountWrites from './account-writes.js';
import * as logWrites from './log-writes.js';
import type { GroupCommit, Outcome } from './group-commit.js';
import type { Statements } from './statements.js';

export const WRITE_OPS = {
  createUser: accountWrites.createUser,
  createSession: accountWrites.createSession,
  revokeSession: accountWrites.revokeSession,
  renameUser: logWrites.renameUser,
  createRoom: logWrites.createRoom,
  ensureLobby: logWrites.ensureLobby,
  appendMessage: logWrites.appendMessage,
  editMessage: logWrites.editMessage,
  deleteMessage: logWrites.deleteMessage,
  react: logWrites.react,
  join: logWrites.join,
  leave: logWrites.leave,
  setReadMarker: logWrites.setReadMarker,
} as const;

type Ops = typeof WRITE_OPS;
export type WriteOp = keyof Ops;
export type WriteArgs<K extends WriteOp> = Ops[K] extends (s: Statements, ...args: infer A) => unknown ? A : never;
export type WriteResult<K extends WriteOp> = ReturnType<Ops[K]>;

export interface WriteRequest {
  op: WriteOp;
  args: unknown[];
}

/** Runs one write request's statements (inside the caller's transaction). */
function runWrite(statements: Statements, write: WriteRequest): unknown {
  return (WRITE_OPS[write.op] as (s: Statements, ...args: unknown[]) => unknown)(statements, ...write.args);
}

/**
 * Commits `writes` as one group commit and returns each one's outcome, in
 * order. If the transaction fails as a whole, every write fails with its error.
 */
export function commitWrites(commits: GroupCommit, statements: Statements, writes: readonly WriteRequest[]): Outcome[] {
  try {
    return commits.commit(writes.map((write) => () => runWrite(statements, write)));
  } catch (error) {
    const failed: Outcome = { ok: false, error };
    return writes.map(() => failed);
  }
}

/** A write's failure as it crosses threads: ParleyErrors keep their code. */
export type WriteFailure =
  | { kind: 'parley'; code: string; message: string; retryAfterMs?: number }
  | { kind: 'error'; name: string; message: string; code?: string };

export type WriteOutcome = { ok: true; value: unknown } | { ok: false; failure: WriteFailure };

/** Writer thread → main thread. */
export type WriterReply = { type: 'done'; id: number; outcomes: WriteOutcome[] } | { type: 'closed' };

/** Main thread → writer thread. */
export type WriterMessage = { type: 'batch'; id: number; writes: WriteRequest[] } | { type: 'close' };
