/**
 * The REST calls the SDK makes: signing in (register, login, guest), asking
 * who the session belongs to, and signing out. Browsers send and receive the
 * session cookie (`credentials: 'include'`); other clients use the returned token.
 */
import { ParleyError, isErrorCode, type ErrorBody, type SessionCheck, type SessionResponse, type UserSummary } from '@parley/protocol';
import type { Credentials } from './types.js';

export interface RestOptions {
  /** Base URL such as `http://localhost:8000`; '' for the page's own origin. */
  baseUrl: string;
  fetch?: typeof fetch;
  /** Sent as `Authorization: Bearer`; browsers may rely on the cookie instead. */
  token?: string | null;
  /** A call with no whole answer by then fails with `unavailable` (retryable). Default 15 s. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;

/** One REST call: JSON in and out, the server's error body as a ParleyError; also for admin-api.ts. */
export async function call<T>(options: RestOptions, method: string, path: string, body?: unknown): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    return await fetchJson<T>(options, timeoutMs, method, path, body);
  } catch (error) {
    // A server or proxy that accepts the connection and never answers would otherwise hold the caller forever.
    if ((error as { name?: unknown } | null)?.name === 'TimeoutError') {
      throw new ParleyError('unavailable', `The server did not answer ${method} ${path} within ${timeoutMs} ms.`);
    }
    throw error;
  }
}

async function fetchJson<T>(options: RestOptions, timeoutMs: number, method: string, path: string, body?: unknown): Promise<T> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await doFetch(`${options.baseUrl}${path}`, {
    method,
    headers,
    credentials: 'include',
    signal: AbortSignal.timeout(timeoutMs),
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (response.status === 204) return undefined as T;
  // The timeout's signal also bounds reading the body.
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (a proxy's error page): described by the status below.
  }
  if (!response.ok) throw errorFrom(response.status, parsed);
  return parsed as T;
}

/** The ParleyError of a failed call: the body's code when it has one, else one the status suggests. */
export function errorFrom(status: number, parsed: unknown): ParleyError {
  const body = (parsed as { error?: Partial<ErrorBody> } | null)?.error;
  if (body && isErrorCode(body.code)) return ParleyError.fromBody(body as ErrorBody);
  if (status === 401) return new ParleyError('unauthenticated');
  if (status === 429) return new ParleyError('rate_limited');
  if (status >= 500) return new ParleyError('unavailable', `The server answered HTTP ${status}.`);
  return new ParleyError('internal', `Unexpected HTTP ${status} from the server.`);
}

export function register(options: RestOptions, body: { username: string; password: string; name?: string }): Promise<SessionResponse> {
  return call(options, 'POST', '/api/auth/register', body);
}

export function login(options: RestOptions, body: { username: string; password: string }): Promise<SessionResponse> {
  return call(options, 'POST', '/api/auth/login', body);
}

export function guest(options: RestOptions, body: { name: string }): Promise<SessionResponse> {
  return call(options, 'POST', '/api/auth/guest', body);
}

/** A guest keeps their identity (id, rooms, DMs) as an account (protocol §27): a new session of an account. */
export function claim(options: RestOptions, body: { username?: string; password: string }): Promise<SessionResponse> {
  return call(options, 'POST', '/api/auth/claim', body);
}

export function logout(options: RestOptions): Promise<void> {
  return call(options, 'POST', '/api/auth/logout');
}

/**
 * The signed-in user, or null when the session (cookie or token) is missing or no longer valid.
 * Asks `/api/session`, which answers 200 either way: a browser logs every 401 as an error, and a
 * visitor who has not signed in yet is not one.
 */
export async function me(options: RestOptions): Promise<UserSummary | null> {
  return (await call<SessionCheck>(options, 'GET', '/api/session')).user;
}

/** Signs in with credentials that need the REST API; null for `token` and `session`, which are used as they are. */
export async function signIn(options: RestOptions, credentials: Credentials): Promise<SessionResponse | null> {
  switch (credentials.kind) {
    case 'password':
      return login(options, { username: credentials.username, password: credentials.password });
    case 'register':
      return register(options, {
        username: credentials.username,
        password: credentials.password,
        ...(credentials.name !== undefined ? { name: credentials.name } : {}),
      });
    case 'guest':
      return guest(options, { name: credentials.name });
    default:
      return null;
  }
}
