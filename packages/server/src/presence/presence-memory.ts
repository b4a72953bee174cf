import type { Presence } from './presence.js';

/** Presence for a single node. */
export class MemoryPresence implements Presence {
  /** userId → open connection count. */
  readonly #connections = new Map<string, number>();
  /** userId → rooms they are in while online. */
  readonly #userRooms = new Map<string, Set<string>>();
  /** roomId → online members. */
  readonly #roomOnline = new Map<string, Set<string>>();

  connected(userId: string, rooms: Iterable<string>): string[] {
    const count = this.#connections.get(userId) ?? 0;
    this.#connections.set(userId, count + 1);
    if (count > 0) return [];
    const mine = new Set(rooms);
    this.#userRooms.set(userId, mine);
    for (const room of mine) this.#add(room, userId);
    return [...mine];
  }

  disconnected(userId: string): string[] {
    const count = this.#connections.get(userId) ?? 0;
    if (count > 1) {
      this.#connections.set(userId, count - 1);
      return [];
    }
    this.#connections.delete(userId);
    const mine = this.#userRooms.get(userId) ?? new Set<string>();
    this.#userRooms.delete(userId);
    for (const room of mine) this.#remove(room, userId);
    return [...mine];
  }

  joined(roomId: string, userId: string): boolean {
    const mine = this.#userRooms.get(userId);
    if (!mine || mine.has(roomId)) return false;
    mine.add(roomId);
    this.#add(roomId, userId);
    return true;
  }

  left(roomId: string, userId: string): boolean {
    const mine = this.#userRooms.get(userId);
    if (!mine || !mine.delete(roomId)) return false;
    this.#remove(roomId, userId);
    return true;
  }

  isOnline(userId: string): boolean {
    return this.#connections.has(userId);
  }

  onlineCount(roomId: string): number {
    return this.#roomOnline.get(roomId)?.size ?? 0;
  }

  #add(roomId: string, userId: string): void {
    let online = this.#roomOnline.get(roomId);
    if (!online) this.#roomOnline.set(roomId, (online = new Set()));
    online.add(userId);
  }

  #remove(roomId: string, userId: string): void {
    const online = this.#roomOnline.get(roomId);
    if (!online) return;
    online.delete(userId);
    if (online.size === 0) this.#roomOnline.delete(roomId);
  }
}
