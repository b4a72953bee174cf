/**
 * Who is online, and how many members of each room are. A user is online
 * while they have at least one open connection on any node.
 *
 * Each method reports what changed so the caller can tell the rooms: the
 * rooms in which the user's online state flipped.
 */
export interface Presence {
  /** A connection of `userId`, a member of `rooms`, opened. Returns the rooms where they came online. */
  connected(userId: string, rooms: Iterable<string>): readonly string[];
  /** A connection closed. Returns the rooms where they went offline. */
  disconnected(userId: string): readonly string[];
  /** The online user became a member of `roomId`. Returns whether the room's count changed. */
  joined(roomId: string, userId: string): boolean;
  left(roomId: string, userId: string): boolean;
  isOnline(userId: string): boolean;
  onlineCount(roomId: string): number;
}
