/**
 * Row types of the tables, the same in every store (sqlite/migrations.ts,
 * postgres/migrations.ts), so that one set of Kysely queries (log-reads.ts,
 * room-reads.ts) reads both and one set of rules (../rules/) writes both.
 * Flags are stored as 0/1 (SQLite has no boolean; PostgreSQL stores them as
 * smallint for the same queries) and times as ms since the epoch.
 */
import type { AuditAction, EventKind, Role, RoomKind, UserKind } from '@parley/protocol';

export interface UsersTable {
  id: string;
  /** Lowercase; unique. */
  username: string;
  name: string;
  kind: UserKind;
  password_hash: string | null;
  external_id: string | null;
  created_at: number;
  /** 1: a server admin disabled the account (SQLite migration 6): it cannot sign in or connect. */
  disabled: 0 | 1;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  expires_at: number;
  revoked: 0 | 1;
}

export interface RoomsTable {
  id: string;
  name: string;
  /** Lowercased name of a public or private room (unique); null for DMs, whose names need not be unique. */
  name_key: string | null;
  kind: RoomKind;
  created_by: string | null;
  created_at: number;
  /** Seq of the newest event; incremented in the transaction that inserts the event. */
  last_seq: number;
  /** Rows in `members` for this room, kept by triggers on `members` (migration 2). */
  member_count: number;
  /** JSON of the room's RoomSettings that differ from the defaults; null when none do (SQLite migration 6). */
  settings: string | null;
}

export type MemberRole = Role;

export interface MembersTable {
  room_id: string;
  user_id: string;
  role: MemberRole;
  read_seq: number;
  joined_at: number;
}

/**
 * One row per log event. A message row also holds the message's current
 * state: edits rewrite `body` and set `edited_ts`; a delete sets `deleted`
 * and empties `body`.
 */
export interface EventsTable {
  room_id: string;
  seq: number;
  ts: number;
  kind: EventKind;
  user_id: string;
  /** The user's display name when the event happened. */
  user_name: string;
  /** The sender's message id (messages only). */
  client_id: string | null;
  /** Message text (message, edit). */
  body: string | null;
  /** Seq of the message an edit, delete or reaction is about. */
  target: number | null;
  /** JSON of the kind's other fields (see rows.ts). */
  data: string | null;
  edited_ts: number | null;
  deleted: 0 | 1;
  /** A reply: the seq of its thread's root (SQLite migration 7, PostgreSQL 5); null otherwise. Kept once deleted. */
  thread: number | null;
  /** 1: a reply also sent to the room (shown in the main timeline, counted unread there). */
  also_in_room: 0 | 1;
}

/** A thread: a root message with replies (SQLite migration 7, PostgreSQL 5); the row appears with the first reply. */
export interface ThreadsTable {
  room_id: string;
  /** The root message's seq. */
  root: number;
  /** Replies ever posted (deleted ones too: they stay in the thread as tombstones). */
  replies: number;
  last_seq: number;
  last_ts: number;
  /** JSON of UserRef[]: the repliers, first ones first, at most THREAD_PARTICIPANTS_MAX. */
  participants: string;
}

/** A user's view of a thread: whether they follow it, what they read, their unread count (kept by the rules). */
export interface ThreadFollowsTable {
  room_id: string;
  root: number;
  user_id: string;
  /** 1: following (the root's author, a replier, someone mentioned in a reply, or by hand); 0: unfollowed or only read. */
  following: 0 | 1;
  /** The newest seq of the thread they have read (the root's when none). */
  read_seq: number;
  /** Replies by others after read_seq that are not deleted, as last counted (rules/thread-writes.ts). */
  unread: number;
  /** Grows with every change of the row: clients keep the newest state. */
  version: number;
}

/** Current reactions; `seq` is the seq of the reaction event that added the row, which orders them. */
export interface ReactionsTable {
  room_id: string;
  target: number;
  user_id: string;
  emoji: string;
  seq: number;
}

/**
 * Revoked JWTs (SQLite migration 4): by `jti` (that token), or by subject (every token of that `sub`
 * issued before `not_before`; a token without `iat` counts as issued before).
 */
export interface TokenRevocationsTable {
  /** `jti:<jti>` or `sub:<sub>`. */
  key: string;
  jti: string | null;
  subject: string | null;
  not_before: number | null;
  created_at: number;
}

/**
 * What the store knows of an uploaded file (its bytes are in Files, ../../files/files.ts,
 * under `blob_key`). Several rows may share a blob: the same content is stored once.
 */
export interface FilesTable {
  /** 22 characters of base64url: 128 random bits. */
  id: string;
  room_id: string;
  /** The uploader. */
  user_id: string;
  /** The message it was sent with; null until then. */
  seq: number | null;
  name: string;
  size: number;
  /** Found in the bytes (files/sniff.ts). */
  content_type: string;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
  blob_key: string;
  /** Images: the WebP thumbnail's blob; null otherwise. */
  thumb_key: string | null;
  width: number | null;
  height: number | null;
  created_at: number;
}

