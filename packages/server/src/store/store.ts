/**
 * The store: accounts, sessions, rooms, members, and each room's ordered event
 * log with read markers. Every method is asynchronous so that a networked
 * database (PostgreSQL) can fill the same interface as embedded SQLite.
 *
 * Guarantees every implementation gives (checked by store.contract.ts):
 * - A write's promise resolves only after the write is durably committed.
 * - Each room's events get seq 1, 2, 3 … in commit order, with no gap and no
 *   reuse, even under concurrent writers.
 * - Writes take effect in the order they were called, whether or not the
 *   caller awaited the earlier ones, and their promises settle in that order,
 *   failures included (the gateway relies on both to keep a client's
 *   pipelined sends, and the replies to them, in order). Across several
 *   stores on one database (nodes), per room, seq order is commit order.
 * - A write that fails changes nothing (no half-written rows).
 * - `appendMessage` is idempotent on (room, author, clientId): a repeat returns
 *   the stored event with `duplicate: true` and writes nothing.
 * - Events are read in their current state: a message event shows its current
 *   body, `editedTs`, `deleted` (body "" once deleted) and reactions.
 *
 * - Events of a room with no creator (the lobby) are attributed to SERVER_USER
 *   (server-user.ts).
 * - Deleting a message blanks its body, the bodies of its earlier `edit`
 *   events, and removes its reactions and attachments: deleted text is gone
 *   from every read, and its files are no longer found (`findFile`).
 * - A new member's read marker starts at their join event, so history from
 *   before they joined does not count as unread.
 *
 * Failures a caller can act on are thrown as ParleyError (`not_found`,
 * `forbidden`, `name_taken`); anything else is an internal error. A room id
 * or external id that already exists is a raw constraint error: callers that
 * race on those re-read (`findRoom`, `findUserByExternalId`).
 */
import type {
  HistoryPage,
  MessageEvent,
  RoomEvent,
  RoomKind,
  RoomSummary,
  UserKind,
  UserRef,
  UserSummary,
} from '@parley/protocol';

export interface StoredUser extends UserSummary {
  /** argon2id hash for accounts; null for guests and external (JWT) users. */
  passwordHash: string | null;
  /** The `sub` of an external identity (JWT); null otherwise. */
  externalId: string | null;
  createdAt: number;
}

export interface NewUser {
  id: string;
  username: string;
  name: string;
  kind: UserKind;
  passwordHash?: string | null;
  externalId?: string | null;
}

/** A revocation of JWTs: by `jti`, or by subject with a time before which tokens are revoked. */
export type TokenRevocation = { jti: string } | { subject: string; notBefore: number };

export interface StoredSession {
  userId: string;
  expiresAt: number;
  revoked: boolean;
}

export interface StoredRoom {
  id: string;
  name: string;
  kind: RoomKind;
  createdBy: string | null;
  createdAt: number;
}

export interface NewRoom {
  id: string;
  name: string;
  kind: RoomKind;
  /** The creator (owner); null for rooms the server makes (the lobby). */
  createdBy: UserRef | null;
  /** Other users to add as members at creation (the other side of a DM). */
  members?: UserRef[];
}

/** A room as listed for one user. `online` is left to presence. */
export type StoredRoomSummary = Omit<RoomSummary, 'online'>;

export interface StoredMember {
  user: UserSummary;
  role: 'owner' | 'member';
  readSeq: number;
}

/** A page of the directory of public rooms (`Store.directory`). */
export interface DirectoryQuery {
  /** Only rooms whose name contains this, ignoring case. */
  query?: string | undefined;
  /** The `next` of the page before. */
  after?: string | undefined;
  limit: number;
}

/** An upload to record: its bytes are already in Files under `blobKey` (and `thumbKey`). */
export interface NewFile {
  id: string;
  room: string;
  userId: string;
  name: string;
  size: number;
  contentType: string;
  sha256: string;
  blobKey: string;
  thumbKey: string | null;
  width: number | null;
  height: number | null;
}

export interface StoredFile extends NewFile {
  /** The message it was sent with; null until then. */
  seq: number | null;
  createdAt: number;
}

export interface PageQuery {
  before?: number;
  after?: number;
  limit: number;
}

export interface Store {
  /** Creates or upgrades the schema (versioned migrations) and ensures the lobby room exists. */
  migrate(): Promise<void>;
  /** Flushes pending writes and closes the database. */
  close(): Promise<void>;

  // accounts and sessions
  /** Throws `name_taken` if the username exists. */
  createUser(user: NewUser): Promise<StoredUser>;
  findUserById(id: string): Promise<StoredUser | null>;
  /** `username` is matched exactly (usernames are stored lowercase). */
  findUserByUsername(username: string): Promise<StoredUser | null>;
  findUserByExternalId(externalId: string): Promise<StoredUser | null>;
  createSession(tokenHash: string, userId: string, expiresAt: number): Promise<void>;
  findSession(tokenHash: string): Promise<StoredSession | null>;
  revokeSession(tokenHash: string): Promise<void>;

  /**
   * Revokes JWTs: the one with `jti`, or every one of `subject` issued before `notBefore`
   * (a token without `iat` counts as issued before). Idempotent; a later subject revocation
   * moves `notBefore`.
   */
  revokeTokens(revocation: TokenRevocation): Promise<void>;
  /** Whether a JWT (its `sub`, and its `jti` and `iat` when it has them) was revoked. */
  tokenRevoked(token: { subject: string; jti?: string | undefined; issuedAt?: number | undefined }): Promise<boolean>;
  /** Revocations made after `createdAfter` (epoch ms), oldest first: each node closes the sockets they concern. */
  revocationsSince(createdAfter: number): Promise<Array<TokenRevocation & { createdAt: number }>>;

