/**
 * Collects connections that have queued frames and flushes them all at once,
 * so that every frame queued for one connection meanwhile leaves in one
 * socket write.
 *
 * A round flushes every connection listed when it starts. It starts at the
 * end of the current turn of the event loop — unless the last round was long:
 * a round that took d ms is followed by a pause of min(d, maxPauseMs). Idle or
 * lightly loaded, rounds take well under a millisecond and nothing waits.
 * Under load, writes are the server's main cost (a loopback write costs
 * several microseconds whatever its size), so the pause keeps them to about
 * half the loop's time and lets each connection's frames pile up into fewer,
 * larger writes: throughput rises several-fold for at most `maxPauseMs` of
 * added latency.
 *
 * Contract: a connection calls `schedule` when its queue goes from empty to
 * non-empty, so it is listed at most once per round unless it flushed early
 * (on close, or through `flushSoon`); a `flush` of an empty queue does nothing.
 */
export interface Flushable {
  flush(): void;
}

/** Below this, a pause is not worth a timer (timers fire on whole milliseconds). */
const MIN_PAUSE_MS = 1;
/** A round reads the clock once per this many connections. */
const CLOCK_EVERY = 8;

export class FlushScheduler {
  readonly #maxPauseMs: number;
  readonly #sliceMs: number;
  readonly #now: () => number;
  /**
   * The connections listed for the next round, and the round in progress.
   * Both are reused with a count and never shrunk: `length = 0` would drop a
   * 1,000-slot backing store every round and grow it again slot by slot.
   */
  #next: Array<Flushable | null> = [];
  #nextCount = 0;
  #round: Array<Flushable | null> = [];
  #roundCount = 0;
  #roundIndex = 0;
  #roundStarted = 0;
  #inRound = false;
  /** Connections to flush as soon as the current callback is done, outside the rounds (`flushSoon`). */
  #soon: Flushable[] = [];
  #soonCount = 0;
  /** A timer or an immediate will start the next round. */
  #armed = false;
  /** performance.now() before which the next round should not start. */
  #pauseUntil = 0;
  /** The parts of the last `join` result (first `#lastCount` slots), kept for the rest of the round. */
  readonly #lastParts: Array<Buffer | null> = [];
  #lastCount = 0;
  #lastJoined: Buffer | null = null;

  /**
   * `maxPauseMs` 0 flushes at the end of every turn, however long rounds take.
   * A round longer than `sliceMs` yields to the event loop between slices, so
   * that messages read and committed meanwhile join the queues of the
   * connections it has not reached yet instead of waiting for the next round.
   */
  /** `now`: the clock rounds are timed by (performance.now; a test's own, for rounds of a known length). */
  constructor(options: { maxPauseMs: number; sliceMs?: number; now?: () => number }) {
    this.#maxPauseMs = options.maxPauseMs;
    this.#sliceMs = options.sliceMs ?? 1;
    this.#now = options.now ?? (() => performance.now());
  }

  schedule(connection: Flushable): void {
    this.#next[this.#nextCount++] = connection;
    if (!this.#inRound && !this.#armed) this.#arm();
  }

  /**
   * Flushes `connection` as soon as the callback running now and the promise
   * continuations it set off are done, whatever the pause or the round in
   * progress: for replies the client is waiting on. A commit's acks thus
   * leave right after the commit, each with whatever its continuation queued
   * after it (the sender's copy of the message), not one turn of the event
   * loop later behind the reads and a slice of the round. The connection
   * stays listed in its round, where its flush finds an empty queue or the
   * frames queued since.
   */
  flushSoon(connection: Flushable): void {
    // A tick queued from a promise continuation runs once the microtask queue is empty.
    if (this.#soonCount === 0) process.nextTick(this.#flushSoonList);
    this.#soon[this.#soonCount++] = connection;
  }

  readonly #flushSoonList = (): void => {
    const list = this.#soon;
    const count = this.#soonCount;
    this.#soon = [];
    this.#soonCount = 0;
    for (let i = 0; i < count; i++) list[i]!.flush();
  };

  #arm(): void {
    this.#armed = true;
    const pause = this.#pauseUntil - this.#now();
    if (pause >= MIN_PAUSE_MS) setTimeout(this.#startRound, pause);
    else setImmediate(this.#startRound);
  }

  readonly #startRound = (): void => {
    this.#armed = false;
    // Swap lists: connections flushed in this round that queue again are listed for the next.
    const list = this.#next;
    this.#next = this.#round;
    this.#round = list;
    this.#roundCount = this.#nextCount;
    this.#nextCount = 0;
    this.#roundIndex = 0;
    this.#roundStarted = this.#now();
    this.#inRound = true;
    this.#continueRound();
  };

  readonly #continueRound = (): void => {
    const list = this.#round;
    const count = this.#roundCount;
    const sliceEnds = this.#now() + this.#sliceMs;
    let i = this.#roundIndex;
    try {
      while (i < count) {
        const connection = list[i]!;
        list[i++] = null;
        connection.flush();
        if (i % CLOCK_EVERY === 0 && this.#now() >= sliceEnds) break;
      }
    } finally {
      // Also after a throwing flush: the rest of the round still gets written.
      this.#roundIndex = i;
      if (i < count) setImmediate(this.#continueRound);
      else this.#endRound();
    }
  };

  #endRound(): void {
    for (let i = 0; i < this.#lastCount; i++) this.#lastParts[i] = null;
    this.#lastCount = 0;
    this.#lastJoined = null;
    const ended = this.#now();
    this.#pauseUntil = ended + Math.min(ended - this.#roundStarted, this.#maxPauseMs);
    this.#inRound = false;
    if (this.#nextCount > 0) this.#arm();
  }

  /**
   * The frames of one connection's write — `first`, then `more[0 .. moreCount)` —
   * as one buffer. In a busy room every member queued the very same frame
   * buffers in the same order, so when the parts are identical (same objects)
   * to the previous connection's, the bytes already joined are reused: one
   * copy per round instead of one per recipient. Queued frames are never
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
