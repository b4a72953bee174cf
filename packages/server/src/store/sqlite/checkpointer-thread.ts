/**
 * The checkpointer thread (checkpointer.ts): on its own connection, copies
 * what the WAL holds into the database file every `everyMs`, as a PASSIVE
 * checkpoint, which never waits for and never blocks the writer or readers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThisThreadPriority } from '../../thread-priority.js';
import { openDatabase } from './open.js';

const { file, synchronous, everyMs } = workerData as { file: string; synchronous: 'full' | 'normal'; everyMs: number };
const port = parentPort!;
// Where it shares a core with the main thread, a checkpoint (5–45 ms under
// load) would otherwise take its turn in the middle of the main thread's work
// and hold up every reply. A main thread that leaves it no idle time for long
// ends up checkpointing itself (open.ts), as it would without this thread.
lowerThisThreadPriority();
const db = openDatabase(file, synchronous);

const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Nothing is lost: the pages stay in the WAL, and the next attempt (or the writer's own checkpoint) copies them.
  }
}, everyMs);

// The only message is "stop": with the timer and the port gone, the thread exits.
port.once('message', () => {
  clearInterval(timer);
  db.close();
  port.close();
});
