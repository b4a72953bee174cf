/**
 * Presence in one process. Nodes in one process (tests of several nodes)
 * share a MemoryPresenceState; a node on its own gets one of its own. Nothing
 * here can die without telling, so `expired` is never called.
 */
import type { Presence, PresenceEvents, RoomOnline } from './presence.js';

/**
 * An online user: on how many nodes, and their rooms — an array replaced on change, not a Set:
 * most users are in a few rooms, and a Set would cost each user online about 200 bytes more.
 */
interface OnlineUser {
  nodes: number;
  rooms: readonly string[];
}

/** What in-process nodes share: the online users, and the online members of each room. */
export class MemoryPresenceState {
  readonly users = new Map<string, OnlineUser>();
  /** roomId → online members. */
  readonly rooms = new Map<string, Set<string>>();
  readonly versions = new Map<string, number>();

  add(roomId: string, userId: string): boolean {
    let online = this.rooms.get(roomId);
    if (!online) this.rooms.set(roomId, (online = new Set()));
    if (online.has(userId)) return false;
    online.add(userId);
    this.#bump(roomId);
    return true;
  }

  remove(roomId: string, userId: string): boolean {
    const online = this.rooms.get(roomId);
    if (!online?.delete(userId)) return false;
    if (online.size === 0) this.rooms.delete(roomId);
    this.#bump(roomId);
    return true;
  }

  #bump(roomId: string): void {
    this.versions.set(roomId, (this.versions.get(roomId) ?? 0) + 1);
  }
}

export class MemoryPresence implements Presence {
  readonly #state: MemoryPresenceState;
  /** userId → this node's open connections of theirs. */
  readonly #connections = new Map<string, number>();

  constructor(state = new MemoryPresenceState()) {
    this.#state = state;
  }

  async start(_events: PresenceEvents): Promise<void> {}

  async connected(userId: string, rooms: Iterable<string>): Promise<readonly string[]> {
    const count = this.#connections.get(userId) ?? 0;
    this.#connections.set(userId, count + 1);
    if (count > 0) return [];
    let user = this.#state.users.get(userId);
    if (!user) this.#state.users.set(userId, (user = { nodes: 0, rooms: [] }));
    user.nodes++;
    user.rooms = [...new Set([...user.rooms, ...rooms])];
    return user.rooms.filter((room) => this.#state.add(room, userId));
  }

  async disconnected(userId: string): Promise<readonly string[]> {
    const count = this.#connections.get(userId);
    if (count === undefined) return [];
    if (count > 1) {
      this.#connections.set(userId, count - 1);
      return [];
    }
    this.#connections.delete(userId);
    const user = this.#state.users.get(userId);
    if (!user || --user.nodes > 0) return [];
    this.#state.users.delete(userId);
    return user.rooms.filter((room) => this.#state.remove(room, userId));
  }

  async joined(roomId: string, userId: string): Promise<boolean> {
    const user = this.#state.users.get(userId);
    if (!user) return false;
    if (!user.rooms.includes(roomId)) user.rooms = user.rooms.concat(roomId);
    return this.#state.add(roomId, userId);
  }

  async left(roomId: string, userId: string): Promise<boolean> {
    const user = this.#state.users.get(userId);
    if (user) user.rooms = user.rooms.filter((room) => room !== roomId);
    return this.#state.remove(roomId, userId);
  }

  async isOnline(userIds: readonly string[]): Promise<boolean[]> {
    return userIds.map((id) => this.#state.users.has(id));
  }

  async online(roomIds: readonly string[]): Promise<RoomOnline[]> {
    return roomIds.map((id) => ({ online: this.#state.rooms.get(id)?.size ?? 0, version: this.#state.versions.get(id) ?? 0 }));
  }

  async close(): Promise<void> {
    for (const userId of [...this.#connections.keys()]) {
      this.#connections.set(userId, 1);
      await this.disconnected(userId);
    }
  }
}