  /**
   * Renames a user and appends one `rename` event to every room they are a
   * member of, in one transaction. Returns the events (empty when unchanged).
   */
  renameUser(userId: string, name: string): Promise<{ user: StoredUser; events: RoomEvent[] }>;

  // rooms and members
  /**
   * Creates a room with its `created` event (seq 1, by the creator) and a `join`
   * event for the creator (role owner) and for each of `members`. Throws
   * `name_taken` if a public or private room already has that name
   * (case-insensitive); DM names need not be unique.
   */
  createRoom(room: NewRoom): Promise<{ room: StoredRoom; events: RoomEvent[] }>;
  findRoom(id: string): Promise<StoredRoom | null>;
  isMember(roomId: string, userId: string): Promise<boolean>;
  /** Ids of the rooms the user is a member of. */
  memberRoomIds(userId: string): Promise<string[]>;
  listMembers(roomId: string): Promise<StoredMember[]>;
  /**
   * Every room the user is a member of, plus the newest public rooms they are not in (at most
   * DIRECTORY_PREVIEW), with counts for that user, ordered by creation.
   */
  listRoomsFor(userId: string): Promise<StoredRoomSummary[]>;
  /**
   * A page of every public room, joined or not, ordered by name ignoring case; `query` keeps the
   * names that contain it (ignoring case). `next` continues it (as `after`); null on the last page.
   */
  directory(userId: string, page: DirectoryQuery): Promise<{ rooms: StoredRoomSummary[]; next: string | null }>;
  roomSummaryFor(roomId: string, userId: string): Promise<StoredRoomSummary | null>;

  // the log: writes
  /**
   * Appends a message, or returns the already stored one for a repeated (room, author, clientId).
   * `attachments`: ids of files the author uploaded to this room and has not sent yet; the event
   * carries them and they become the message's, in the same transaction. Throws `not_found` for
   * any other id (unknown, someone else's, another room's, already sent) and stores nothing.
   */
  appendMessage(input: {
    room: string;
    user: UserRef;
    clientId: string;
    body: string;
    attachments?: readonly string[];
  }): Promise<{ event: MessageEvent; duplicate: boolean }>;
  /**
   * Throws `not_found` if `target` is not a live message in the room, `forbidden` if `user` is
   * not its author. (Its attachments stay: a file's name and size are not its text.)
   */
  editMessage(input: { room: string; user: UserRef; target: number; body: string }): Promise<RoomEvent>;
  /** Deletes (tombstones) a message, its attachments with it (findFile no longer finds them); same errors as editMessage. */
  deleteMessage(input: { room: string; user: UserRef; target: number }): Promise<RoomEvent>;
  /**
   * Adds or removes `user`'s reaction. Returns null (and writes nothing) when
   * it was already in that state. Throws `not_found` for a missing or deleted message.
   */
  react(input: { room: string; user: UserRef; target: number; emoji: string; on: boolean }): Promise<RoomEvent | null>;
  /** Adds a member with a `join` event; null (nothing written) if already a member. */
  join(input: { room: string; user: UserRef; by?: UserRef }): Promise<RoomEvent | null>;
  /** Removes a member with a `leave` event; null if not a member. */
  leave(input: { room: string; user: UserRef }): Promise<RoomEvent | null>;
  /** Moves the user's read marker forward to min(seq, latestSeq); never backward. Returns the marker. */
  setReadMarker(roomId: string, userId: string, seq: number): Promise<number>;

  // the log: reads
  latestSeq(roomId: string): Promise<number>;
  /** The latest seq of each of `roomIds` that exists, in one read (a node checks its rooms' logs with it). */
  latestSeqs(roomIds: readonly string[]): Promise<Map<string, number>>;
  /** Events with seq > after, ascending, at most `limit`. */
  eventsAfter(roomId: string, after: number, limit: number): Promise<RoomEvent[]>;
  /** A page of history; see the `history` frame. */
  page(roomId: string, query: PageQuery): Promise<HistoryPage>;
  findMessage(roomId: string, seq: number): Promise<MessageEvent | null>;

  // files: what is known of each upload (the bytes are in Files, files/files.ts)
  /**
   * Records an upload whose bytes are stored. In one transaction: refuses `quota_exceeded` when
   * the uploader's files of the last 24 hours and this one come to more than `dailyLimitBytes`
   * (0: no limit); when a file with the same SHA-256 is recorded, the new record shares its blob
   * and thumbnail keys (the same content is kept once: the caller then deletes its own copies).
   * A sweep running meanwhile never drops the blobs it shares. Resolves with the record as stored.
   */
  addFile(file: NewFile, dailyLimitBytes: number): Promise<StoredFile>;
  /** Bytes of the files `userId` uploaded at or after `since` (ms), to refuse an upload early. */
  uploadedBytesSince(userId: string, since: number): Promise<number>;
  /** The file, while it may be served: null when unknown, swept, or its message is deleted. */
  findFile(id: string): Promise<StoredFile | null>;
  /**
   * Drops the records of files whose message is deleted and of uploads never sent that were made
   * before `unattachedBefore`; resolves with the blob keys that no record names any more, for the
   * caller to delete from Files. Safe to run on several nodes at once.
   */
  sweepFiles(unattachedBefore: number): Promise<string[]>;
}
