/**
 * The public types of the Parley SDK: options, credentials, the per-room state
 * a UI renders, pending (outbox) messages and the event listener map. These are
 * a stable contract for the web app, the terminal client and third parties.
 */
import type {
  Attachment,
  ErrorCode,
  BanEvent,
  CreatedEvent,
  JoinEvent,
  KickEvent,
  Limits,
  LeaveEvent,
  Member,
  MessageEvent,
  ParleyError,
  PresenceFrame,
  Reactions,
  RenameEvent,
  Report,
  ResumeResult,
  Role,
  ThreadState,
  RoleEvent,
  RoomEvent,
  RoomKind,
  RoomSettings,
  SettingsEvent,
  TimeoutEvent,
  UnbanEvent,
  UserRef,
  UserSummary,
  WelcomeFrame,
} from '@parley/protocol';

/** How the client proves who it is. Password, register and guest go through the REST API first and yield a session token. */
export type Credentials =
  | { kind: 'password'; username: string; password: string }
  | { kind: 'register'; username: string; password: string; name?: string }
  | { kind: 'guest'; name: string }
  /** A session token or JWT obtained elsewhere. */
  | { kind: 'token'; token: string }
  /** Browsers only: the `parley_session` cookie the page already holds (same origin). */
  | { kind: 'session' };

/**
 * How the WebSocket handshake carries the credentials.
 * - header: `Authorization: Bearer <token>` (Node with `ws`; needs a constructor that accepts `{ headers }`).
 * - cookie: the browser sends the session cookie by itself.
 * - frame: an `auth` frame first (browsers holding an explicit token).
 */
export type AuthTransport = 'header' | 'cookie' | 'frame';

/** How frames travel: a WebSocket, or the HTTP fallback (server-sent events and POSTs; protocol.md §30). */
export type Transport = 'websocket' | 'http';

/**
 * The least a WebSocket must offer: the browser's WebSocket and `ws` both fit.
 * Handlers take `never` so that any socket's own event types are accepted; the
 * SDK states the event shapes it reads where it sets the handlers.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
}

/**
 * A WebSocket constructor: `ws` and the browser's global both fit. In header
 * mode the SDK passes `{ headers }` as the second argument (which `ws` accepts);
 * otherwise only the URL.
 */
// The rest parameter is `any[]` because the two constructors disagree on their second parameter.
export type WebSocketConstructor = new (url: string, ...rest: any[]) => WebSocketLike;

export interface ParleyClientOptions {
  credentials: Credentials;
  /** Server base URL such as `http://localhost:8000`. Default in browsers: the page's origin. Required in Node. */
  url?: string;
  /** WebSocket constructor. Default: the global `WebSocket`. Node 20 passes `ws`. */
  WebSocket?: WebSocketConstructor;
  /** fetch for the REST calls and the HTTP fallback. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /**
   * `auto` (default): WebSocket, falling back to HTTP (server-sent events and POSTs) when
   * WebSockets fail twice in a row — refused, or cut soon after connecting; `websocket` or
   * `http`: that one only.
   */
  transport?: 'auto' | Transport;
  /** Default: `header` when there is no `window` (Node), else `frame` for token credentials and `cookie` otherwise. */
  authTransport?: AuthTransport;
  /** Reconnect backoff: full jitter between 0 and min(maxDelayMs, minDelayMs * 2^attempt). Defaults 500 and 20000. */
  reconnect?: { minDelayMs?: number; maxDelayMs?: number };
  /** Overrides the heartbeat the server announces in `welcome` (tests use short values). */
  heartbeat?: { intervalMs?: number; timeoutMs?: number };
  /** How long each sign-in request, and then the socket from opening to the server's welcome, may take before the attempt is retried. Default 15000. */
  connectTimeoutMs?: number;
  /** Most messages waiting in the outbox; `send` rejects with OutboxFullError past it. Default 200. */
  outboxLimit?: number;
  /** How long a request other than `send` may wait for a connection and its answer; also bounds `logout()`'s REST call. Default 15000. */
  requestTimeoutMs?: number;
  /** Events loaded into a room's timeline when the client first learns of the room. 0: none. Default 50. */
  initialHistory?: number;
  /** Load each joined room's member list (who is online) on every (re)connect. Default true. */
  loadMembers?: boolean;
}

