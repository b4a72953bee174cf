/**
 * The main thread's handle on the sender thread (see sender-messages.ts):
 * one request at a time (open the senders, then one phase's schedule after
 * another), and every event it reports handed to `receiver` as it arrives.
 */
import { Worker } from 'node:worker_threads';
import type { ConnectionSink, Traffic } from './bench-connection.js';
import { EVENT, EVENT_SIZE, performanceOriginMs, type FromSenderThread, type OpenSenders, type SendSchedule, type ToSenderThread } from './sender-messages.js';

export interface SenderReceiver {
  sink: ConnectionSink;
  /** The main thread's; the sender connections' frames are added to it. */
  traffic: Traffic;
  /** Message `index` left at `lagMicros` after its scheduled time `scheduledMicros`. */
  onSent(index: number, scheduledMicros: number, lagMicros: number): void;
}

const ENTRY = new URL('./sender-thread-entry.js', import.meta.url);

export class SenderThread {
  readonly #worker: Worker;
  readonly #receiver: SenderReceiver;
  #pending: { resolve: () => void; reject: (error: Error) => void } | null = null;
  #failure: Error | null = null;
  #framesSeen = 0;

  private constructor(receiver: SenderReceiver) {
    this.#receiver = receiver;
    this.#worker = new Worker(ENTRY);
    this.#worker.on('message', (message: FromSenderThread) => this.#onMessage(message));
    this.#worker.on('error', (error: unknown) => this.#fail(error instanceof Error ? error : new Error(String(error))));
    this.#worker.on('exit', (code) => this.#fail(new Error(`the sender thread exited (${code})`)));
  }

  /** Starts the thread and opens `senders.length` connections in it (joining their rooms where asked). */
  static async open(request: Omit<OpenSenders, 'type' | 'mainOriginMs'>, receiver: SenderReceiver): Promise<SenderThread> {
    const thread = new SenderThread(receiver);
    try {
      await thread.#request({ type: 'open', mainOriginMs: performanceOriginMs(), ...request });
    } catch (error) {
      await thread.close();
      throw error;
    }
    return thread;
  }

  /** Runs one phase's schedule; resolves once every message has been sent and reported. */
  send(schedule: Omit<SendSchedule, 'type'>): Promise<void> {
    return this.#request({ type: 'phase', ...schedule });
  }

  async close(): Promise<void> {
    this.#failure ??= new Error('the sender thread was closed');
    await this.#worker.terminate();
  }

  #request(message: ToSenderThread): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#pending) return Promise.reject(new Error('the sender thread is busy with another request'));
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#worker.postMessage(message);
    });
  }

  #settle(error: Error | null): void {
    const pending = this.#pending;
    this.#pending = null;
    if (error) pending?.reject(error);
    else pending?.resolve();
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#settle(this.#failure);
  }

  #onMessage(message: FromSenderThread): void {
    switch (message.type) {
      case 'events':
        this.#take(message.events, message.frames, message.lastFrameAt);
        return;
      case 'close':
        this.#receiver.sink.onClose(message.code);
        return;
      case 'error':
        this.#settle(new Error(`sender thread: ${message.message}`));
        return;
      default:
        this.#settle(null);
    }
  }

  #take(events: Float64Array, frames: number, lastFrameAt: number): void {
    const { sink, traffic } = this.#receiver;
    for (let at = 0; at < events.length; at += EVENT_SIZE) {
      const index = events[at + 1]!;
      const a = events[at + 2]!;
      const b = events[at + 3]!;
      switch (events[at]) {
        case EVENT.sent:
          this.#receiver.onSent(index, a, b);
          break;
        case EVENT.delivery:
          sink.onDelivery(index, a, b, events[at + 4]!);
          break;
        case EVENT.ack:
          sink.onAck(index, a);
          break;
        default:
          sink.onErrorFrame('');
      }
    }
    traffic.frames += frames - this.#framesSeen;
    this.#framesSeen = frames;
    traffic.lastFrameAt = Math.max(traffic.lastFrameAt, lastFrameAt);
  }
}
