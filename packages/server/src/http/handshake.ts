/** Reading credentials and checking the Origin of an HTTP request (the WebSocket upgrade and REST alike). */
import type { IncomingMessage } from 'node:http';
import { SESSION_COOKIE } from '@parley/protocol';

/**
 * The session token or JWT a request carries: `Authorization: Bearer …` first,
 * then the session cookie. Never the URL: tokens in URLs end up in logs.
 */
export function credentialsOf(headers: IncomingMessage['headers']): string | null {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S{1,4096})$/i.exec(authorization.trim());
    if (match) return match[1]!;
  }
  return cookieValue(headers.cookie, SESSION_COOKIE);
}

export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value.length > 0 && value.length <= 4096 ? value : null;
    }
  }
  return null;
}

/**
 * A browser's Origin must be the server's own (scheme://Host) or on the
 * allow-list. Requests without Origin come from non-browser clients, which
 * cannot ride on a victim's cookies; they still have to authenticate.
 * `secure`: the request came over TLS (http/forwarded.ts), so https://Host is its own origin.
 */
export function originAllowed(headers: IncomingMessage['headers'], allowed: readonly string[], secure: boolean): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  const normalized = origin.replace(/\/$/, '').toLowerCase();
  const host = headers.host?.toLowerCase();
  if (host && (normalized === `http://${host}` || (secure && normalized === `https://${host}`))) return true;
  return allowed.some((entry) => entry.toLowerCase() === normalized);
}
