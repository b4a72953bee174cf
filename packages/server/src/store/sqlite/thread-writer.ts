/**
 * The `thread` writer (writer.ts): the main thread's side of the writer
 * thread (writer-thread.ts). Writes requested in one turn of the event loop
 * go to the writer as one batch; each promise settles when the writer
 * reports its batch committed (or that write failed alone). While a batch is
 * being committed, the writes requested meanwhile wait here and go as the
 * next batch the moment its reply arrives: one message each way per commit,
 * however many turns the commit took.
 */
import { Worker } from 'node:worker_threads';
import { ParleyError, isErrorCode } from '@parley/protocol';
import type { WriteArgs, WriteOp, WriteRequest, WriteResult } from '../rules/write-ops.js';
import type { WriteFailure, WriterMessage, WriterReply } from './writer-messages.js';
import { StoreClosedError, type Writer } from '../rules/writer.js';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

function toError(failure: WriteFailure): Error {
  if (failure.kind === 'parley' && isErrorCode(failure.code)) return new ParleyError(failure.code, failure.message, failure.retryAfterMs);
  const error = new Error(failure.message) as Error & { code?: string };
  error.name = failure.kind === 'error' ? failure.name : 'Error';
  if (failure.kind === 'error' && failure.code !== undefined) error.code = failure.code;
  return error;
}

export class ThreadWriter implements Writer {
  readonly #worker: Worker;
  #queue: Array<WriteRequest & Pending> = [];
  #scheduled: NodeJS.Immediate | null = null;
  readonly #inFlight = new Map<number, Pending[]>();
  #nextId = 1;
  #closing: Promise<void> | null = null;
  #failed: Error | null = null;

  constructor(file: string, synchronous: 'full' | 'normal') {
    this.#worker = new Worker(new URL('./writer-thread.js', import.meta.url), { workerData: { file, synchronous } });
    this.#worker.on('message', (reply: WriterReply) => {
      if (reply.type !== 'done') return;
      const pending = this.#inFlight.get(reply.id);
      this.#inFlight.delete(reply.id);
      // The next batch first: the writer starts on it while these results are handled.
      if (this.#queue.length > 0 && this.#inFlight.size === 0) this.#send();
      reply.outcomes.forEach((outcome, i) => {
        if (outcome.ok) pending?.[i]?.resolve(outcome.value);
        else pending?.[i]?.reject(toError(outcome.failure));
      });
    });
    const fail = (error: Error): void => {
      this.#failed ??= error;
      for (const pending of this.#inFlight.values()) for (const p of pending) p.reject(error);
      this.#inFlight.clear();
      for (const p of this.#queue) p.reject(error);
      this.#queue = [];
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`the SQLite writer thread stopped (exit ${code})`)));
  }

  run<K extends WriteOp>(op: K, ...args: WriteArgs<K>): Promise<WriteResult<K>> {
    if (this.#closing) return Promise.reject(new StoreClosedError());
    if (this.#failed) return Promise.reject(this.#failed);
    return new Promise((resolve, reject) => {
      this.#queue.push({ op, args, resolve: resolve as (value: unknown) => void, reject });
      if (this.#inFlight.size === 0) this.#scheduled ??= setImmediate(this.#sendAtTurnEnd);
    });
  }

  /** Sends what is queued, waits for every write to settle, and stops the thread. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      // Whatever is in flight: the writer handles batches in order.
      if (this.#queue.length > 0) this.#send();
      if (this.#failed) return;
      const closed = new Promise<void>((resolve) => {
        this.#worker.on('message', (reply: WriterReply) => {
          if (reply.type === 'closed') resolve();
        });
        this.#worker.once('exit', () => resolve());
      });
      this.#worker.postMessage({ type: 'close' } satisfies WriterMessage);
      await closed;
      await this.#worker.terminate();
    })();
    return this.#closing;
  }

  /** At the end of a turn: sends what is queued, unless a batch is in flight (then its reply sends it). */
  readonly #sendAtTurnEnd = (): void => {
    this.#scheduled = null;
    if (this.#inFlight.size === 0) this.#send();
  };

  #send(): void {
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = null;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    const id = this.#nextId++;
    this.#inFlight.set(id, batch);
    const writes = batch.map(({ op, args }) => ({ op, args }));
    this.#worker.postMessage({ type: 'batch', id, writes } satisfies WriterMessage);
  }
}
