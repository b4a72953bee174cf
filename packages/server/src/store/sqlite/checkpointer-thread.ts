/**
 * The checkpointer thread (checkpointer.ts): on its own connection, copies
 * what the WAL holds into the database file every `everyMs`, as a PASSIVE
 * checkpoint, which never waits for and never blocks the writer or readers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './open.js';

const { file, synchronous, everyMs } = workerData as { file: string; synchronous: 'full' | 'normal'; everyMs: number };
const port = parentPort!;
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
