import type { Presence } from './presence.js';

/** What presence keeps of an online user: one object, and the rooms as an array replaced on change (see Connection.rooms). */
interface Online {
  connections: number;
  rooms: readonly string[];
}

/** Presence for a single node. */
export class MemoryPresence implements Presence {
  /** userId → their open connections and the rooms they are in, while online. */
  readonly #online = new Map<string, Online>();
  /** roomId → online members. */
  readonly #roomOnline = new Map<string, Set<string>>();

  connected(userId: string, rooms: Iterable<string>): readonly string[] {
    const online = this.#online.get(userId);
    if (online) {
      online.connections++;
      return [];
    }
    const mine = [...new Set(rooms)];
    this.#online.set(userId, { connections: 1, rooms: mine });
    for (const room of mine) this.#add(room, userId);
    return mine;
  }

  disconnected(userId: string): readonly string[] {
    const online = this.#online.get(userId);
    if (!online) return [];
    if (--online.connections > 0) return [];
    this.#online.delete(userId);
    for (const room of online.rooms) this.#remove(room, userId);
    return online.rooms;
  }

  joined(roomId: string, userId: string): boolean {
    const online = this.#online.get(userId);
    if (!online || online.rooms.includes(roomId)) return false;
    online.rooms = online.rooms.concat(roomId);
    this.#add(roomId, userId);
    return true;
  }

  left(roomId: string, userId: string): boolean {
    const online = this.#online.get(userId);
    const index = online ? online.rooms.indexOf(roomId) : -1;
    if (index < 0) return false;
    online!.rooms = online!.rooms.toSpliced(index, 1);
    this.#remove(roomId, userId);
    return true;
  }

  isOnline(userId: string): boolean {
    return this.#online.has(userId);
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
