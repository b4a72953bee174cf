/** The things frames talk about. Server-made ids are opaque strings. */
import type { Role, RoomSettings } from './roles.js';

export interface UserRef {
  id: string;
  /** Display name at the time of the event or frame. */
  name: string;
}

/** `bot`: a bot account (protocol §28), made by a server admin or a room owner; it signs in with a bot token. */
export type UserKind = 'account' | 'guest' | 'external' | 'bot';

export interface UserSummary extends UserRef {
  /** Unique, lowercase handle used to open DMs and invite. */
  username: string;
  kind: UserKind;
}

export type RoomKind = 'public' | 'private' | 'dm';

export interface RoomSummary {
  id: string;
  /** For a DM, the other person's display name. */
  name: string;
  kind: RoomKind;
  /** Whether the current user is a member. Public rooms are listed whether or not. */
  joined: boolean;
  members: number;
  /** Members with at least one open connection. */
  online: number;
  /** Sequence number of the newest event in the room's log (0 when empty). */
  latestSeq: number;
  /** The current user's read marker: the newest seq they have read (0 when none). */
  readSeq: number;
  /** Messages by others after `readSeq` that are not deleted. */
  unread: number;
  /** For a DM, the other person. */
  peer?: UserSummary;
  /** The current user's role, in the public and private rooms they are a member of. */
  role?: Role;
  /** The room's settings that differ from the defaults; omitted when none do. */
  settings?: RoomSettings;
  /** The current user is timed out in this room until then (ms since the epoch); omitted when not. */
  timedOutUntil?: number;
}

/** Someone as the people picker and profile card show them. */
export interface Person extends UserSummary {
  online: boolean;
}

export interface Member {
  user: UserSummary;
  role: Role;
  online: boolean;
  /** Timed out in the room until then; omitted when not. */
  timedOutUntil?: number;
}

/** Reactions on a message: emoji to the ids of the users who reacted, in reaction order. */
export type Reactions = Record<string, string[]>;

interface EventBase {
  room: string;
  /** Position in the room's log: 1, 2, 3 … with no gaps. */
  seq: number;
  /** Server time the event was stored, ms since the epoch. */
  ts: number;
  /** Who caused the event (author, editor, reactor, joiner …). */
  user: UserRef;
}

/**
 * A message. Served from the store in its current state: history and resume
 * both show the current body, `edited` and `deleted`, and reactions, and the
 * later edit/delete/reaction events are replayed too, so applying events in
 * order always lands on the same state.
 */
export interface MessageEvent extends EventBase {
  kind: 'message';
  /** The sender's own id for the message (its idempotency key). */
  id: string;
  body: string;
  /** Time of the last edit, if any. */
  editedTs?: number;
  deleted?: boolean;
  /** With `deleted`: a moderator removed it, not its author. */
  moderated?: true;
  /** Sent by a bot account (protocol §28). */
  bot?: true;
  reactions?: Reactions;
  /** Files sent with the message, in the order given; omitted when none (and once it is deleted). */
  attachments?: Attachment[];
  /** A reply in a thread: the seq of the thread's root message (§25). Kept once deleted. */
  thread?: number;
  /** With `thread`: the reply was also sent to the room (it shows in the main timeline and counts as unread there). */
  alsoInRoom?: true;
  /** A quoted reply in the main timeline: the seq of the message it answers (omitted once deleted). */
  replyTo?: number;
  /** A thread's root: its replies so far (current state; see ThreadInfo). Omitted while it has none. */
  replies?: ThreadInfo;
  /** Posted through an incoming webhook, or a webhook's reply to a slash command: `user` is then the webhook (§29). */
  webhook?: WebhookRef;
  /** The preview of the message's first link, once the server fetched it (a `preview` event); omitted when none. */
  preview?: LinkPreview;
}

/**
 * What a thread's root shows. `count` counts every reply ever posted (a deleted one stays as a
 * tombstone in the thread), so a client applies a reply event to it only when its seq is above
 * `lastSeq`: replaying events over a root read in its current state then changes nothing.
 */
export interface ThreadInfo {
  count: number;
  /** Seq and time of the newest reply. */
  lastSeq: number;
  lastTs: number;
  /** Who replied, first repliers first (at most THREAD_PARTICIPANTS_MAX), with the name of their first reply. */
  participants: UserRef[];
}

