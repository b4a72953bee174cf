/**
 * Row types of the tables, the same in every store (sqlite/migrations.ts,
 * postgres/migrations.ts), so that one set of Kysely queries (log-reads.ts,
 * room-reads.ts) reads both and one set of rules (../rules/) writes both.
 * Flags are stored as 0/1 (SQLite has no boolean; PostgreSQL stores them as
 * smallint for the same queries) and times as ms since the epoch.
 */
import type { EventKind, RoomKind, UserKind } from '@parley/protocol';

export interface UsersTable {
  id: string;
  /** Lowercase; unique. */
  username: string;
  name: string;
  kind: UserKind;
  password_hash: string | null;
  external_id: string | null;
  created_at: number;
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
}

export type MemberRole = 'owner' | 'member';

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

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  rooms: RoomsTable;
  members: MembersTable;
  events: EventsTable;
  reactions: ReactionsTable;
  token_revocations: TokenRevocationsTable;
  files: FilesTable;
}

export type UserRow = UsersTable;
export type RoomRow = RoomsTable;
export type EventRow = EventsTable;
export type ReactionRow = Pick<ReactionsTable, 'target' | 'user_id' | 'emoji'>;
export type FileRow = FilesTable;
