/**
 * The writer thread: owns the connection that writes, and commits each batch
 * of write requests the main thread sends as one group commit
 * (../rules/group-commit.ts). Commits and their fsyncs happen here, so the main
 * thread's event loop (fan-out, parsing) never waits on the disk. A batch is
 * committed as it arrives and answered with one message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ParleyError } from '@parley/protocol';
import { commitBatch } from '../rules/group-commit.js';
import type { WriteRequest } from '../rules/write-ops.js';
import { openWriterDatabase } from './open.js';
import { SqliteTransactions } from './transactions.js';
import type { WriteFailure, WriteOutcome, WriterMessage, WriterReply } from './writer-messages.js';

const { file, synchronous } = workerData as { file: string; synchronous: 'full' | 'normal' };
const port = parentPort!;
const db = openWriterDatabase(file, synchronous);
const transactions = new SqliteTransactions(db);

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

async function commit(writes: readonly WriteRequest[]): Promise<WriteOutcome[]> {
  const outcomes = await commitBatch(transactions, writes);
  return outcomes.map((o): WriteOutcome => (o.ok ? { ok: true, value: o.value } : { ok: false, failure: failure(o.error) }));
}

const reply = (message: WriterReply): void => port.postMessage(message);

// Batches are committed one after another, in the order they came: the main thread sends the
// next only after the last one's reply, and `close` after that.
let done: Promise<void> = Promise.resolve();
port.on('message', (message: WriterMessage) => {
  done = done.then(async () => {
    if (message.type === 'close') {
      db.close();
      reply({ type: 'closed' });
      return;
    }
    reply({ type: 'done', id: message.id, outcomes: await commit(message.writes) });
  });
});
