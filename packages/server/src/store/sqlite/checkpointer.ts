/**
 * Checkpoints off the commit path. In WAL mode every commit appends to the
 * WAL, and a checkpoint copies the WAL's pages into the database file (and
 * fsyncs it) so that the WAL can start over. SQLite runs checkpoints on the
 * connection that commits, right after the commit that crosses the threshold;
 * under load that was a 5–12 ms pause several times a second for whatever
 * waited on that writer. Here a thread of its own, at the lowest CPU
 * priority, checkpoints every CHECKPOINT_EVERY_MS instead, and the writer
 * checkpoints itself only past a much larger WAL (open.ts). Neither kind of
 * checkpoint can lose a committed write: the WAL is only reused once its
 * pages are in the database file.
 */
import { Worker } from 'node:worker_threads';

const CHECKPOINT_EVERY_MS = 250;

export class Checkpointer {
  readonly #worker: Worker;
  readonly #exited: Promise<void>;
  #stopping = false;

  /** `onError`: the thread failed (only opening its connection can); the writer's own checkpoints (open.ts) then do the work. */
  constructor(file: string, synchronous: 'full' | 'normal', onError: (error: Error) => void) {
    this.#worker = new Worker(new URL('./checkpointer-thread.js', import.meta.url), {
      workerData: { file, synchronous, everyMs: CHECKPOINT_EVERY_MS },
    });
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));
    this.#worker.on('error', onError);
  }

  /** Stops the thread after the checkpoint in progress, if any. Idempotent. */
  close(): Promise<void> {
    if (!this.#stopping) {
      this.#stopping = true;
      this.#worker.postMessage('stop');
    }
    return this.#exited;
  }
}
