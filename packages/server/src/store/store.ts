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
 * - Who may do what to whom (roles, permissions, bans, time-outs, slow mode,
 *   read-only and archived rooms; rules/moderation-rules.ts) is checked in the
 *   transaction of the write it allows, after the room's row is locked, so such
 *   checks and writes in one room are serialized across stores (nodes).
 * - Every moderation and administration write records exactly one entry of the
 *   audit log, in its own transaction; the log is append-only.
 *
 * Failures a caller can act on are thrown as ParleyError (`not_found`,
 * `forbidden`, `name_taken`); anything else is an internal error. A room id
 * or external id that already exists is a raw constraint error: callers that
 * race on those re-read (`findRoom`, `findUserByExternalId`).
 */
import type {
  AuditEntry,
  Ban,
  HistoryPage,
  LinkPreview,
  MessageEvent,
  Report,
  Role,
  RoomEvent,
  RoomKind,
  RoomSettings,
  RoomSummary,
  UserKind,
  UserRef,
  UserSummary,
} from '@parley/protocol';
import type {
  Actor,
  BanInput,
  ModerationResult,
  RoomSettingsChange,
  TimeoutInput,
} from './rules/moderation-writes.js';
import type { DeletedUser, DeletedRoom } from './rules/admin-writes.js';
import type { ThreadUpdate } from './rules/thread-writes.js';
import type { RepliesPage, ThreadListItem, ThreadState } from '@parley/protocol';
import type { WebhookStore } from './sql/webhooks.js';

export type { ThreadUpdate };
import type { SearchClause } from '../search/tokenize.js';
import type { PeopleQuery } from './sql/people-reads.js';

export type { PeopleQuery };
export type { Actor, BanInput, ModerationResult, RoomSettingsChange, TimeoutInput, DeletedUser, DeletedRoom };

export interface StoredUser extends UserSummary {
  /** argon2id hash for accounts; null for guests and external (JWT) users. */
  passwordHash: string | null;
  /** The `sub` of an external identity (JWT); null otherwise. */
  externalId: string | null;
  createdAt: number;
  /** A server admin disabled the account: it may not sign in or connect. (Always set by the stores.) */
  disabled?: boolean;
}

export interface NewUser {
  id: string;
  username: string;
  name: string;
  kind: UserKind;
  passwordHash?: string | null;
  externalId?: string | null;
}

/** A bot account (protocol §28) as its managers see it. */
export interface StoredBot {
  user: StoredUser;
  createdBy: UserRef;
  createdAt: number;
  /** Its token works (not revoked). */
  active: boolean;
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
  role: Role;
  readSeq: number;
  /** Timed out until then (in the future); omitted when not. */
  timedOutUntil?: number;
}

/** A public or private room as server admins list them. */
export interface StoredRoomInfo {
  id: string;
  name: string;
  kind: Exclude<RoomKind, 'dm'>;
  members: number;
  latestSeq: number;
  createdAt: number;
  settings: RoomSettings;
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

/** A search of messages (`Store.searchMessages`). */
export interface SearchQuery {
  /** Who searches: only rooms they are a member of and public rooms are searched. */
  userId: string;
  /** What must match, every clause (search/tokenize.ts parseQuery); at least one. */
  clauses: readonly SearchClause[];
  /** Only this room. */
  room?: string | undefined;
  /** Only messages by this user. */
  author?: string | undefined;
  /** Only messages sent at or after this time (epoch ms). */
  since?: number | undefined;
  /** Only messages sent before this time (epoch ms). */
  until?: number | undefined;
  /** The `next` of the page before. */
  before?: number | undefined;
  limit: number;
}

/** Messages found, newest first (in the order they were sent), in their current state. */
export interface SearchPage {
  hits: Array<{ roomName: string; event: MessageEvent }>;
  /** Give it as `before` for the next page; null on the last page. */
  next: number | null;
}

export interface Store {
  /** Webhooks and their delivery outbox (sql/webhooks.ts): the same queries on either store, usable once migrated. */
  readonly webhooks: WebhookStore;
  /** Creates or upgrades the schema (versioned migrations) and ensures the lobby room exists. */
  migrate(): Promise<void>;
  /** Flushes pending writes and closes the database. */
  close(): Promise<void>;

