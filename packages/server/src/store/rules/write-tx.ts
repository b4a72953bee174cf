/**
 * What the shared write rules (account-writes.ts, log-writes.ts, moderation-writes.ts …) need of a
 * database: the reads and writes of one transaction, in terms of rows. Each
 * store implements it over its own connection (sqlite/write-tx.ts,
 * postgres/write-tx.ts); the rules decide what to read, what to check and
 * what to write, so that no store re-implements them.
 *
 * Contract for implementations:
 * - Every method runs inside the caller's open transaction and sees that
 *   transaction's own earlier writes.
 * - A read made after a lock was taken (`lockRoom`, or any write to the row)
 *   sees every transaction that committed before the lock was granted, so a
 *   check made after the lock stays true until the transaction ends. On
 *   PostgreSQL this means each method is its own statement (READ COMMITTED
 *   takes a fresh snapshot per statement); on SQLite the writer holds the
 *   database's write lock for the whole transaction.
 * - Write methods are the ones in WRITE_METHODS: the group commit
 *   (group-commit.ts) counts them to know whether a refused write left
 *   anything behind.
 */
import type {
  AuditRow,
  BotRow,
  FileRow,
  TokenRevocationsTable,
  ThreadFollowRow,
  ThreadRow,
  BanRow,
  EventRow,
  MemberLimitsRow,
  MemberRole,
  MemberRow,
  ReactionRow,
  ReportRow,
  RoomRow,
  UserRow,
} from '../sql/schema.js';
import type { ReadAhead } from './read-ahead.js';

/** An event to append: its seq is taken by `appendEvent`. */
export type NewEventRow = Omit<EventRow, 'seq' | 'edited_ts' | 'deleted'>;

/** What a follower row is set to by `putFollow` (its unread count is left to `recountFollows`). */
export type FollowWrite = Pick<ThreadFollowRow, 'room_id' | 'root' | 'user_id' | 'following' | 'read_seq'>;

/** A room locked for the rest of the transaction, with one user's membership and limits there (null when none). */
export interface LockedRoom {
  room: RoomRow;
  member: MemberRow | null;
  limits: MemberLimitsRow | null;
}

export interface WriteTx {
  /**
   * Optional: reads at once what the batch's rules will read (read-ahead.ts), locking its rooms
   * in ascending order as lockRoom would. Every later read answers exactly as it would have
   * without it.
   */
  readAhead?(plan: ReadAhead): Promise<void>;

  // users and sessions
  userById(id: string): Promise<UserRow | null>;
  usernameExists(username: string): Promise<boolean>;
  insertUser(row: UserRow): Promise<void>;
  setUserName(id: string, name: string): Promise<void>;
  /** Makes the user an account with this username and password hash (a guest claiming their identity). */
  claimUser(id: string, username: string, passwordHash: string): Promise<void>;
  insertSession(row: { token_hash: string; user_id: string; expires_at: number }): Promise<void>;
  revokeSession(tokenHash: string): Promise<void>;
  /** Inserts the revocation, or replaces the one with the same key. */
  putTokenRevocation(row: TokenRevocationsTable): Promise<void>;
  botById(userId: string): Promise<BotRow | null>;
  insertBot(row: BotRow): Promise<void>;
  /** null: revoked. */
  setBotTokenHash(userId: string, tokenHash: string | null): Promise<void>;

  // rooms
  roomById(id: string): Promise<RoomRow | null>;
  roomNameKeyExists(nameKey: string): Promise<boolean>;
  insertRoom(row: Omit<RoomRow, 'last_seq' | 'member_count' | 'settings'>): Promise<void>;
  /**
   * Locks the room's row until the transaction ends (the lock `appendEvent` takes, taken
   * first) and reads it with `userId`'s membership and limits; null when there is no such
   * room. Every rule that reads a membership, a ban or a limit in a room and then writes
   * there takes this lock first, so that such writes in one room are serialized (a ban and a
   * join, a time-out and a send, two sends under slow mode) whichever node makes them, and
   * always lock the room before its members (no deadlock).
   */
  lockRoom(roomId: string, userId: string): Promise<LockedRoom | null>;
  setRoomSettings(roomId: string, settings: string | null): Promise<void>;
  /** Deletes the room with its events, reactions, members, bans, limits, reports and search index entries (not its audit entries). */
  deleteRoomRows(roomId: string): Promise<void>;
  /**
   * Takes the room's next seq and inserts the event with it, in one step;
   * returns the seq. The room's row stays locked until the transaction ends,
   * so per room, seq order is commit order and a rolled-back seq is reused.
   */
  appendEvent(event: NewEventRow): Promise<number>;

  // members
  insertMember(row: { room_id: string; user_id: string; role: MemberRole; read_seq: number; joined_at: number }): Promise<void>;
  deleteMember(roomId: string, userId: string): Promise<void>;
  /** The user's rooms, ascending by id (the order their rows are locked in). */
  memberRoomIds(userId: string): Promise<string[]>;
  /** Moves the marker to max(marker, min(seq, last_seq)); returns it, or null when not a member. */
  advanceReadMarker(roomId: string, userId: string, seq: number): Promise<number | null>;
  /** A member's row, read (after `lockRoom` of its room it stays true until the transaction ends). */
  memberOf(roomId: string, userId: string): Promise<MemberRow | null>;
  setMemberRole(roomId: string, userId: string, role: MemberRole): Promise<void>;
  /** Ids of the room's members. */
  memberIds(roomId: string): Promise<string[]>;

