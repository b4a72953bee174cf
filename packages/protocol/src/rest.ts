/** Bodies of the REST API (`/api/...`), validated by the server. */
import { z } from 'zod';
import { displayName, isStorableText, isWellFormed, username } from './client-frames.js';
import type { UserSummary } from './model.js';

/** A lone surrogate would be hashed as U+FFFD: two different passwords would match each other. */
const LONE_SURROGATES = 'lone surrogates (\\ud800–\\udfff) are not allowed';
const password = z.string().min(8, 'passwords are at least 8 characters').max(256).refine(isWellFormed, LONE_SURROGATES);

export const registerBody = z.strictObject({ username, password, name: displayName.optional() });
export const loginBody = z.strictObject({
  username: z.string().min(1).max(64).refine(isStorableText, 'NUL characters and lone surrogates are not allowed'),
  password: z.string().min(1).max(256).refine(isWellFormed, LONE_SURROGATES),
});
export const guestBody = z.strictObject({ name: displayName });

export type RegisterBody = z.infer<typeof registerBody>;
export type LoginBody = z.infer<typeof loginBody>;
export type GuestBody = z.infer<typeof guestBody>;

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
