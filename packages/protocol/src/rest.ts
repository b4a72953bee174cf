/** Bodies of the REST API (`/api/...`), validated by the server. */
import { z } from 'zod';
import { displayName, isStorableText, isWellFormed, username } from './client-frames.js';
import type { AuditEntry, RoomKind, UserSummary } from './model.js';
import type { RoomSettings } from './roles.js';
import { MODERATION_LIMITS } from './roles.js';

/** A lone surrogate would be hashed as U+FFFD: two different passwords would match each other. */
const LONE_SURROGATES = 'lone surrogates (\\ud800–\\udfff) are not allowed';
const password = z.string().min(8, 'passwords are at least 8 characters').max(256).refine(isWellFormed, LONE_SURROGATES);

export const registerBody = z.strictObject({ username, password, name: displayName.optional() });
export const loginBody = z.strictObject({
  username: z.string().min(1).max(64).refine(isStorableText, 'NUL characters and lone surrogates are not allowed'),
  password: z.string().min(1).max(256).refine(isWellFormed, LONE_SURROGATES),
});
export const guestBody = z.strictObject({ name: displayName });
/** A guest keeps their identity (id, rooms, DMs) as an account: a password, and a username (theirs kept when none is given). */
export const claimBody = z.strictObject({ username: username.optional(), password });

export type RegisterBody = z.infer<typeof registerBody>;
export type LoginBody = z.infer<typeof loginBody>;
export type GuestBody = z.infer<typeof guestBody>;
export type ClaimBody = z.infer<typeof claimBody>;

/**
 * Answer to register, login and guest. The session cookie is set as well;
 * `token` is the same session for clients that are not browsers (send it as
 * `Authorization: Bearer <token>` at the WebSocket handshake or in an `auth` frame).
 */
export interface SessionResponse {
  user: UserSummary;
  token: string;
  expiresAt: number;
}

/**
 * Answer of `GET /api/session` (always 200): who the session (Bearer token or
 * cookie) signs in, or null when there is none or it is no longer valid.
 */
export interface SessionCheck {
  user: UserSummary | null;
}

/** Name of the HttpOnly session cookie. */
export const SESSION_COOKIE = 'parley_session';
/** Path of the WebSocket endpoint. */
export const WS_PATH = '/ws';

// The admin API (/api/admin/*), for server admins (ADMIN_USERS) only.

const adminReason = z
  .string()
  .transform((s) => s.trim())
  .pipe(z.string().min(1).max(MODERATION_LIMITS.reasonMax).refine(isStorableText, 'NUL characters and lone surrogates are not allowed'));

/** `GET /api/admin/users?q=&limit=`: `q` matches usernames and display names (any part, any case). */
export const adminUsersQuery = z.strictObject({
  q: z.string().max(64).refine(isStorableText, 'NUL characters and lone surrogates are not allowed').optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
/** `GET /api/admin/rooms?q=&limit=`. */
export const adminRoomsQuery = adminUsersQuery;
/** `GET /api/admin/audit?room=&before=&limit=`: newest first; `room` narrows it to one room's entries. */
export const adminAuditQuery = z.strictObject({
  room: z.string().min(1).max(128).refine(isStorableText, 'NUL characters and lone surrogates are not allowed').optional(),
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(MODERATION_LIMITS.auditPageMax).optional(),
});
export const disableUserBody = z.strictObject({ disabled: z.boolean(), reason: adminReason.optional() });
export const archiveRoomBody = z.strictObject({ archived: z.boolean(), reason: adminReason.optional() });
/** The optional body of `POST …/sign-out` and of the DELETE routes. */
export const adminReasonBody = z.strictObject({ reason: adminReason.optional() });

/** A user as the admin view lists them. */
export interface AdminUser extends UserSummary {
  createdAt: number;
  disabled: boolean;
  /** Named in ADMIN_USERS. */
  admin: boolean;
  /** Has an open connection (on any node). */
  online: boolean;
}

/** A public or private room as the admin view lists them (direct messages are not listed). */
export interface AdminRoom {
  id: string;
  name: string;
  kind: Exclude<RoomKind, 'dm'>;
  members: number;
  online: number;
  latestSeq: number;
  createdAt: number;
  settings?: RoomSettings;
}

/**
 * Live figures of the node that answers (in a cluster, each node counts its own
 * connections, messages and deliveries; the store is shared).
 */
export interface AdminStats {
  /** Open authenticated WebSocket connections. */
  connections: number;
  /** Messages stored through this node per second, over the last 10 s. */
  messagesPerSecond: number;
  /** Size of the store: the SQLite files, or the PostgreSQL database. */
  storeBytes: number;
  /**
   * From an event's time (taken in its write) to its arrival at this node for
   * fan-out, over the last minute: the commit plus the bus. null: no event yet.
   */
  deliveryLatencyMs: { p50: number; p99: number; count: number } | null;
  users: number;
  rooms: number;
  uptimeSeconds: number;
}

export interface AdminUsersResponse {
  users: AdminUser[];
}
export interface AdminRoomsResponse {
  rooms: AdminRoom[];
}
export interface AdminAuditResponse {
  entries: AuditEntry[];
  hasMore: boolean;
}

// Incoming webhooks (§29.2): POST /api/hooks/<id>/<secret>.

const hookText = z.string().min(1).refine(isStorableText, 'NUL characters and lone surrogates are not allowed').refine((s) => s.trim().length > 0, 'the message is empty');
/**
 * The body of a POST to an incoming webhook: Slack's `{"text": …}` or Parley's `{"body": …}`
 * (one of them). Other fields (Slack's `username`, `blocks` …) are accepted and ignored.
 */
export const incomingWebhookBody = z
  .looseObject({ text: hookText.optional(), body: hookText.optional() })
  .refine((b) => (b.text === undefined) !== (b.body === undefined), 'give text or body');

/** The answer of a POST to an incoming webhook: the message it stored. */
export interface IncomingWebhookResponse {
  room: string;
  seq: number;
  /** true when this `webhook-id` was already posted (a retried request). */
  duplicate: boolean;
}
