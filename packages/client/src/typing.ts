/**
 * Typing indicators: who is typing in each room, each entry forgotten after
 * TYPING.expireMs unless repeated, and the throttle for our own typing frames.
 */
import { TYPING, type UserRef } from '@parley/protocol';

export class TypingTracker {
  readonly #rooms = new Map<string, Map<string, { user: UserRef; timer: ReturnType<typeof setTimeout> }>>();
  readonly #lastSent = new Map<string, number>();
  readonly #onChange: (room: string, users: UserRef[]) => void;

  constructor(onChange: (room: string, users: UserRef[]) => void) {
    this.#onChange = onChange;
  }

  /** Someone is typing in `room`. */
  typing(room: string, user: UserRef): void {
    let users = this.#rooms.get(room);
    if (!users) this.#rooms.set(room, (users = new Map()));
    const existing = users.get(user.id);
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => this.stopped(room, user.id), TYPING.expireMs);
    users.set(user.id, { user, timer });
    if (!existing || existing.user.name !== user.name) this.#onChange(room, this.users(room));
  }

  /** `userId` stopped typing (their message arrived, or the indicator expired). */
  stopped(room: string, userId: string): void {
    const users = this.#rooms.get(room);
    const entry = users?.get(userId);
    if (!users || !entry) return;
    clearTimeout(entry.timer);
    users.delete(userId);
    this.#onChange(room, this.users(room));
  }

  users(room: string): UserRef[] {
    return [...(this.#rooms.get(room)?.values() ?? [])].map((entry) => entry.user);
  }

  /** Whether our own typing frame for `room` may go out now (at most one per TYPING.throttleMs); records it if so. */
  mayNotify(room: string, now = Date.now()): boolean {
    const last = this.#lastSent.get(room);
    if (last !== undefined && now - last < TYPING.throttleMs) return false;
    this.#lastSent.set(room, now);
    return true;
  }

  /** We sent a message in `room`: others stop showing us typing, so the next keystroke may notify at once. */
  sent(room: string): void {
    this.#lastSent.delete(room);
  }

  /** Forgets who is typing in `room`, and says so: their expiry timers, which would have, are cancelled. */
  clearRoom(room: string): void {
    const users = this.#rooms.get(room);
    if (!users) return;
    for (const entry of users.values()) clearTimeout(entry.timer);
    this.#rooms.delete(room);
    if (users.size > 0) this.#onChange(room, []);
  }

  clear(): void {
    for (const room of [...this.#rooms.keys()]) this.clearRoom(room);
  }
}