  // accounts and sessions
  /** Throws `name_taken` if the username exists. */
  createUser(user: NewUser): Promise<StoredUser>;
  findUserById(id: string): Promise<StoredUser | null>;
  /** The users among `ids` that exist, in one read, in no particular order. */
  findUsersByIds(ids: readonly string[]): Promise<StoredUser[]>;
  /** `username` is matched exactly (usernames are stored lowercase). */
  findUserByUsername(username: string): Promise<StoredUser | null>;
  findUserByExternalId(externalId: string): Promise<StoredUser | null>;
  createSession(tokenHash: string, userId: string, expiresAt: number): Promise<void>;
  findSession(tokenHash: string): Promise<StoredSession | null>;
  /** A session and its user, in one read (every connection's first); null when either is missing. */
  findSessionUser(tokenHash: string): Promise<{ session: StoredSession; user: StoredUser } | null>;
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

  // bots
  /** Creates a bot's user (kind `bot`, in no room) with the hash of its token. Throws `name_taken`, `user_not_found` (no such creator). */
  createBot(input: { id: string; username: string; name: string; createdBy: string; tokenHash: string }): Promise<StoredBot>;
  /** Replaces a bot's token hash; null revokes it. Throws `not_found` for anyone but a bot. */
  setBotToken(userId: string, tokenHash: string | null): Promise<StoredBot>;
  /** The bot whose current token has this hash; null when none. */
  findBotByTokenHash(tokenHash: string): Promise<StoredUser | null>;
  /** The bots `createdBy` made, or every bot (null), oldest first. */
  listBots(createdBy: string | null): Promise<StoredBot[]>;
  findBot(userId: string): Promise<StoredBot | null>;

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
   * Refused, in the write's transaction: `timed_out`, `slow_mode` (a member's second message within the
   * room's interval), `forbidden` (archived, read-only, the room's `post`, `mention_all` or, with
   * attachments, `upload` permission, a DM whose other member blocks the author). `admin`: the author
   * is a server admin (ADMIN_USERS).
   */
  appendMessage(input: {
    room: string;
    user: UserRef;
    clientId: string;
    body: string;
    attachments?: readonly string[];
    admin?: boolean;
    /** The author is a bot account: the message is marked `bot`. */
    bot?: boolean;
    /**
     * A reply in the thread of this message (a live message; a reply's own root when it is a
     * reply, `not_found` otherwise): the result's `thread` is the thread after it (§25).
     */
    thread?: number;
    /** With `thread`: also show it in the room. */
    alsoInRoom?: boolean;
    /** A quoted reply: a live message of the room (`not_found` otherwise). */
    replyTo?: number;
  }): Promise<{ event: MessageEvent; duplicate: boolean; thread?: ThreadUpdate }>;
  /**
   * Throws `not_found` if `target` is not a live message in the room, `forbidden` if `user` is
   * not its author; and as appendMessage, but for slow mode. (Its attachments stay: a file's name
   * and size are not its text.) The edit of a reply whose text mentions members it did not
   * mention before makes them follow the thread: `thread` is the thread after it (§25). An edit
   * that leaves the message a first link (firstLink) other than its preview's takes the preview
   * off in the same write: `preview` is that `preview` event (without a preview), after `event`.
   * `link`: the message's new first link, when the edit changed it to one (its preview is to fetch).
   */
  editMessage(input: { room: string; user: UserRef; target: number; body: string; admin?: boolean }): Promise<{ event: RoomEvent; thread?: ThreadUpdate; preview?: RoomEvent; link?: string }>;
  /**
   * Deletes (tombstones) a message, its attachments with it (findFile no longer finds them): its
   * author's, or another's by a member with `delete_others` ranked above its author (`authorAdmin`:
   * a server admin's) — then marked `moderated` and audited with `reason`. Otherwise the errors of
   * editMessage.
   */
  deleteMessage(input: { room: string; user: UserRef; target: number; admin?: boolean; authorAdmin?: boolean; reason?: string }): Promise<RoomEvent>;
  /**
   * Adds or removes `user`'s reaction. Returns null (and writes nothing) when
   * it was already in that state. Throws `not_found` for a missing or deleted message.
   */
  react(input: { room: string; user: UserRef; target: number; emoji: string; on: boolean; admin?: boolean }): Promise<RoomEvent | null>;
  /**
   * Appends a message posted through a webhook (an incoming webhook, or an outgoing one's reply
   * to a slash command): by `user` (the webhook itself, who is no member), marked `webhook`.
   * Idempotent on (room, webhook, clientId) as appendMessage. Refused: `not_found` (no such
   * room), `forbidden` (archived).
   */
  appendWebhookMessage(input: { room: string; webhook: { id: string; name: string }; clientId: string; body: string }): Promise<{ event: MessageEvent; duplicate: boolean }>;
  /**
   * Attaches the preview of link `preview.url` to a live message: a `preview` event, and the
   * message shows it from then on (instead of any preview it had). Null (nothing written) when the
   * message is gone, has this link's preview already, or `preview.url` is not its first link
   * (firstLink) now: a preview fetched before an edit that changed the link is never attached.
   */
  attachPreview(input: { room: string; target: number; preview: LinkPreview }): Promise<RoomEvent | null>;
  /**
   * Adds a member with a `join` event; null (nothing written) if already a member. Refused:
   * `banned`, `forbidden` (archived; `by` may not invite). `byAdmin`: `by` is a server admin.
   */
  join(input: { room: string; user: UserRef; by?: UserRef; byAdmin?: boolean }): Promise<RoomEvent | null>;
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
  /**
   * Live messages whose current text matches every clause, in rooms `userId` may read (a member
   * of, or public): never a deleted message, nor one in a private room or DM they are not in.
   */
  searchMessages(query: SearchQuery): Promise<SearchPage>;

