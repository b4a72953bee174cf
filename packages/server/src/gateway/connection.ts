/**
 * One client's connection, as the hub and the chat logic see it: who it is,
 * which rooms it receives, and an outbound queue of pre-encoded frames written
 * to its wire (wire.ts: a WebSocket, or an HTTP fallback stream).
 */
import type { ServerFrame, UserSummary, WelcomeFrame } from '@parley/protocol';
import { CLOSE } from '@parley/protocol';
import { toSummary, type Identity } from '../auth/accounts.js';
import type { JwtCredential } from '../auth/token-revocations.js';
import type { Peer } from '../hub/peer.js';
import type { SharedFrame } from '../hub/shared-frame.js';
import type { FlushScheduler } from './flush-scheduler.js';
import type { Wire } from './wire.js';

/** A room being resumed: live events are held back until the replay has been sent. */
interface Held {
  frames: Array<{ seq: number; bytes: Buffer }>;
}

let nextId = 1;

const NO_ROOMS: readonly string[] = Object.freeze([]);

/** What every connection of a gateway shares about its outbound side: one object, not fields per connection. */
export interface Outbound {
  readonly queueLimitBytes: number;
  readonly flushes: FlushScheduler;
  /** Called once for a connection whose backlog passed the limit, before it is closed (metrics, logs). */
  readonly onSlowConsumer?: (connection: Connection) => void;
}

/** The largest `#more` a connection keeps between flushes (8 bytes a slot). */
const KEPT_MORE_SLOTS = 64;

export class Connection implements Peer {
  readonly id = nextId++;
  /** Who it is: the public fields only (a stored user's password hash is not kept for the connection's lifetime). */
  user: UserSummary;
  readonly sessionHash: string | null;
  /** When its credentials expire (epoch ms; Infinity: never): the gateway closes it then with 4401. */
  readonly expiresAt: number;
  /** The JWT it came with (null for a session), for the revocation sweep. */
  readonly jwt: JwtCredential | null;
  /**
   * Rooms whose live frames this connection receives: exactly its user's memberships (the
   * hub keeps it; ask the hub, `Hub.has`, whether it is in a room). An array replaced on every
   * change, not a Set: most users are in a few rooms, and a Set would cost each connection
   * about 200 bytes more.
   */
  rooms: readonly string[] = NO_ROOMS;
  /** Rooms being resumed, with the live frames held back meanwhile; made on the first resume (idle sockets are most of them). */
  #held: Map<string, Held> | null = null;
  /**
   * Frames delivered before `welcome` was sent (the connection receives its rooms' traffic from
   * the moment the hub has it, while its welcome is still being read): they follow the welcome.
   * Null once it is sent.
   */
  #beforeWelcome: Buffer[] | null = [];
  readonly #wire: Wire;
  readonly #outbound: Outbound;
  /**
   * Frames queued since the last flush: the first (most flushes carry one
   * frame), then the rest in `#more`, made on the first flush that carries two
   * and reused with a count (`length = 0` would free its storage every flush)
   * unless a burst grew it past KEPT_MORE_SLOTS: then it is dropped, or a
   * replay or a join storm would leave every connection it reached holding a
   * backing store sized for it.
   */
  #first: Buffer | null = null;
  #more: Array<Buffer | null> | null = null;
  #moreCount = 0;
  #queuedBytes = 0;
  /** The size of the last flush larger than the queue limit, while its backlog drains; else 0. */
  #burstBytes = 0;
  #closed = false;