/** A ban of a user from a room, whether or not they are a member (SQLite migration 6). Lifted: the row is deleted. */
export interface BansTable {
  room_id: string;
  user_id: string;
  /** When it ends; null: until lifted. An ended ban's row may linger: it no longer counts. */
  until: number | null;
  created_at: number;
}

/**
 * A user's limits in a room, kept while they are not a member, so that leaving
 * and joining again clears neither a time-out nor slow mode's wait (SQLite migration 6).
 */
export interface MemberLimitsTable {
  room_id: string;
  user_id: string;
  /** Timed out until then; null: not. */
  muted_until: number | null;
  /** Their last message here, counted by slow mode (written only while slow mode is on). */
  last_post_at: number | null;
}

/** The append-only audit log (SQLite migration 6): triggers refuse UPDATE and DELETE. */
export interface AuditTable {
  /** Increasing in insertion order. */
  id: number;
  /** null: a server-wide action. No foreign key: entries outlive a deleted room. */
  room_id: string | null;
  ts: number;
  actor_id: string;
  actor_name: string;
  action: AuditAction;
  target_id: string | null;
  target_name: string | null;
  reason: string | null;
  /** JSON of the entry's details (AuditEntry.details). */
  details: string | null;
}

export interface ReportsTable {
  id: number;
  room_id: string;
  /** Seq of the reported message. */
  target: number;
  author_id: string;
  author_name: string;
  reporter_id: string;
  reporter_name: string;
  reason: string | null;
  created_at: number;
  resolved_by_id: string | null;
  resolved_by_name: string | null;
  resolved_at: number | null;
}

/** `user_id` blocked `blocked_id`. */
export interface BlocksTable {
  user_id: string;
  blocked_id: string;
  created_at: number;
}

/** A bot account (SQLite migration 9, PostgreSQL 7): its user row has kind `bot`. */
export interface BotsTable {
  user_id: string;
  /** Who made it: a server admin or a room owner, who manages it. */
  created_by: string;
  created_at: number;
  /** SHA-256 of its token (base64url); null once revoked. The token itself is never stored. */
  token_hash: string | null;
}

/** A room's webhook (issue 23; the last migration of each store). No foreign key; deleting the room deletes them (rules/admin-writes.ts). */
export interface WebhooksTable {
  id: string;
  room_id: string;
  kind: 'incoming' | 'outgoing';
  name: string;
  /** Outgoing: where to POST. */
  url: string | null;
  /** Outgoing: JSON array of WebhookTrigger. */
  triggers: string | null;
  command: string | null;
  /** Incoming: hex SHA-256 of its URL's secret (the secret itself is shown once). */
  secret_hash: string | null;
  /** `whsec_…`: outgoing, what deliveries are signed with; incoming, what requests must be signed with (null: unsigned). */
  signing_secret: string | null;
  created_by_id: string;
  created_by_name: string;
  created_at: number;
  /** null: active. */
  revoked_at: number | null;
  /** Outgoing: the room's seq up to which events were turned into deliveries. */
  cursor: number;
}

/** The outbox of outgoing webhooks and its delivery log: one row per (webhook, message, trigger). */
export interface WebhookDeliveriesTable {
  /** Stable: `<webhook id>_<seq>`; the `webhook-id` header. */
  id: string;
  webhook_id: string;
  room_id: string;
  seq: number;
  event: 'message' | 'mention' | 'command';
  /** The JSON body, fixed when enqueued, so that every attempt sends (and signs) the same bytes. */
  payload: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_at: number;
  /** A node's claim on the row ends then (a lease); 0: unclaimed. */
  claimed_until: number;
  /** The claim's token: only its holder records the attempt. */
  claim: string | null;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

export interface Database {
  users: UsersTable;
  bots: BotsTable;
  sessions: SessionsTable;
  rooms: RoomsTable;
  members: MembersTable;
  events: EventsTable;
  reactions: ReactionsTable;
  token_revocations: TokenRevocationsTable;
  files: FilesTable;
  bans: BansTable;
  member_limits: MemberLimitsTable;
  audit: AuditTable;
  reports: ReportsTable;
  blocks: BlocksTable;
  threads: ThreadsTable;
  thread_follows: ThreadFollowsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

export type UserRow = UsersTable;
export type BotRow = BotsTable;
export type RoomRow = RoomsTable;
export type EventRow = EventsTable;
export type ReactionRow = Pick<ReactionsTable, 'target' | 'user_id' | 'emoji'>;
export type FileRow = FilesTable;
export type MemberRow = MembersTable;
export type BanRow = BansTable;
export type MemberLimitsRow = MemberLimitsTable;
export type AuditRow = AuditTable;
export type ReportRow = ReportsTable;
export type ThreadRow = ThreadsTable;
export type ThreadFollowRow = ThreadFollowsTable;