/**
 * One user's view of a thread (§25): the thread, whether they follow it, and their read
 * marker and unread count in it. `version` grows with every change of the user's view:
 * a client keeps the state with the highest version it has seen.
 */
export interface ThreadState {
  room: string;
  root: number;
  info: ThreadInfo;
  following: boolean;
  /** The newest reply seq they have read (the root's seq when none). */
  readSeq: number;
  /** Replies by others after `readSeq` that are not deleted. */
  unread: number;
  version: number;
}

/** A followed thread as `threads` lists it: the state with its root message in current state. */
export interface ThreadListItem extends ThreadState {
  message: MessageEvent;
}

/** The webhook a message came through. `id` is the webhook's id, never its secret. */
export interface WebhookRef {
  id: string;
  name: string;
}

/**
 * What the server read of a link (§29.6). Texts are plain (no markup), cut to their limits;
 * `image` is a small WebP the server fetched and re-encoded itself, as a `data:` URL, so that
 * no reader's browser fetches anything from the linked site.
 */
export interface LinkPreview {
  url: string;
  title?: string;
  description?: string;
  siteName?: string;
  image?: string;
}

/**
 * A file sent with a message (or just uploaded: the answer of `POST /api/files`). Its URLs
 * are paths on the server; fetching them takes a session (cookie or Bearer token) of a member
 * of the room, and stops working once the message is deleted.
 */
export interface Attachment {
  /** Opaque and unguessable (128 random bits). */
  id: string;
  /** The file's name as uploaded, cleaned (no path, no control characters; at most FILE_NAME_MAX). */
  name: string;
  /** Bytes. */
  size: number;
  /**
   * The type the server found in the file's bytes (never the uploader's name or MIME type):
   * `image/png`, `application/pdf` …, or `application/octet-stream` when it knows none.
   */
  contentType: string;
  /** Where to download it: `/api/files/<id>/<name>`. */
  url: string;
  /** Images (PNG, JPEG, GIF, WebP) only: size in pixels as shown, after the EXIF orientation. */
  width?: number;
  height?: number;
  /** Images only: a small WebP preview (at most THUMBNAIL_MAX px a side, no metadata), `/api/thumbnails/<id>`. */
  thumbnailUrl?: string;
}

export interface EditEvent extends EventBase {
  kind: 'edit';
  /** Seq of the message edited. */
  target: number;
  body: string;
}

/** A deletion: the tombstone of message `target`, whose body is gone. */
export interface DeleteEvent extends EventBase {
  kind: 'delete';
  target: number;
  /** The deleted message was a reply in this thread (its root's seq) not sent to the room. */
  thread?: number;
  /** Set when `user` deleted someone else's message (a moderator). */
  moderated?: true;
}

export interface ReactionEvent extends EventBase {
  kind: 'reaction';
  target: number;
  emoji: string;
  /** true: added; false: removed. */
  on: boolean;
}

export interface JoinEvent extends EventBase {
  kind: 'join';
  /** Set when the user was invited by someone else. */
  by?: UserRef;
}

export interface LeaveEvent extends EventBase {
  kind: 'leave';
}

/** `user` renamed themself from `from` to `to`; `user.name` is the new name. */
export interface RenameEvent extends EventBase {
  kind: 'rename';
  from: string;
  to: string;
}

/** The first event of every room. */
export interface CreatedEvent extends EventBase {
  kind: 'created';
  name: string;
  roomKind: RoomKind;
}

/** `user` gave `target` the role `role`. */
export interface RoleEvent extends EventBase {
  kind: 'role';
  target: UserRef;
  role: Role;
}

/** `user` removed `target` from the room; they may join again (or be invited again). */
export interface KickEvent extends EventBase {
  kind: 'kick';
  target: UserRef;
}

/**
 * `user` banned `target`: refused until `until` (no `until`: until unbanned), and
 * removed from the room if a member (then `removed`). `deleted`: the seqs of their
 * messages the ban deleted (each now a tombstone, `moderated`).
 */
export interface BanEvent extends EventBase {
  kind: 'ban';
  target: UserRef;
  until?: number;
  removed?: true;
  deleted?: number[];
}

/** `user` lifted `target`'s ban: they may join again. */
export interface UnbanEvent extends EventBase {
  kind: 'unban';
  target: UserRef;
}

