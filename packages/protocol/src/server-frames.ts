/** Frames the server sends. The server is trusted by its clients, so these are types, not schemas. */
import type { ErrorBody } from './errors.js';
import type { Limits } from './limits.js';
import type { AuditEntry, Ban, Member, MessageEvent, Report, RoomEvent, RoomSummary, ThreadListItem, ThreadState, UserRef, UserSummary, Person, Webhook, WebhookDelivery } from './model.js';
import type { RoomSettings } from './roles.js';

/** First frame after a successful authentication. */
export interface WelcomeFrame {
  type: 'welcome';
  user: UserSummary;
  /** Every room the user is a member of, plus the newest public rooms they are not in (at most DIRECTORY_PREVIEW). */
  rooms: RoomSummary[];
  limits: Limits;
  /**
   * The server pings (WebSocket ping) every `intervalMs` and closes a connection
   * that has not answered within `timeoutMs`. A client that has received no
   * frame for `intervalMs` sends `{"type":"ping"}`; if nothing arrives within
   * `timeoutMs` after that, the connection is dead: close it and reconnect.
   */
  heartbeat: { intervalMs: number; timeoutMs: number };
  serverTime: number;
  /** Present (true) when the user is a server admin (ADMIN_USERS): the admin REST API is theirs. */
  admin?: true;
  /** The people the user blocked; omitted when none. */
  blocked?: UserSummary[];
}

/** An ack that carries nothing but its ref. */
export type NoResult = Record<never, never>;

/** What each request's `ack` carries besides `type` and `ref`. */
export interface Results {
  auth: NoResult;
  resume: { rooms: ResumeResult[] };
  send: { room: string; seq: number; ts: number; /** true when this id was already stored (a retried send) */ duplicate: boolean };
  edit: { room: string; seq: number };
  delete: { room: string; seq: number };
  react: { room: string; seq: number };
  read: { room: string; seq: number };
  join: { room: RoomSummary; seq: number };
  leave: { room: string; seq: number };
  create: { room: RoomSummary };
  invite: { room: string; seq: number };
  dm: { room: RoomSummary };
  rename: { user: UserSummary };
  rooms: { rooms: RoomSummary[] };
  members: { room: string; members: Member[] };
  directory: DirectoryPage;
  history: HistoryPage;
  ping: NoResult;
  role: { room: string; seq: number };
  kick: { room: string; seq: number };
  /** `deleted`: how many of their messages the ban deleted. */
  ban: { room: string; seq: number; deleted: number };
  unban: { room: string; seq: number };
  timeout: { room: string; seq: number; until: number };
  room_settings: { room: string; seq: number; settings: RoomSettings };
  report: { report: Report };
  reports: { room: string; reports: Report[] };
  resolve_report: { report: Report };
  audit: { room: string; entries: AuditEntry[]; hasMore: boolean };
  bans: { room: string; bans: Ban[] };
  block: { users: UserSummary[] };
  replies: RepliesPage;
  threads: { threads: ThreadListItem[] };
  follow: { thread: ThreadState };
  thread_read: { thread: ThreadState };
  search: SearchResults;
  // people
  /** Best matches first: a name or username starting with the query before one containing it, then by name. */
  people: { users: Person[] };
  profile: { user: Person };
  /**
   * `secret`: incoming, the secret part of its URL (`url`, a path on this server: POST there);
   * outgoing, its signing secret (`whsec_…`). Shown this once; only a hash of an incoming URL's
   * secret is kept. `signingSecret`: a signed incoming webhook's.
   */
  webhook_create: { webhook: Webhook; secret: string; url?: string; signingSecret?: string };
  webhooks: { room: string; webhooks: Webhook[] };
  webhook_revoke: { room: string; webhook: string };
  webhook_deliveries: { room: string; deliveries: WebhookDelivery[] };
}

/** A page of a thread (§25). */
export interface RepliesPage {
  room: string;
  /** The root message in current state (with `replies`). */
  root: MessageEvent;
  /** Replies with seq > the request's `after`, ascending. */
  replies: MessageEvent[];
  /** Whether newer replies exist after the last one returned. */
  hasAfter: boolean;
  /** The user's view of the thread; null while they neither follow it nor marked it read. */
  thread: ThreadState | null;
}

/** A page of `search` results, newest first. */
export interface SearchResults {
  results: SearchResult[];
  /** Give it as `before` for the next page; null on the last page. */
  next: number | null;
}

