/**
 * Requests waiting for their answer. Each request frame gets a fresh ref; the
 * server answers it with exactly one `ack` or `error` carrying that ref. A
 * request made while disconnected waits for the next connection; one written
 * on a connection that drops is rejected (the server may or may not have applied it).
 */
import { ParleyError, type RequestType, type Results } from '@parley/protocol';
import { ConnectionLostError } from './errors.js';

type Frame = { type: RequestType; ref: string } & Record<string, unknown>;

interface Waiter {
  frame: Frame;
  written: boolean;
  resolve: (result: never) => void;
  reject: (error: ParleyError) => void;
  timer: ReturnType<typeof setTimeout> | null;
}

/** What every request frame carries besides `type` and `ref`. */
export type RequestBody<K extends RequestType> = Record<string, unknown> & { type: K };

export class RequestTracker {
  readonly #waiting = new Map<string, Waiter>();
  #counter = 0;
  /** Writes a frame on the open connection; false when there is none. */
  readonly #write: (frame: Frame) => boolean;

  constructor(write: (frame: Frame) => boolean) {
    this.#write = write;
  }

  /** Sends a request now or on the next connection. `timeoutMs` 0: no time limit (internal sync requests). */
  request<K extends RequestType>(body: RequestBody<K>, timeoutMs: number): Promise<Results[K]> {
    const ref = `r${(++this.#counter).toString(36)}`;
    const frame = { ...body, ref } as Frame;
    return new Promise<Results[K]>((resolve, reject) => {
      const waiter: Waiter = { frame, written: false, resolve: resolve as (r: never) => void, reject, timer: null };
      if (timeoutMs > 0) {
        waiter.timer = setTimeout(() => {
          this.#waiting.delete(ref);
          reject(new ConnectionLostError(`No answer to "${body.type}" within ${timeoutMs} ms.`));
        }, timeoutMs);
      }
      this.#waiting.set(ref, waiter);
      waiter.written = this.#write(frame);
    });
  }

  /** The ack for `ref` arrived; returns false when no request waits for it. */
  resolve(ref: string, result: unknown): boolean {
    const waiter = this.#settle(ref);
    waiter?.resolve(result as never);
    return waiter !== undefined;
  }

  reject(ref: string, error: ParleyError): boolean {
    const waiter = this.#settle(ref);
    waiter?.reject(error);
    return waiter !== undefined;
  }

  /** A connection opened: writes the requests that waited for one. */
  flush(): void {
    for (const waiter of this.#waiting.values()) {
      if (!waiter.written) waiter.written = this.#write(waiter.frame);
    }
  }

  /** The connection dropped: requests already written fail; the others keep waiting. */
  connectionLost(): void {
    for (const [ref, waiter] of this.#waiting) {
      if (!waiter.written) continue;
      this.#settle(ref);
      waiter.reject(new ConnectionLostError());
    }
  }

  /** Rejects everything (the client is closing). */
  clear(error: ParleyError): void {
    for (const ref of [...this.#waiting.keys()]) this.#settle(ref)?.reject(error);
  }

  #settle(ref: string): Waiter | undefined {
    const waiter = this.#waiting.get(ref);
    if (!waiter) return undefined;
    this.#waiting.delete(ref);
    if (waiter.timer) clearTimeout(waiter.timer);
    return waiter;
  }
}