  // threads (§25; rules/thread-writes.ts)
  /** Follows or unfollows a thread (`not_found`: no such root message; `not_member`). */
  followThread(input: { room: string; root: number; user: UserRef; on: boolean }): Promise<ThreadState>;
  /** Moves the user's read marker in the thread forward to min(seq, newest reply). */
  readThread(input: { room: string; root: number; user: UserRef; seq: number }): Promise<ThreadState>;
  /** Counts again the unread of every follower of the threads that messages `seqs` (deleted) were replies in; one update per thread. */
  recountThreads(roomId: string, seqs: readonly number[]): Promise<ThreadUpdate[]>;
  /** A page of a thread for `userId`; null when `root` is no root message of the room. */
  replies(roomId: string, root: number, query: { after: number; limit: number }, userId: string): Promise<RepliesPage | null>;
  /** The threads the user follows in their rooms, unread first, then by newest reply. */
  followedThreads(userId: string, limit: number): Promise<ThreadListItem[]>;
  /** The user's unread replies in the thread, counted from the log now (`ThreadState.unread` must equal it). */
  countThreadUnread(roomId: string, root: number, userId: string): Promise<number>;

  // files: what is known of each upload (the bytes are in Files, files/files.ts)
  /**
   * Records an upload whose bytes are stored. In one transaction: refuses `quota_exceeded` when
   * the uploader's files of the last 24 hours and this one come to more than `dailyLimitBytes`
   * (0: no limit); when a file with the same SHA-256 is recorded, the new record shares its blob
   * and thumbnail keys (the same content is kept once: the caller then deletes its own copies).
   * A sweep running meanwhile never drops the blobs it shares. Refuses `not_found` when the room
   * no longer exists (deleted while the bytes were stored). Resolves with the record as stored.
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

  // moderation: writes. Each checks, in its own transaction, that `actor` may do it
  // (rules/moderation-rules.ts: the actor's rank and the room's permissions), writes the
  // event (if any) and exactly one audit entry. Refusals: `forbidden`, `not_found` (no such
  // room or member, or the actor may not see the room), `not_member` (actor not in a public room).
  /** Gives a member a role; null (nothing written) when they have it already. */
  setRole(input: { room: string; actor: Actor; target: string; targetAdmin?: boolean; role: Role; reason?: string }): Promise<RoomEvent | null>;
  /** Removes a member (they may join again). `targetAdmin`: the target is a server admin (ADMIN_USERS). */
  kick(input: { room: string; actor: Actor; target: string; targetAdmin?: boolean; reason?: string }): Promise<RoomEvent>;
  /**
   * Bans a user (a member or not) until `until` (none: until unbanned), removes them if a
   * member, and tombstones their messages stored since `deleteSince` (at most
   * MODERATION_LIMITS.purgeMaxMessages, the newest). A ban of someone banned already replaces it.
   */
  ban(input: BanInput): Promise<ModerationResult>;
  /** Lifts a ban; `not_found` when there is none in force. */
  unban(input: { room: string; actor: Actor; target: string; reason?: string }): Promise<RoomEvent>;
  /** Times a member out until `until` (0 lifts it); they can neither post nor react before then. */
  timeout(input: TimeoutInput): Promise<RoomEvent>;
  /** Changes some of a room's settings; each part needs its own permission (permissions: the owner's). */
  updateRoomSettings(input: RoomSettingsChange): Promise<RoomEvent>;
  /** Reports a live message of the room to its moderators (the reporter must be a member). */
  report(input: { room: string; user: UserRef; target: number; reason?: string }): Promise<Report>;
  /** Marks a report resolved; needs `delete_others`. */
  resolveReport(input: { room: string; actor: Actor; report: number; reason?: string }): Promise<Report>;
  /** Blocks or unblocks a user (idempotent); `forbidden` for oneself or past MODERATION_LIMITS.blocksMax. */
  setBlock(input: { user: string; blocked: string; on: boolean }): Promise<void>;