export interface SearchResult {
  /** The room's name when the result was read (a DM's is its stored name; clients show the other person). */
  roomName: string;
  /** The message in its current state; its `room` and `seq` locate it (load history around it). */
  event: MessageEvent;
  /** Where the query matches `event.body`: [start, end) offsets in UTF-16 code units, ascending, not overlapping. */
  highlights: Array<[number, number]>;
}

export type RequestType = keyof Results;

export interface ResumeResult {
  room: string;
  /**
   * ok: every event after `after` up to `latestSeq` was sent before this ack.
   * too_far_behind: more than `limits.replayLimit` events were missed; nothing
   * was replayed for this room: page history forward from `after`.
   * not_found: the room does not exist or the user is no longer a member.
   */
  status: 'ok' | 'too_far_behind' | 'not_found';
  latestSeq: number;
}

/** A page of public rooms, ordered by name (case ignored). */
export interface DirectoryPage {
  rooms: RoomSummary[];
  /** Give it as `after` for the next page; null on the last page. */
  next: string | null;
}

export interface HistoryPage {
  room: string;
  /** Ascending by seq. */
  events: RoomEvent[];
  /** Whether older events exist before the first one returned. */
  hasBefore: boolean;
  /** Whether newer events exist after the last one returned. */
  hasAfter: boolean;
  latestSeq: number;
}

export type AckFrame<K extends RequestType = RequestType> = { type: 'ack'; ref: string } & Results[K];

export interface ErrorFrame extends ErrorBody {
  type: 'error';
  /** The request's ref, or null when the frame could not be read far enough to find one. */
  ref: string | null;
}

/** One event of a room's log, live or replayed. */
export interface EventFrame {
  type: 'event';
  event: RoomEvent;
}

/** Someone is typing in a room. Forget it after `TYPING.expireMs` unless repeated. */
export interface TypingFrame {
  type: 'typing';
  room: string;
  user: UserRef;
}

/**
 * Members of `room` came online or went offline. Changes are batched: the
 * server sends at most one presence frame per room per short interval (250 ms
 * by default). `online` is the room's online count after these changes and is
 * always exact; `changes` lists who changed, oldest first, and is cut to the
 * last 50 in a busy room (then `more` says how many were left out).
 */
export interface PresenceFrame {
  type: 'presence';
  room: string;
  online: number;
  changes: PresenceChange[];
  more?: number;
}

export interface PresenceChange {
  user: UserRef;
  status: 'online' | 'offline';
}

/** A room appeared in or changed in the user's list (invited, DM opened by the other side, joined elsewhere). */
export interface RoomFrame {
  type: 'room';
  room: RoomSummary;
}

/** The user is no longer a member of `room` (left from another connection). */
export interface RoomLeftFrame {
  type: 'room_left';
  room: string;
}

/** The user's own profile changed (renamed from another connection). */
export interface UserFrame {
  type: 'user';
  user: UserSummary;
}

/**
 * The user's read marker in `room` is now `seq`: a `read` from one of their
 * connections (this one included) moved it. Take it as the marker if it is
 * ahead of the one held, and count unread from there.
 */
export interface ReadFrame {
  type: 'read';
  room: string;
  seq: number;
}

/**
 * A message of a room you moderate was reported, or a report was resolved (then
 * `report.resolved` is set): to each of the room's moderators, admins and owner.
 */
export interface ReportFrame {
  type: 'report';
  report: Report;
}

/** The people you block changed (from any of your connections): `users` is the whole list now. */
export interface BlocksFrame {
  type: 'blocks';
  users: UserSummary[];
}

/**
 * The user's view of a thread changed (a reply in a thread they follow, a read or a follow
 * from any of their connections, a reply deleted): keep it if its `version` is above the one held.
 */
export interface ThreadFrame {
  type: 'thread';
  thread: ThreadState;
}

export interface PongFrame {
  type: 'pong';
  ref?: string;
}

export type ServerFrame =
  | WelcomeFrame
  | AckFrame
  | ErrorFrame
  | EventFrame
  | TypingFrame
  | PresenceFrame
  | RoomFrame
  | RoomLeftFrame
  | UserFrame
  | ReadFrame
  | ReportFrame
  | BlocksFrame
  | ThreadFrame
  | PongFrame;

export type ServerFrameType = ServerFrame['type'];
