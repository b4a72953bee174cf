/**
 * Collects connections that have queued frames and flushes them all at once,
 * so that every frame queued for one connection meanwhile leaves in one
 * socket write.
 *
 * When: at the end of the current turn of the event loop — unless the last
 * flush was long. A flush that took d ms is followed by a pause of
 * min(d, maxPauseMs) before the next one. Idle or lightly loaded, flushes take
 * well under a millisecond and nothing waits. Under load, writes are the
 * server's main cost (a loopback write costs several microseconds whatever
 * its size), so the pause keeps them to about half the loop's time and lets
 * each connection's frames pile up into fewer, larger writes: throughput rises
 * several-fold for at most `maxPauseMs` of added latency.
 *
 * Contract: a connection calls `schedule` when its queue goes from empty to
 * non-empty, so it is listed at most once per flush unless it flushed early
 * (on close); a second `flush` of an empty queue does nothing.
 */
export interface Flushable {
  flush(): void;
}

/** Below this, a pause is not worth a timer (timers fire on whole milliseconds). */
const MIN_PAUSE_MS = 1;

export class FlushScheduler {
  readonly #maxPauseMs: number;
  /**
   * The connections to flush next, and a spare list for the flush after.
   * Both are reused with a count and never shrunk: `length = 0` would drop a
   * 1,000-slot backing store every flush and grow it again slot by slot.
   */
  #dirty: Array<Flushable | null> = [];
  #dirtyCount = 0;
  #spare: Array<Flushable | null> = [];
  /** performance.now() before which the next flush should not start. */
  #pauseUntil = 0;
  /** The parts of the last `join` result (first `#lastCount` slots), kept for the rest of the flush. */
  readonly #lastParts: Array<Buffer | null> = [];
  #lastCount = 0;
  #lastJoined: Buffer | null = null;

  /** `maxPauseMs` 0 flushes at the end of every turn, however long flushes take. */
  constructor(options: { maxPauseMs: number }) {
    this.#maxPauseMs = options.maxPauseMs;
  }

  schedule(connection: Flushable): void {
    if (this.#dirtyCount === 0) {
      const pause = this.#pauseUntil - performance.now();
      if (pause >= MIN_PAUSE_MS) setTimeout(this.#flushAll, pause);
      else setImmediate(this.#flushAll);
    }
    this.#dirty[this.#dirtyCount++] = connection;
  }

  readonly #flushAll = (): void => {
    const started = performance.now();
    // Swap lists first: a flush may queue frames for the next one (close → error frames).
    const list = this.#dirty;
    const count = this.#dirtyCount;
    this.#dirty = this.#spare;
    this.#dirtyCount = 0;
    this.#spare = list;
    try {
      for (let i = 0; i < count; i++) {
        const connection = list[i]!;
        list[i] = null;
        connection.flush();
      }
    } finally {
      for (let i = 0; i < this.#lastCount; i++) this.#lastParts[i] = null;
      this.#lastCount = 0;
      this.#lastJoined = null;
      const ended = performance.now();
      this.#pauseUntil = ended + Math.min(ended - started, this.#maxPauseMs);
    }
  };

  /**
   * The frames of one connection's flush — `first`, then `more[0 .. moreCount)` —
   * as one buffer. In a busy room every member queued the very same frame
   * buffers in the same order, so when the parts are identical (same objects)
   * to the previous connection's, the bytes already joined are reused: one
   * copy per flush instead of one per recipient. Queued frames are never
   * modified, so equal references mean equal bytes.
   */
  join(first: Buffer, more: readonly Buffer[], moreCount: number, totalBytes: number): Buffer {
    const lastParts = this.#lastParts;
    if (this.#lastJoined !== null && this.#lastCount === moreCount + 1 && lastParts[0] === first) {
      let same = true;
      for (let i = 0; i < moreCount && same; i++) same = more[i] === lastParts[i + 1];
      if (same) return this.#lastJoined;
    }
    const joined = Buffer.allocUnsafe(totalBytes);
    joined.set(first, 0);
    lastParts[0] = first;
    let offset = first.length;
    for (let i = 0; i < moreCount; i++) {
      const part = more[i]!;
      joined.set(part, offset);
      offset += part.length;
      lastParts[i + 1] = part;
    }
    this.#lastCount = moreCount + 1;
    this.#lastJoined = joined;
    return joined;
  }
}