/**
 * - idle: not yet connected (before `connect()`).
 * - connecting: opening the socket or signing in.
 * - open: welcomed by the server; requests flow.
 * - reconnecting: the connection dropped; waiting (backoff) before the next attempt.
 * - closed: for good, after `close()` or a close code that forbids reconnecting.
 */
export type ConnectionStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StatusInfo {
  /** Attempts made since the last successful connection. */
  attempt: number;
  /** With `reconnecting`: how long until the next attempt. */
  delayMs?: number;
  /** The close code of the connection that ended, if any. */
  closeCode?: number;
  reason?: string;
  /** With `closed` after a refusal (bad credentials, session ended). */
  error?: ParleyError;
  /** With `open`, and with the end of a connection: the transport it used. */
  transport?: Transport;
}

/** A message in a room's timeline, in its current state (edits, deletion and reactions applied). */
export interface MessageItem extends Omit<MessageEvent, 'deleted' | 'reactions'> {
  deleted: boolean;
  reactions: Reactions;
}

/**
 * A notice in the timeline: someone joined, left or renamed, the room was created, or a
 * moderator acted (a role, a kick, a ban or its lifting, a time-out, new settings).
 */
export type NoticeItem = JoinEvent | LeaveEvent | RenameEvent | CreatedEvent | RoleEvent | KickEvent | BanEvent | UnbanEvent | TimeoutEvent | SettingsEvent;

/** One line of a room's timeline; edit, delete and reaction events are applied to their message rather than listed. */
export type TimelineItem = MessageItem | NoticeItem;

/**
 * A message the application sent that is not yet in the timeline.
 * queued: waiting for a connection; sending: written, waiting for the ack;
 * sent: acked (seq known), about to appear in the timeline; failed: refused by
 * the server (see `error`), kept until `retry` or `discard`.
 */
export interface PendingMessage {
  id: string;
  room: string;
  body: string;
  /** Files sent with it (uploaded already). */
  attachments?: readonly Attachment[];
  /** A reply in the thread of this root (§25); `alsoInRoom`: shown in the room too. */
  thread?: number;
  alsoInRoom?: true;
  /** A quoted reply to this message. */
  replyTo?: number;
  state: 'queued' | 'sending' | 'sent' | 'failed';
  createdAt: number;
  seq?: number;
  error?: ParleyError;
  /** queued after a refusal for a while (`slow_mode`, `rate_limited`): why, and when it goes again (about). */
  waiting?: { code: ErrorCode; until: number };
}

/** Everything a UI needs about one room. Immutable: a change produces a new object. */
export interface RoomState {
  id: string;
  name: string;
  kind: RoomKind;
  joined: boolean;
  /** For a DM, the other person. */
  peer?: UserSummary;
  /** Ascending by seq, contiguous from the oldest loaded event to `syncedSeq`. */
  timeline: readonly TimelineItem[];
  /** Whether older events exist before the first timeline item (see `loadOlder`). */
  hasOlder: boolean;
  /** The newest seq applied: every event up to it has been seen, once, in order. */
  syncedSeq: number;
  /** Members, when loaded (empty until then); `online` follows presence. */
  members: readonly Member[];
  memberCount: number;
  online: number;
  /** Who is typing now (never the current user); entries expire after TYPING.expireMs. */
  typing: readonly UserRef[];
  /** Messages by others after the read marker that are not deleted. */
  unread: number;
  /** The current user's read marker. */
  readSeq: number;
  /** Messages the application sent to this room that are not in the timeline yet, in send order. */
  pending: readonly PendingMessage[];
  /** The current user's role, in a public or private room they are a member of. */
  role?: Role;
  /** The room's settings that differ from the defaults (`{}` when none do). */
  settings: RoomSettings;
  /** The current user is timed out here until then (ms since the epoch). */
  timedOutUntil?: number;
}

