/**
 * What the shared write rules (account-writes.ts, log-writes.ts) need of a
 * database: the reads and writes of one transaction, in terms of rows. Each
 * store implements it over its own connection (sqlite/write-tx.ts,
 * postgres/write-tx.ts); the rules decide what to read, what to check and
 * what to write, so that no store re-implements them.
 *
 * Contract for implementations:
 * - Every method runs inside the caller's open transaction and sees that
 *   transaction's own earlier writes.
 * - A read made after a lock was taken (`lockMember`, or any write to the row)
 *   sees every transaction that committed before the lock was granted, so a
 *   check made after the lock stays true until the transaction ends. On
 *   PostgreSQL this means each method is its own statement (READ COMMITTED
 *   takes a fresh snapshot per statement); on SQLite the writer holds the
 *   database's write lock for the whole transaction.
 * - Write methods are the ones in WRITE_METHODS: the group commit
 *   (group-commit.ts) counts them to know whether a refused write left
 *   anything behind.
 */
import type { EventRow, FileRow, MemberRole, ReactionRow, RoomRow, TokenRevocationsTable, UserRow } from '../sql/schema.js';

/** An event to append: its seq is taken by `appendEvent`. */
export type NewEventRow = Omit<EventRow, 'seq' | 'edited_ts' | 'deleted'>;

export interface WriteTx {
  // users and sessions
  userById(id: string): Promise<UserRow | null>;
  usernameExists(username: string): Promise<boolean>;
  insertUser(row: UserRow): Promise<void>;
  setUserName(id: string, name: string): Promise<void>;
  insertSession(row: { token_hash: string; user_id: string; expires_at: number }): Promise<void>;
  revokeSession(tokenHash: string): Promise<void>;
  /** Inserts the revocation, or replaces the one with the same key. */
  putTokenRevocation(row: TokenRevocationsTable): Promise<void>;

  // rooms
  roomById(id: string): Promise<RoomRow | null>;
  roomNameKeyExists(nameKey: string): Promise<boolean>;
  insertRoom(row: Omit<RoomRow, 'last_seq' | 'member_count'>): Promise<void>;
  /**
   * Takes the room's next seq and inserts the event with it, in one step;
   * returns the seq. The room's row stays locked until the transaction ends,
   * so per room, seq order is commit order and a rolled-back seq is reused.
   */
  appendEvent(event: NewEventRow): Promise<number>;

  // members
  /**
   * The user's role in the room, or null when not a member; the membership
   * is locked until the transaction ends (a concurrent leave waits, and a
   * leave that committed first is seen).
   */
  lockMember(roomId: string, userId: string): Promise<MemberRole | null>;
  insertMember(row: { room_id: string; user_id: string; role: MemberRole; read_seq: number; joined_at: number }): Promise<void>;
  deleteMember(roomId: string, userId: string): Promise<void>;
  /** The user's rooms, ascending by id (the order their rows are locked in). */
  memberRoomIds(userId: string): Promise<string[]>;
  /** Moves the marker to max(marker, min(seq, last_seq)); returns it, or null when not a member. */
  advanceReadMarker(roomId: string, userId: string, seq: number): Promise<number | null>;

  // events
  eventBySeq(roomId: string, seq: number): Promise<EventRow | null>;
  messageByClientId(roomId: string, userId: string, clientId: string): Promise<EventRow | null>;
  setMessageBody(roomId: string, seq: number, body: string, editedTs: number): Promise<void>;
  /** Marks the message deleted and empties its body. */
  tombstoneMessage(roomId: string, seq: number): Promise<void>;
  /** Empties the bodies of the `edit` events of message `target`. */
  eraseEditBodies(roomId: string, target: number): Promise<void>;

  // reactions
  /** The message's current reactions, in the order they were added. */
  reactionsOf(roomId: string, target: number): Promise<ReactionRow[]>;
  reactionExists(roomId: string, target: number, userId: string, emoji: string): Promise<boolean>;
  insertReaction(row: { room_id: string; target: number; user_id: string; emoji: string; seq: number }): Promise<void>;
  deleteReaction(roomId: string, target: number, userId: string, emoji: string): Promise<void>;
  deleteReactionsOf(roomId: string, target: number): Promise<void>;

  // files
  /** Bytes of the files the user uploaded at or after `since`. */
  uploadedBytesSince(userId: string, since: number): Promise<number>;
  /**
   * A file with this content, its row locked until the transaction ends (a sweep that would
   * drop it waits, or is seen to have dropped it); null when there is none.
   */
  lockFileBySha(sha256: string): Promise<FileRow | null>;
  /** The file, its row locked until the transaction ends (a concurrent attach waits, then sees this one's). */
  lockFile(id: string): Promise<FileRow | null>;
  insertFile(row: FileRow): Promise<void>;
  attachFile(id: string, seq: number): Promise<void>;
  /** Serializes sweeps across nodes for the rest of the transaction. */
  lockFileSweep(): Promise<void>;
  /** Files whose message is deleted, and files never attached uploaded before `unattachedBefore`. */
  sweepableFiles(unattachedBefore: number): Promise<FileRow[]>;
  deleteFile(id: string): Promise<void>;
  /** Whether any file row names `key` as its blob or its thumbnail. */
  blobKeyInUse(key: string): Promise<boolean>;
}

/** The methods of WriteTx that change the database. */
export const WRITE_METHODS = [
  'insertUser',
  'setUserName',
  'insertSession',
  'revokeSession',
  'putTokenRevocation',
  'insertRoom',
  'appendEvent',
  'insertMember',
  'deleteMember',
  'advanceReadMarker',
  'setMessageBody',
  'tombstoneMessage',
  'eraseEditBodies',
  'insertReaction',
  'deleteReaction',
  'deleteReactionsOf',
  'insertFile',
  'attachFile',
  'deleteFile',
] as const satisfies ReadonlyArray<keyof WriteTx>;
