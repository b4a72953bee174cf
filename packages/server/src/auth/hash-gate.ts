/**
 * Bounds password hashing. argon2 runs on libuv's thread pool (four threads by
 * default), which file reads and DNS lookups share: unbounded, a spray of
 * logins (48 a second from one address) took every thread and slowed
 * everyone's logins tenfold. At most `concurrency` hashes run at once and at
 * most `maxWaiting` more wait, in arrival order; past that a caller is refused
 * with `unavailable` (retryable) at once instead of queueing without bound.
 */
import { ParleyError } from '@parley/protocol';

export class HashGate {
  readonly #concurrency: number;
  readonly #maxWaiting: number;
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(options: { concurrency: number; maxWaiting: number }) {
    this.#concurrency = options.concurrency;
    this.#maxWaiting = options.maxWaiting;
  }

  /** Runs `hash` when a place is free; rejects with `unavailable` when too many wait already. */
  async run<T>(hash: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#concurrency) {
      if (this.#waiting.length >= this.#maxWaiting) {
        throw new ParleyError('unavailable', 'Too many sign-ins at once; retry in a moment.');
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running++;
    }
    try {
      return await hash();
    } finally {
      // The place passes straight to the next in line, so a newcomer cannot take it first.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