/** `user` timed `target` out until `until` (they cannot post or react before then); `until` 0: lifted. */
export interface TimeoutEvent extends EventBase {
  kind: 'timeout';
  target: UserRef;
  until: number;
}

/**
 * Message `target`'s link preview changed (§29.6); `user` is the message's author. `preview`: the
 * server attached the preview of the message's first link, replacing any other; omitted: the
 * message has none any more (an edit changed or removed its first link).
 */
export interface PreviewEvent extends EventBase {
  kind: 'preview';
  target: number;
  preview?: LinkPreview;
}

/** `user` changed the room's settings; `settings` are the room's settings now, whole. */
export interface SettingsEvent extends EventBase {
  kind: 'settings';
  settings: RoomSettings;
}

export type RoomEvent =
  | MessageEvent
  | EditEvent
  | DeleteEvent
  | ReactionEvent
  | JoinEvent
  | LeaveEvent
  | RenameEvent
  | CreatedEvent
  | RoleEvent
  | KickEvent
  | BanEvent
  | UnbanEvent
  | TimeoutEvent
  | SettingsEvent
  | PreviewEvent;

export type EventKind = RoomEvent['kind'];

/** Event kinds that moderate a room: each is written with one entry of the audit log. */
export type ModerationEventKind = 'role' | 'kick' | 'ban' | 'unban' | 'timeout' | 'settings';

/**
 * What the audit log records. Room actions are also events of the room's log;
 * the others are server admins' (ADMIN_USERS) actions over REST.
 */
export const AUDIT_ACTIONS = [
  'role',
  'kick',
  'ban',
  'unban',
  'timeout',
  'settings',
  'delete_message',
  'resolve_report',
  'archive_room',
  'delete_room',
  'disable_user',
  'enable_user',
  'sign_out_user',
  'delete_user',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One entry of the append-only audit log: who did what to whom, when, and why. */
export interface AuditEntry {
  /** Increasing in the order entries were written (server-wide). */
  id: number;
  /** The room acted in; null for server-wide actions on users. */
  room: string | null;
  ts: number;
  actor: UserRef;
  action: AuditAction;
  /** The person acted on, if any. */
  target?: UserRef;
  reason?: string;
  /** What changed, by action: role {role}; ban {until?, deleted}; timeout {until}; settings {changes}; delete_message {seq}; resolve_report {report}; archive_room {archived}; delete_room {name}. */
  details?: Record<string, unknown>;
}

/** A message reported to the room's moderators. */
export interface Report {
  id: number;
  room: string;
  /** The seq of the reported message. */
  target: number;
  /** Who wrote the message. */
  author: UserRef;
  reporter: UserRef;
  reason?: string;
  ts: number;
  /** Set once a moderator resolved it. */
  resolved?: { by: UserRef; ts: number };
}

/** An active ban, as moderators list them. */
export interface Ban {
  user: UserSummary;
  /** When it ends; omitted: until unbanned. */
  until?: number;
  ts: number;
}

/** What makes an outgoing webhook fire (§29.3): every new message, a mention of its name, or its slash command. */
export type WebhookTrigger = 'message' | 'mention' | 'command';

/** A webhook of a room, as its admins list them. Secrets are shown once, when it is created. */
export interface Webhook {
  id: string;
  room: string;
  kind: 'incoming' | 'outgoing';
  name: string;
  /** Outgoing: where deliveries are POSTed. */
  url?: string;
  /** Outgoing: what makes it fire. */
  triggers?: WebhookTrigger[];
  /** Outgoing with the `command` trigger: the command's name, without its slash. */
  command?: string;
  /** Incoming: requests must carry a Standard Webhooks signature made with its signing secret. */
  signed?: true;
  createdBy: UserRef;
  createdAt: number;
}

/** One delivery of an outgoing webhook, as its delivery log shows it (§29.4). */
export interface WebhookDelivery {
  /** Stable across retries: the `webhook-id` header, for the receiver to deduplicate on. */
  id: string;
  webhook: string;
  /** The seq of the message that made it fire. */
  seq: number;
  event: WebhookTrigger;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  /** When the next attempt is due (pending only). */
  nextAttemptAt?: number;
  /** HTTP status of the last attempt; omitted when it got no answer. */
  lastStatus?: number;
  /** Why the last attempt failed (refused address, timeout, connection error …). */
  lastError?: string;
  createdAt: number;
  deliveredAt?: number;
}
