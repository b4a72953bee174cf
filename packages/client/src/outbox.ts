/**
 * Messages sent but not yet in the timeline. A message keeps its client id for
 * life, so writing it again after a reconnect can never store it twice (the
 * server answers a repeated id with the stored message). Bounded: `add` throws
 * OutboxFullError when `limit` messages are still unacknowledged.
 *
 * A room's messages are stored in the order they were written: one of them at
 * a time is on its way, and the next is handed out once the server has stored
 * it. Pipelined, a send refused for a while (rate_limited, unavailable) and
 * sent again could land after a later one the server took meanwhile — which it
 * does whenever the later one reaches it after the refused one's retry time
 * (a token came back), or behind a request it delays. Rooms do not wait for
 * each other, and a message refused for good (failed) does not hold its room.
 * A message refused by a room's slow mode waits, in its place, for the time
 * the server named; only its room waits.
 */
import { ParleyError, type Attachment } from '@parley/protocol';
import type { PendingMessage, SendResult } from './types.js';
import { OutboxFullError } from './errors.js';

interface Entry {
  message: PendingMessage;
  resolve: ((result: SendResult) => void) | null;
  reject: ((error: ParleyError) => void) | null;
  /** Server errors (`internal`) in a row: after MAX_FAILURES the message fails. A rate limit or a restart never counts. */
  failures: number;
  /** Retryable refusals of any kind in a row, for the wait before the next try. */
  refusals: number;
  /** Written to a connection at least once: the server may hold it even if no ack came back. */
  written: boolean;
}

const MAX_FAILURES = 5;
/** Refusals that say to try later and when: they never make a message fail. */
const TRY_LATER: ReadonlySet<string> = new Set(['rate_limited', 'unavailable']);
/** Refusals that hold back only the message's room: slow mode is per room (and the other rooms need not wait). */
const ROOM_LATER: ReadonlySet<string> = new Set(['slow_mode']);
const MAX_RETRY_DELAY_MS = 30_000;

export class Outbox {
  readonly #entries = new Map<string, Entry>();
  readonly #limit: number;
  readonly #onChange: (rooms: ReadonlySet<string>) => void;
  readonly #wake: () => void;
  /** While set, nothing is handed out: the server asked us to slow down (or failed) and we wait before sending more. */
  #pause: ReturnType<typeof setTimeout> | null = null;
  /** Rooms whose next message waits (slow mode), until their timer wakes the client. */
  readonly #roomPauses = new Map<string, ReturnType<typeof setTimeout>>();

  /** `onChange` gets the rooms whose pending list changed; `wake` asks the client to flush (a retry delay ran out). */
  constructor(limit: number, onChange: (rooms: ReadonlySet<string>) => void, wake: () => void) {
    this.#limit = limit;
    this.#onChange = onChange;
    this.#wake = wake;
  }

  has(id: string): boolean {
    return this.#entries.has(id);
  }

