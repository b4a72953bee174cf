/**
 * What this node has delivered of one room's log, so that the room's local
 * peers get each event once and in order whatever the bus does: it may lose
 * events, and events that different nodes published may arrive out of order.
 *
 * The feed remembers the last seq it delivered. An event past the next one is
 * held back for GAP_WAIT_MS (the missing one is usually a moment behind, from
 * another node); if it has not come by then, the missing events are read from
 * the store, delivered in order, and the held ones after them. A seq already
 * delivered is dropped. The hub also tells the feed how far the log reaches
 * (after a bus interruption, and now and then), and the feed reads what it
 * missed. Events from the store come in their current state (an edited body),
 * which the later events re-apply harmlessly.
 */
import type { RoomEvent } from '@parley/protocol';
import { SharedFrame } from './shared-frame.js';

/** The store's reads a feed needs. */
export interface LogReader {
  latestSeq(roomId: string): Promise<number>;
  eventsAfter(roomId: string, after: number, limit: number): Promise<RoomEvent[]>;
}

/** How long an event that skipped ahead waits for the missing one before the store is read. */
export const GAP_WAIT_MS = 40;
/** Events read from the store at a time. */
const FILL_PAGE = 500;

export class RoomFeed {
  readonly #room: string;
  readonly #reader: LogReader;
  readonly #deliver: (seq: number, frame: SharedFrame) => void;
  readonly #onError: (error: Error) => void;
  /** The last seq delivered; null until the feed started. */
  #last: number | null = null;
  /** Events received ahead of the next one; null for a seq known to exist without its frame (a hint). */
  readonly #held = new Map<number, SharedFrame | null>();
  /** The highest seq known to exist. */
  #highest = 0;
  #gapTimer: NodeJS.Timeout | null = null;
  #filling = false;
  #closed = false;

  constructor(room: string, reader: LogReader, deliver: (seq: number, frame: SharedFrame) => void, onError: (error: Error) => void) {
    this.#room = room;
    this.#reader = reader;
    this.#deliver = deliver;
    this.#onError = onError;
  }

  /** The last seq delivered; null until the feed started. */
  get last(): number | null {
    return this.#last;
  }

  /** Starts delivering after `after`: what came before is the peers' own to fetch (their welcome and resume). */
  start(after: number): void {
    if (this.#closed || this.#last !== null) return;
    this.#last = after;
    this.#highest = Math.max(this.#highest, after);
    this.#drain();
  }

  /** An event from the bus; `frame` null when the bus carried only its seq. */
  accept(seq: number, frame: SharedFrame | null): void {
    if (this.#closed || (this.#last !== null && seq <= this.#last)) return;
    if (seq > this.#highest) this.#highest = seq;
    if (frame !== null || !this.#held.has(seq)) this.#held.set(seq, frame);
    if (this.#last !== null) this.#drain();
  }

  /** The log is known to reach `latest`: read whatever this node has not delivered. */
  catchUp(latest: number): void {
    if (this.#closed || latest <= this.#highest) return;
    this.#highest = latest;
    if (this.#last !== null) void this.#fill();
  }

  close(): void {
    this.#closed = true;
    this.#held.clear();
    if (this.#gapTimer) clearTimeout(this.#gapTimer);
    this.#gapTimer = null;
  }

  /** Delivers the held events that follow on; waits for (or reads) a gap. */
  #drain(): void {
    let next = this.#last! + 1;
    for (let frame = this.#held.get(next); frame; frame = this.#held.get(next)) {
      this.#held.delete(next);
      this.#deliver(next, frame);
      this.#last = next++;
    }
    // Held seqs now behind (read from the store meanwhile) are done with.
    for (const seq of this.#held.keys()) if (seq <= this.#last!) this.#held.delete(seq);
    if (this.#highest > this.#last! && this.#gapTimer === null && !this.#filling) {
      this.#gapTimer = setTimeout(() => {
        this.#gapTimer = null;
        void this.#fill();
      }, GAP_WAIT_MS);
      this.#gapTimer.unref();
    }
  }

  /** Reads the events after the last delivered from the store, up to the highest known, and delivers them in order. */
  async #fill(): Promise<void> {
    if (this.#filling || this.#closed) return;
    this.#filling = true;
    if (this.#gapTimer) clearTimeout(this.#gapTimer);
    this.#gapTimer = null;
    try {
      while (!this.#closed && this.#highest > this.#last!) {
        const events = await this.#reader.eventsAfter(this.#room, this.#last!, Math.min(FILL_PAGE, this.#highest - this.#last!));
        if (this.#closed) return;
        for (const event of events) {
          if (event.seq <= this.#last!) continue;
          this.#held.delete(event.seq);
          this.#deliver(event.seq, new SharedFrame(JSON.stringify({ type: 'event', event })));
          this.#last = event.seq;
        }
        // The store has nothing after the last delivered, though more was announced: forget it
        // rather than ask again and again; the hub's next check of the log finds anything real.
        if (events.length === 0) {
          this.#highest = this.#last!;
          this.#held.clear();
          break;
        }
      }
    } catch (error) {
      this.#onError(error as Error);
    } finally {
      this.#filling = false;
    }
    if (!this.#closed) this.#drain();
  }
}
