/**
 * At most `concurrency` image jobs at once, at most `maxWaiting` more in line (first come first
 * served); past that an upload is refused with `unavailable` (retryable) rather than queued
 * without bound. libvips decodes on libuv's threads, which password hashing and file reads share.
 */
import { ParleyError } from '@parley/protocol';

export class WorkGate {
  readonly #concurrency: number;
  readonly #maxWaiting: number;
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(concurrency: number, maxWaiting: number) {
    this.#concurrency = concurrency;
    this.#maxWaiting = maxWaiting;
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#concurrency) {
      if (this.#waiting.length >= this.#maxWaiting) throw new ParleyError('unavailable', 'Too many images are being processed; retry in a moment.');
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running++;
    }
    try {
      return await job();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
