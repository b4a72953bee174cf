/**
 * Batches presence changes per room and publishes one `presence` frame per
 * room per interval. Without batching, N users connecting to one room would
 * cost N² frames. In a large room (more than LARGE_ROOM members online) the
 * frame carries only the online count (`changes` empty, `more` = how many
 * changed) and goes out at most every LARGE_ROOM_INTERVAL_MS: a list of who
 * came and went is noise to thousands of readers and would cost each of them
 * kilobytes per interval.
 *
 * Each frame carries the room's online count and its presence version as
 * read at the flush (presence.ts), so that hubs can tell which of two frames
 * from different nodes is newer.
 */
import type { PresenceChange, PresenceFrame, UserRef } from '@parley/protocol';
import type { Bus } from '../bus/bus.js';
import { roomTopic } from '../bus/bus.js';
import { encodeRoomMessage } from '../bus/messages.js';
import type { Presence, RoomOnline } from '../presence/presence.js';

const MAX_CHANGES = 50;
export const LARGE_ROOM = 200;
export const LARGE_ROOM_INTERVAL_MS = 5000;

export class PresenceNotifier {
  readonly #bus: Bus;
  readonly #presence: Presence;
  readonly #intervalMs: number;
  readonly #pending = new Map<string, PresenceChange[]>();
  /** When each large room last got a presence frame. */
  readonly #largeSentAt = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #flushing = false;

  constructor(bus: Bus, presence: Presence, intervalMs: number) {
    this.#bus = bus;
    this.#presence = presence;
    this.#intervalMs = intervalMs;
  }

  changed(room: string, user: UserRef, status: PresenceChange['status']): void {
    let changes = this.#pending.get(room);
    if (!changes) this.#pending.set(room, (changes = []));
    changes.push({ user: { id: user.id, name: user.name }, status });
    this.#schedule();
  }

  /**
   * Publishes what is due; resolves when it is published (tests wait for it). The changes are
   * taken before the counts are read, so that each frame's count includes its changes; changes
   * made meanwhile wait for the next flush.
   */
  async flush(now = Date.now()): Promise<void> {
    this.#timer = undefined;
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      const batch = [...this.#pending];
      this.#pending.clear();
      const counts = await this.#presence.online(batch.map(([room]) => room));
      batch.forEach(([room, changes], i) => this.#publish(room, changes, counts[i]!, now));
    } finally {
      this.#flushing = false;
    }
    if (this.#pending.size > 0) this.#schedule();
  }

  #publish(room: string, changes: PresenceChange[], { online, version }: RoomOnline, now: number): void {
    const large = online > LARGE_ROOM;
    if (large && now - (this.#largeSentAt.get(room) ?? 0) < LARGE_ROOM_INTERVAL_MS) {
      // Held back: before whatever changed meanwhile.
      this.#pending.set(room, changes.concat(this.#pending.get(room) ?? []));
      return;
    }
    const frame: PresenceFrame = { type: 'presence', room, online, changes: large ? [] : changes.slice(-MAX_CHANGES) };
    const omitted = changes.length - frame.changes.length;
    if (omitted > 0) frame.more = omitted;
    if (large) this.#largeSentAt.set(room, now);
    else this.#largeSentAt.delete(room);
    this.#bus.publish(roomTopic(room), encodeRoomMessage({ kind: 'presence', version, frame: JSON.stringify(frame) }));
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending.clear();
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => void this.flush(), this.#intervalMs);
    this.#timer.unref();
  }
}
