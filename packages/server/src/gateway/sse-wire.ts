/**
 * An HTTP fallback stream as a wire (protocol.md §30): each server frame is
 * one server-sent event whose data is the frame's JSON (JSON.stringify never
 * writes a line break, so one `data:` line holds it), the close code is a last
 * `close` event, and inbound frames come from POSTs (fallback-gateway.ts)
 * instead of the socket. Pausing holds back the POSTs' answers, not a socket's
 * reads: a client sends its next POST only once the last one was answered.
 */
import type { ServerResponse } from 'node:http';
import { FALLBACK_EVENT, type FallbackClose } from '@parley/protocol';
import { drainedStream, type Wire } from './wire.js';

/** The SSE event of one frame: shared by every stream, so SharedFrame encodes a broadcast once for all of them. */
export function encodeSseEvent(json: string): Buffer {
  return Buffer.from(`data: ${json}\n\n`);
}

/** A comment line: keeps proxies from timing out an idle stream; clients ignore it. */
export const SSE_KEEPALIVE = Buffer.from(':\n\n');

export function sseEvent(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}

export class SseWire implements Wire {
  readonly #res: ServerResponse;
  #ended = false;
  #paused = false;
  /** Answers of POSTs taken while paused, given once reading resumes. */
  #waiting: Array<() => void> = [];

  constructor(res: ServerResponse) {
    this.#res = res;
    res.once('close', () => {
      this.#ended = true;
      this.#release();
    });
  }

  get encode(): typeof encodeSseEvent {
    return encodeSseEvent;
  }

  get open(): boolean {
    return !this.#ended && !this.#res.destroyed;
  }

  get destroyed(): boolean {
    return this.#ended || this.#res.destroyed;
  }

  get writableLength(): number {
    return this.#res.writableLength;
  }

  write(chunk: Buffer): void {
    if (!this.destroyed) this.#res.write(chunk);
  }

  drained(): Promise<void> {
    return drainedStream(this.#res);
  }

  sendText(text: string): void {
    this.write(encodeSseEvent(text));
  }

  close(code: number, reason: string): void {
    if (this.destroyed) return;
    const close: FallbackClose = { code, reason };
    this.#res.end(sseEvent(FALLBACK_EVENT.close, JSON.stringify(close)));
    this.#ended = true;
    this.#release();
  }

  terminate(): void {
    this.#ended = true;
    this.#res.destroy();
    this.#release();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#release();
  }

  /** Calls `taken` once the session reads again (at once unless paused, or once the stream is gone). */
  whenReading(taken: () => void): void {
    if (!this.#paused || this.#ended) taken();
    else this.#waiting.push(taken);
  }

  #release(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const taken of waiting) taken();
  }
}
