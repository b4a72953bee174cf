/**
 * The writer thread: owns the connection that writes, and commits each batch
 * of write requests the main thread sends as one group commit
 * (group-commit.ts). Commits and their fsyncs happen here, so the main
 * thread's event loop (fan-out, parsing) never waits on the disk. A batch is
 * committed synchronously as it arrives and answered with one message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ParleyError } from '@parley/protocol';
import { GroupCommit } from './group-commit.js';
import { openWriterDatabase } from './open.js';
import { prepareStatements } from './statements.js';
import { commitWrites, type WriteFailure, type WriteOutcome, type WriteRequest, type WriterMessage, type WriterReply } from './write-ops.js';

const { file, synchronous } = workerData as { file: string; synchronous: 'full' | 'normal' };
const port = parentPort!;
const db = openWriterDatabase(file, synchronous);
const statements = prepareStatements(db);
const commits = new GroupCommit(db);

function failure(error: unknown): WriteFailure {
  if (error instanceof ParleyError) {
    return { kind: 'parley', code: error.code, message: error.message, ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}) };
  }
  const e = error as { name?: unknown; message?: unknown; code?: unknown };
  return {
    kind: 'error',
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : String(error),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
  };
}

function commitBatch(writes: readonly WriteRequest[]): WriteOutcome[] {
  return commitWrites(commits, statements, writes).map((o): WriteOutcome => (o.ok ? { ok: true, value: o.value } : { ok: false, failure: failure(o.error) }));
}

const reply = (message: WriterReply): void => port.postMessage(message);

port.on('message', (message: WriterMessage) => {
  if (message.type === 'close') {
    db.close();
    reply({ type: 'closed' });
    return;
  }
  reply({ type: 'done', id: message.id, outcomes: commitBatch(message.writes) });
});