  // bans and limits
  banOf(roomId: string, userId: string): Promise<BanRow | null>;
  /** Inserts or replaces the ban. */
  putBan(row: BanRow): Promise<void>;
  deleteBan(roomId: string, userId: string): Promise<void>;
  /** Sets the user's time-out in the room (null: none), keeping their other limits. */
  setMutedUntil(roomId: string, userId: string, until: number | null): Promise<void>;
  /** Sets when the user last posted in the room (slow mode), keeping their other limits. */
  setLastPostAt(roomId: string, userId: string, ts: number): Promise<void>;
  /** The seqs of the user's live messages in the room stored at or after `since`, newest first, at most `limit`. */
  recentMessageSeqs(roomId: string, userId: string, since: number, limit: number): Promise<number[]>;
  /**
   * Tombstones live messages as removed by a moderator (`data` {"moderated":true}): their
   * bodies, the bodies of their edits and their reactions are erased.
   */
  removeMessages(roomId: string, seqs: readonly number[]): Promise<void>;

  // the audit log, reports, blocks
  /** Appends an entry; returns its id. */
  insertAudit(row: Omit<AuditRow, 'id'>): Promise<number>;
  insertReport(row: Omit<ReportRow, 'id' | 'resolved_by_id' | 'resolved_by_name' | 'resolved_at'>): Promise<number>;
  reportById(id: number): Promise<ReportRow | null>;
  /** The open report of `reporterId` on message `target`, if any. */
  openReportOf(roomId: string, target: number, reporterId: string): Promise<ReportRow | null>;
  resolveReport(id: number, by: { id: string; name: string }, ts: number): Promise<void>;
  /** Whether `userId` blocks `blockedId`. */
  blocks(userId: string, blockedId: string): Promise<boolean>;
  /** How many people `userId` blocks. */
  blockCount(userId: string): Promise<number>;
  insertBlock(row: { user_id: string; blocked_id: string; created_at: number }): Promise<void>;
  deleteBlock(userId: string, blockedId: string): Promise<void>;
  /** Whether another member of the room (a DM) blocks `senderId`. */
  blockedByPeer(roomId: string, senderId: string): Promise<boolean>;

  // server administration
  setUserDisabled(userId: string, disabled: 0 | 1): Promise<void>;
  /** Revokes every live session of the user; returns their hashes. */
  revokeUserSessions(userId: string): Promise<string[]>;
  /** Deletes the user's row with their sessions, blocks (both ways), bans and limits; rooms they created lose their creator. Memberships must be gone first. */
  deleteUserRows(userId: string): Promise<void>;

  // events
  eventBySeq(roomId: string, seq: number): Promise<EventRow | null>;
  messageByClientId(roomId: string, userId: string, clientId: string): Promise<EventRow | null>;
  setMessageBody(roomId: string, seq: number, body: string, editedTs: number): Promise<void>;
  /** Replaces the message row's `data` (JSON of EventData['message']). */
  setMessageData(roomId: string, seq: number, data: string | null): Promise<void>;
  /** Marks the message deleted and empties its body. */
  tombstoneMessage(roomId: string, seq: number): Promise<void>;
  /** Empties the bodies of the `edit` events of message `target`. */
  eraseEditBodies(roomId: string, target: number): Promise<void>;
  /**
   * Sets what search finds of message `seq`: the tokens of `body` (../../search/tokenize.ts), in
   * place of any it had (an edit keeps the message's place in the order of results); null, or a
   * body without a token, removes it from the index (a deleted message is never found).
   */
  indexMessage(roomId: string, seq: number, body: string | null): Promise<void>;

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
  /** Every file uploaded to the room, sent or not. */
  roomFiles(roomId: string): Promise<FileRow[]>;
  deleteFile(id: string): Promise<void>;
  /** Whether any file row names `key` as its blob or its thumbnail. */
  blobKeyInUse(key: string): Promise<boolean>;

  // threads (thread-writes.ts)
  threadOf(roomId: string, root: number): Promise<ThreadRow | null>;
  /** Inserts the thread's row or replaces it. */
  putThread(row: ThreadRow): Promise<void>;
  followOf(roomId: string, root: number, userId: string): Promise<ThreadFollowRow | null>;
  /** Inserts the follower row or sets its `following` and `read_seq` (keeping unread and version). */
  putFollow(row: FollowWrite): Promise<void>;
  /**
   * Counts again the unread replies of the thread's follower rows (of `userIds` only, when given),
   * stores the counts and bumps each row's version; returns the rows as updated.
   */
  recountFollows(roomId: string, root: number, userIds: readonly string[] | null): Promise<ThreadFollowRow[]>;
  /** Ids of the room's members with these usernames. */
  memberIdsByUsernames(roomId: string, usernames: readonly string[]): Promise<string[]>;
}

/** The methods of WriteTx that change the database. */
export const WRITE_METHODS = [
  'insertUser',
  'setUserName',
  'claimUser',
  'insertSession',
  'revokeSession',
  'putTokenRevocation',
  'insertBot',
  'setBotTokenHash',
  'insertRoom',
  'appendEvent',
  'insertMember',
  'deleteMember',
  'advanceReadMarker',
  'setMessageBody',
  'tombstoneMessage',
  'setMessageData',
  'eraseEditBodies',
  'indexMessage',
  'insertReaction',
  'deleteReaction',
  'deleteReactionsOf',
  'insertFile',
  'attachFile',
  'deleteFile',
  'setRoomSettings',
  'deleteRoomRows',
  'setMemberRole',
  'putBan',
  'deleteBan',
  'setMutedUntil',
  'setLastPostAt',
  'removeMessages',
  'insertAudit',
  'insertReport',
  'resolveReport',
  'insertBlock',
  'deleteBlock',
  'setUserDisabled',
  'revokeUserSessions',
  'deleteUserRows',
  'putThread',
  'putFollow',
  'recountFollows',
] as const satisfies ReadonlyArray<keyof WriteTx>;
