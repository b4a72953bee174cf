/** What crosses between the main thread and the writer thread (thread-writer.ts, writer-thread.ts). */
import type { WriteRequest } from '../rules/write-ops.js';

/** A write's failure as it crosses threads: ParleyErrors keep their code. */
export type WriteFailure =
  | { kind: 'parley'; code: string; message: string; retryAfterMs?: number }
  | { kind: 'error'; name: string; message: string; code?: string };

export type WriteOutcome = { ok: true; value: unknown } | { ok: false; failure: WriteFailure };

/** Writer thread → main thread. */
export type WriterReply = { type: 'done'; id: number; outcomes: WriteOutcome[] } | { type: 'closed' };

/** Main thread → writer thread. */
export type WriterMessage = { type: 'batch'; id: number; writes: WriteRequest[] } | { type: 'close' };