  constructor(wire: Wire, identity: Identity, outbound: Outbound) {
    this.#wire = wire;
    this.user = toSummary(identity.user);
    this.sessionHash = identity.sessionHash;
    this.expiresAt = identity.expiresAt ?? Infinity;
    this.jwt = identity.jwt;
    this.#outbound = outbound;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes queued for this connection or written to its socket that the network has not taken yet. */
  get backlogBytes(): number {
    return this.#queuedBytes + this.#wire.writableLength;
  }

  /**
   * Writes what is queued now, and resolves once the socket has taken it all, or closed.
   * For a sender of large replies (work-scheduler.ts), so that each is taken before the next
   * is made: a reply waiting in the queue for its round would not be seen in the backlog.
   */
  drained(): Promise<void> {
    this.flush();
    return this.#closed ? Promise.resolve() : this.#wire.drained();
  }

  /** Slots the outbound queue keeps allocated while empty (for tests). */
  get keptQueueSlots(): number {
    return this.#more?.length ?? 0;
  }

  /** Serializes and queues one frame for this connection only; returns its size in bytes. */
  send(frame: ServerFrame): number {
    const bytes = this.#wire.encode(JSON.stringify(frame));
    this.#enqueue(bytes);
    return bytes.length;
  }

  /**
   * Queues the answer to one of this connection's own requests (ack, error,
   * pong) and has the queue written as soon as the current callback is done
   * (`FlushScheduler.flushSoon`) instead of with the next round of writes: the
   * client is waiting on it. The whole queue goes, in order, so the reply
   * overtakes nothing queued before it.
   */
  reply(frame: ServerFrame): void {
    this.send(frame);
    if (!this.#closed) this.#outbound.flushes.flushSoon(this);
  }

  /**
   * Queues a frame shared by every recipient of a broadcast, as the WebSocket frame it was
   * encoded to once. This is the per-recipient path of every fan-out: keep it to a push and a sum.
   */
  deliver(frame: SharedFrame): void {
    this.#enqueue(frame.encoded(this.#wire.encode));
  }

  /**
   * The queue holds references to shared buffers, not copies; whether the reader keeps up is
   * judged once per flush, by the socket's backlog.
   */
  #enqueue(bytes: Buffer): void {
    if (this.#closed) return;
    if (this.#beforeWelcome !== null) {
      this.#beforeWelcome.push(bytes);
      return;
    }
    this.#queuedBytes += bytes.length;
    if (this.#first === null) {
      this.#first = bytes;
      this.#outbound.flushes.schedule(this);
      return;
    }
    (this.#more ??= [])[this.#moreCount++] = bytes;
  }

  /** Sends `welcome`, the first frame of every connection, then what was delivered before it. */
  welcome(frame: WelcomeFrame): void {
    const before = this.#beforeWelcome ?? [];
    this.#beforeWelcome = null;
    this.send(frame);
    for (const bytes of before) this.#enqueue(bytes);
  }

  /** Delivers a room's event frame, or holds it back while that room is being resumed. */
  deliverEvent(room: string, seq: number, frame: SharedFrame): void {
    const bytes = frame.encoded(this.#wire.encode);
    const held = this.#held?.get(room);
    if (held) held.frames.push({ seq, bytes });
    else this.#enqueue(bytes);
  }

  /** Starts holding back live events of `room` (a resume is reading its replay). */
  hold(room: string): void {
    this.#held ??= new Map();
    if (!this.#held.has(room)) this.#held.set(room, { frames: [] });
  }

  /** Ends the hold: delivers the held events newer than `replayedUpTo`, in order. */
  release(room: string, replayedUpTo: number): void {
    const held = this.#held?.get(room);
    if (!held) return;
    this.#held!.delete(room);
    for (const frame of held.frames) if (frame.seq > replayedUpTo) this.#enqueue(frame.bytes);
  }

  flush(): void {
    const first = this.#first;
    if (first === null || this.#closed) return;
    const wire = this.#wire;
    const bytes = this.#queuedBytes;
    // A slow consumer is one that left more than the limit of earlier flushes untaken by the
    // kernel. This flush's own frames do not count: a burst queued in one go (many messages
    // committed together, a replay) is not a sign of a slow reader. Nor does a burst larger
    // than the limit, while it drains: until the backlog is back under the limit, the limit is
    // raised by that burst's size. A reader that stopped holds at most the limit plus the
    // largest burst (a resume's replay is bounded, chat/history.ts) plus one flush.
    const limit = this.#outbound.queueLimitBytes;
    const backlog = wire.writableLength;
    if (backlog > limit + this.#burstBytes) {
      this.#slowConsumer();
      return;
    }
    this.#burstBytes = bytes > limit ? bytes : backlog > limit ? this.#burstBytes : 0;
    // One write per flush. Copying small frames into one buffer is cheaper than
    // Node's writev path (cork/uncork), which costs a request object per chunk.
    const chunk = this.#moreCount === 0 ? first : this.#outbound.flushes.join(first, this.#more as Buffer[], this.#moreCount, bytes);
    this.#clearQueue();
    if (!wire.destroyed) wire.write(chunk);
  }

  /** Empties the queue, dropping its references to the frames. */
  #clearQueue(): void {
    this.#beforeWelcome &&= null;
    this.#first = null;
    const more = this.#more;
    if (this.#moreCount > KEPT_MORE_SLOTS) this.#more = null;
    else for (let i = 0; i < this.#moreCount; i++) more![i] = null;
    this.#moreCount = 0;
    this.#queuedBytes = 0;
  }

  #slowConsumer(): void {
    this.#outbound.onSlowConsumer?.(this);
    this.close(CLOSE.slowConsumer, 'slow consumer');
  }

  /** Flushes what is queued, then closes with `code`. */
  close(code: number, reason: string): void {
    if (this.#closed) return;
    if (code !== CLOSE.slowConsumer) this.flush();
    this.#closed = true;
    this.#clearQueue();
    this.#wire.close(code, reason);
    if (code === CLOSE.slowConsumer) {
      // Its socket buffer is full; the close would wait behind it.
      const wire = this.#wire;
      setTimeout(() => wire.terminate(), 1000).unref();
    }
  }

  /** Marks the connection closed after the socket went away. */
  markClosed(): void {
    this.#closed = true;
    this.#clearQueue();
  }
}