  add(room: string, body: string, id: string, attachments?: readonly Attachment[], place: Pick<PendingMessage, 'thread' | 'alsoInRoom' | 'replyTo'> = {}): Promise<SendResult> {
    if (this.#entries.has(id)) return Promise.reject(new ParleyError('invalid_frame', `A message with id ${id} is already pending.`));
    let waiting = 0;
    for (const entry of this.#entries.values()) if (entry.message.state !== 'sent') waiting++;
    if (waiting >= this.#limit) return Promise.reject(new OutboxFullError(this.#limit));
    const message: PendingMessage = { id, room, body, state: 'queued', createdAt: Date.now(), ...(attachments ? { attachments } : {}), ...place };
    return this.#track(message);
  }

  /**
   * Messages to write now, in send order; they become `sending`. At most one per room: the
   * oldest queued one, and only when none of its room is on its way.
   */
  takeQueued(): PendingMessage[] {
    const out: PendingMessage[] = [];
    if (this.#pause) return out;
    const busy = new Set<string>(this.#roomPauses.keys());
    for (const entry of this.#entries.values()) if (entry.message.state === 'sending') busy.add(entry.message.room);
    const rooms = new Set<string>();
    for (const entry of this.#entries.values()) {
      const { room, state } = entry.message;
      if (state !== 'queued' || busy.has(room)) continue;
      busy.add(room);
      const { waiting: _waiting, ...message } = entry.message;
      entry.message = { ...message, state: 'sending' };
      entry.written = true;
      out.push(entry.message);
      rooms.add(room);
    }
    if (rooms.size > 0) this.#onChange(rooms);
    return out;
  }

  acked(id: string, result: Omit<SendResult, 'id'>): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    entry.message = { ...entry.message, state: 'sent', seq: result.seq };
    entry.resolve?.({ id, ...result });
    entry.resolve = entry.reject = null;
    this.#onChange(new Set([entry.message.room]));
  }

  refused(id: string, error: ParleyError): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    const tryLater = TRY_LATER.has(error.code);
    // A refusal is an answer: the server did not store it.
    entry.written = false;
    if (ROOM_LATER.has(error.code)) {
      const wait = error.retryAfterMs ?? 1000;
      entry.message = { ...entry.message, state: 'queued', waiting: { code: error.code, until: Date.now() + wait } };
      this.#pauseRoom(entry.message.room, wait);
      this.#onChange(new Set([entry.message.room]));
      return;
    }
    if (error.retryable && !tryLater) entry.failures++;
    if (tryLater || (error.retryable && entry.failures < MAX_FAILURES)) {
      // It keeps its place: its room's later messages wait until it is stored.
      entry.refusals++;
      entry.message = { ...entry.message, state: 'queued' };
      this.#pauseFor(error.retryAfterMs ?? Math.min(MAX_RETRY_DELAY_MS, 500 * 2 ** Math.min(entry.refusals, 6)));
    } else {
      entry.message = { ...entry.message, state: 'failed', error };
      entry.reject?.(error);
      entry.resolve = entry.reject = null;
    }
    this.#onChange(new Set([entry.message.room]));
  }

  /** The connection dropped: messages written but not acked go out again on the next connection. */
  connectionLost(): void {
    const rooms = new Set<string>();
    for (const entry of this.#entries.values()) {
      if (entry.message.state !== 'sending') continue;
      entry.message = { ...entry.message, state: 'queued' };
      rooms.add(entry.message.room);
    }
    if (rooms.size > 0) this.#onChange(rooms);
  }

  /** The room's timeline now reaches `syncedSeq`: acked messages up to it leave the outbox. */
  settle(room: string, syncedSeq: number): void {
    let changed = false;
    for (const [id, entry] of this.#entries) {
      if (entry.message.room === room && entry.message.state === 'sent' && entry.message.seq! <= syncedSeq) {
        this.#entries.delete(id);
        changed = true;
      }
    }
    if (changed) this.#onChange(new Set([room]));
  }

  /** Sends a failed message again (same id); resolves like `send`. */
  retry(id: string): Promise<SendResult> {
    const entry = this.#entries.get(id);
    if (!entry || entry.message.state !== 'failed') {
      return Promise.reject(new ParleyError('not_found', `No failed message with id ${id}.`));
    }
    this.#entries.delete(id);
    const { error: _error, ...message } = entry.message;
    return this.#track({ ...message, state: 'queued' });
  }

  /**
   * Drops a failed message, or a queued one never written (its promise rejects with `reason`).
   * A message written before, whose connection dropped before the ack, may be stored: it stays,
   * and goes out again with its id, so that it is never shown as discarded and then appears.
   */
  discard(id: string, reason: ParleyError): boolean {
    const entry = this.#entries.get(id);
    if (!entry || (entry.message.state !== 'failed' && (entry.message.state !== 'queued' || entry.written))) return false;
    this.#drop(entry, reason);
    this.#onChange(new Set([entry.message.room]));
    return true;
  }

  /** Drops every message of a room the user left. */
  discardRoom(room: string, reason: ParleyError): void {
    let changed = false;
    for (const entry of this.#entries.values()) {
      if (entry.message.room !== room) continue;
      this.#drop(entry, reason);
      changed = true;
    }
    if (changed) this.#onChange(new Set([room]));
  }

  /** Rejects and drops everything (the client is closing). */
  clear(reason: ParleyError): void {
    if (this.#pause) clearTimeout(this.#pause);
    this.#pause = null;
    for (const timer of this.#roomPauses.values()) clearTimeout(timer);
    this.#roomPauses.clear();
    const rooms = new Set<string>();
    for (const entry of this.#entries.values()) {
      rooms.add(entry.message.room);
      this.#drop(entry, reason);
    }
    if (rooms.size > 0) this.#onChange(rooms);
  }

  list(): PendingMessage[] {
    return [...this.#entries.values()].map((entry) => entry.message);
  }

  forRoom(room: string): PendingMessage[] {
    return this.list().filter((message) => message.room === room);
  }

  #track(message: PendingMessage): Promise<SendResult> {
    return new Promise<SendResult>((resolve, reject) => {
      this.#entries.set(message.id, { message, resolve, reject, failures: 0, refusals: 0, written: false });
      this.#onChange(new Set([message.room]));
    });
  }

  #pauseFor(ms: number): void {
    if (this.#pause) return;
    this.#pause = setTimeout(() => {
      this.#pause = null;
      this.#wake();
    }, ms);
  }

  #pauseRoom(room: string, ms: number): void {
    if (this.#roomPauses.has(room)) return;
    this.#roomPauses.set(
      room,
      setTimeout(() => {
        this.#roomPauses.delete(room);
        this.#wake();
      }, ms),
    );
  }

  #drop(entry: Entry, reason: ParleyError): void {
    entry.reject?.(reason);
    this.#entries.delete(entry.message.id);
  }
}