/** The whole client state, for `useSyncExternalStore` and the like. Immutable; replaced on change. */
export interface ClientSnapshot {
  status: ConnectionStatus;
  user: UserSummary | null;
  /** Joined rooms and listed public rooms, in the order the server first listed them. */
  rooms: readonly RoomState[];
  /** Every pending message, in send order. */
  outbox: readonly PendingMessage[];
  limits: Limits;
  /** The user is a server admin (ADMIN_USERS): the admin API is theirs. */
  admin: boolean;
  /** The people the user blocks (hide their messages and DMs). */
  blocked: readonly UserSummary[];
  /**
   * Open reports of the rooms the user moderates: those received live since the client started,
   * and those a `reports(room)` call read; resolved ones (by anyone) leave. Oldest first, at most 100.
   */
  reports: readonly Report[];
  /** The threads the user follows (§25), unread first, then by newest reply; refreshed at every (re)connect. */
  threads: readonly ThreadView[];
}

/** A thread the user follows: their state, with its root message when the server listed it. */
export type ThreadView = ThreadState & { message?: MessageEvent };

/** How a message is sent: its id, files, and where it goes (a thread, a quoted reply). */
export interface SendOptions {
  id?: string;
  attachments?: readonly Attachment[];
  /** A reply in the thread of this message (a reply's seq: its thread). */
  thread?: number;
  /** With `thread`: also show the reply in the room. */
  alsoInRoom?: boolean;
  /** A quoted reply in the main timeline to this message. */
  replyTo?: number;
}

/** What a successful `send` resolves with. */
export interface SendResult {
  id: string;
  room: string;
  seq: number;
  ts: number;
  /** The server had already stored this id (a retry after a lost ack). */
  duplicate: boolean;
}

/** Listener arguments by event name. */
export interface ParleyClientEvents {
  status: [status: ConnectionStatus, info: StatusInfo];
  /** Every welcome (first connection and each reconnection). */
  welcome: [welcome: WelcomeFrame];
  /** The rooms were resumed after a reconnect; paged rooms were too far behind and caught up through history. */
  resumed: [results: readonly ResumeResult[]];
  /** A log event: exactly once per room and in seq order, whether live, replayed or gap-filled. */
  event: [event: RoomEvent];
  /** Older events were loaded into a room's timeline (first page or `loadOlder`); they are not repeated as `event`. */
  history: [room: string, events: readonly RoomEvent[]];
  typing: [room: string, users: readonly UserRef[]];
  presence: [presence: PresenceFrame];
  /** A room was added to the list or its summary changed. */
  room: [room: RoomState];
  /** The current user is no longer a member of the room. */
  roomLeft: [room: string];
  /** The current user's profile (set at welcome, changed by rename). */
  user: [user: UserSummary];
  /** A message of a room the user moderates was reported, or a report was resolved (`report.resolved`). */
  report: [report: Report];
  /** The people the user blocks changed (from any of their clients). */
  blocks: [users: readonly UserSummary[]];
  /** The user's view of a thread changed (a newer version arrived). */
  thread: [thread: ThreadState];
  outbox: [pending: readonly PendingMessage[]];
  /** A background failure (a history fill, a members load); the client carries on. */
  error: [error: Error];
  /** Something in the snapshot changed (batched: at most once per microtask). */
  change: [];
}

export type ParleyClientListener<K extends keyof ParleyClientEvents> = (...args: ParleyClientEvents[K]) => void;

/**
 * Options of a search (`ParleyClient.search`): `room`, `author` (a user id), `since` and `until`
 * (epoch ms, until exclusive) narrow it; `before`: the `next` of the page before.
 */
export interface SearchOptions {
  room?: string;
  author?: string;
  since?: number;
  until?: number;
  before?: number;
  limit?: number;
}

/** Options of a history request. `before` and `after` exclude each other; neither means the newest page. */
export interface HistoryQuery {
  before?: number;
  after?: number;
  limit?: number;
}