  // moderation: reads
  /** The user's role in the room; null when not a member. */
  memberRole(roomId: string, userId: string): Promise<Role | null>;
  /** Ids of the room's members above `member` (the moderators, admins and owner). */
  staffIds(roomId: string): Promise<string[]>;
  /** Newest first; `room`: only that room's entries (undefined: every entry, server-wide ones included). */
  auditLog(query: { room?: string; before?: number; limit: number }): Promise<{ entries: AuditEntry[]; hasMore: boolean }>;
  /** Bans in force, newest first. */
  listBans(roomId: string): Promise<Ban[]>;
  /** Reports not yet resolved, newest first, at most `limit`. */
  openReports(roomId: string, limit: number): Promise<Report[]>;
  /** Who the user blocks, in the order they were blocked. */
  blockedBy(userId: string): Promise<UserSummary[]>;

  // server administration (ADMIN_USERS)
  /** Users whose username or display name contains `q` (any case), newest first. */
  searchUsers(q: string, limit: number): Promise<StoredUser[]>;
  /** Public and private rooms whose name contains `q` (any case), in creation order. */
  listAllRooms(q: string, limit: number): Promise<StoredRoomInfo[]>;
  /** Disables (or enables) an account; disabling revokes its sessions. Returns the sessions revoked. */
  setUserDisabled(input: { actor: UserRef; target: string; disabled: boolean; reason?: string }): Promise<{ user: StoredUser; revoked: string[] }>;
  /** Revokes every session of the user ("sign out everywhere"); returns their hashes. */
  signOutUser(input: { actor: UserRef; target: string; reason?: string }): Promise<{ user: StoredUser; revoked: string[] }>;
  /** Deletes a guest: their sessions, memberships (a `leave` event in each room), blocks and limits; their messages stay. */
  deleteGuest(input: { actor: UserRef; target: string; reason?: string }): Promise<DeletedUser>;
  /** Archives (or unarchives) a room: a `settings` event. */
  archiveRoom(input: { actor: UserRef; room: string; archived: boolean; reason?: string }): Promise<RoomEvent>;
  /** Deletes a room and everything in it but its audit entries; not the lobby. */
  deleteRoom(input: { actor: UserRef; room: string; reason?: string }): Promise<DeletedRoom>;
  /** Users and public/private rooms on the server. */
  counts(): Promise<{ users: number; rooms: number }>;

  // people (sql/people-reads.ts, rules/account-writes.ts)
  /** People matching a text among those sharing a room with the user (or one room's members); never disabled ones. */
  findPeople(query: PeopleQuery): Promise<UserSummary[]>;
  /** The user as `viewerId` may see them (themself, or sharing a room); null otherwise. */
  visiblePerson(viewerId: string, userId: string): Promise<UserSummary | null>;
  /** Ids of guests with no live session (created before `createdBefore`), oldest first. */
  departedGuests(query: { now: number; createdBefore: number; limit: number }): Promise<string[]>;
  /** A guest becomes an account, keeping id, rooms and DMs; `name_taken`, `forbidden` (not a guest). */
  claimGuest(input: { user: string; username?: string | undefined; passwordHash: string }): Promise<StoredUser>;
  /** Bytes the store takes: the SQLite files, or the PostgreSQL database. */
  sizeBytes(): Promise<number>;
}
