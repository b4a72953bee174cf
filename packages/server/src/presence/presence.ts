/**
 * Who is online, and how many members of each room are, across every node.
 * A user is online while they have at least one open connection on any node.
 * Each node tells presence of its own connections; each method reports what
 * changed, so that the caller can tell the rooms.
 *
 * Guarantees (presence.contract.ts): changes are atomic across nodes (two
 * nodes connecting one user at once make them come online once); a room's
 * `version` grows with every change of its online set, so that of two
 * presence frames for one room the newer can be told (the hub drops an older
 * one that arrives later). A node that dies without telling — its entries
 * carry a TTL the node refreshes — has its users go offline for the others
 * within NODE_TTL_MS plus one reaping interval, reported through `expired`.
 * Presence never throws for a lost connection to its backend: it reports the
 * error, answers as well as it can, and restores this node's entries when the
 * backend is back.
 */
export interface PresenceEvents {
  /** Users who went offline because the node they were on died: each with the rooms they left. */
  expired(changes: ReadonlyArray<{ userId: string; rooms: readonly string[] }>): void;
  /**
   * Users of this node back online after presence lost them (Redis restarted, or this node was
   * taken for dead and reaped): each with the rooms where they are online again.
   */
  restored(changes: ReadonlyArray<{ userId: string; rooms: readonly string[] }>): void;
  /** A failure presence survived: the node logs and counts it. */
  error(where: string, error: Error): void;
}

export interface RoomOnline {
  /** Members with at least one open connection. */
  online: number;
  /** Grows with each change of the room's online members. */
  version: number;
}

export interface Presence {
  start(events: PresenceEvents): Promise<void>;
  /** A connection of `userId`, a member of `rooms`, opened on this node. Returns the rooms where they came online. */
  connected(userId: string, rooms: Iterable<string>): Promise<readonly string[]>;
  /** A connection of `userId` on this node closed. Returns the rooms where they went offline. */
  disconnected(userId: string): Promise<readonly string[]>;
  /** `userId` became a member of `roomId`. Returns whether the room's online members changed (they are online). */
  joined(roomId: string, userId: string): Promise<boolean>;
  /** `userId` stopped being a member of `roomId`. Returns whether the room's online members changed. */
  left(roomId: string, userId: string): Promise<boolean>;
  isOnline(userIds: readonly string[]): Promise<boolean[]>;
  online(roomIds: readonly string[]): Promise<RoomOnline[]>;
  close(): Promise<void>;
}
