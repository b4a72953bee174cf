/**
 * Batches presence changes per room and publishes one `presence` frame per
 * room per interval. Without batching, N users connecting to one room would
 * cost N² frames; with it, a burst of connections costs one frame per member
 * per interval.
 */
import type { PresenceChange, PresenceFrame, UserRef } from '@parley/protocol';
import type { Bus } from '../bus/bus.js';
import { roomTopic } from '../bus/bus.js';
import { encodeRoomMessage } from '../bus/messages.js';
import type { Presence } from '../presence/presence.js';

const MAX_CHANGES = 50;

export class PresenceNotifier {
  readonly #bus: Bus;
  readonly #presence: Presence;
  readonly #intervalMs: number;
  readonly #pending = new Map<string, PresenceChange[]>();
  #timer: NodeJS.Timeout | undefined;

  constructor(bus: Bus, presence: Presence, intervalMs: number) {
    this.#bus = bus;
    this.#presence = presence;
    this.#intervalMs = intervalMs;
  }

  changed(room: string, user: UserRef, status: PresenceChange['status']): void {
    let changes = this.#pending.get(room);
    if (!changes) this.#pending.set(room, (changes = []));
    changes.push({ user: { id: user.id, name: user.name }, status });
    this.#timer ??= setTimeout(() => this.flush(), this.#intervalMs);
  }

  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const [room, changes] of this.#pending) {
      const frame: PresenceFrame = {
        type: 'presence',
        room,
        online: this.#presence.onlineCount(room),
        changes: changes.slice(-MAX_CHANGES),
      };
      if (changes.length > MAX_CHANGES) frame.more = changes.length - MAX_CHANGES;
      this.#bus.publish(roomTopic(room), encodeRoomMessage({ kind: 'presence', frame: JSON.stringify(frame) }));
    }
    this.#pending.clear();
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending.clear();
  }
}
