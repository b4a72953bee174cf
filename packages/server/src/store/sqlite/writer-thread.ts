/**
 * The writer thread: owns the connection that writes, and runs every write
 * request in the group commit (group-commit.ts). Commits and their fsyncs
 * happen here, so the main thread's event loop (fan-out, parsing) never
 * waits on the disk. Batches that arrive while a commit is in flight are
 * delivered together and share the next commit.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ParleyError } from '@parley/protocol';
import { GroupCommit } from './group-commit.js';
import { openDatabase } from './open.js';
import { prepareStatements } from './statements.js';
import { WRITE_OPS, type WriteFailure, type WriteOutcome, type WriterMessage, type WriterReply } from './write-ops.js';

const { file, synchronous } = workerData as { file: string; synchronous: 'full' | 'normal' };
const port = parentPort!;
const db = openDatabase(file, synchronous);
const statements = prepareStatements(db);
const commits = new GroupCommit(db);
const inFlight = new Set<Promise<void>>();

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

const reply = (message: WriterReply): void => port.postMessage(message);

port.on('message', (message: WriterMessage) => {
  if (message.type === 'close') {
    commits.close();
    void Promise.all(inFlight).then(() => {
      db.close();
      reply({ type: 'closed' });
    });
    return;
  }
  const done = Promise.allSettled(
    message.writes.map((write) => commits.enqueue(() => (WRITE_OPS[write.op] as (...a: unknown[]) => unknown)(statements, ...write.args))),
  ).then((settled) => {
    const outcomes = settled.map((s): WriteOutcome => (s.status === 'fulfilled' ? { ok: true, value: s.value } : { ok: false, failure: failure(s.reason) }));
    reply({ type: 'done', id: message.id, outcomes });
  });
  inFlight.add(done);
  void done.finally(() => inFlight.delete(done));
});
