/**
 * Headers that keep the web app's pages safe even if some text slipped
 * through as markup: a strict Content-Security-Policy (no inline scripts),
 * no framing, no MIME sniffing.
 */
import type { FastifyInstance } from 'fastify';

/** The WebSocket scheme of a page origin: a page at https://x reaches x's sockets at wss://x. */
const socketOrigin = (origin: string): string => origin.replace(/^http/, 'ws');

/**
 * The policy for a server whose pages may reach `allowedOrigins` (ALLOWED_ORIGINS, checked
 * to be bare origins by config.ts) besides their own: 'self' covers the page's own origin,
 * its ws: and wss: included (CSP Level 3, as Chromium and Firefox implement it); each allowed
 * origin is listed with its WebSocket form. Any other host is refused, so that script which
 * slipped into a page cannot open a socket to wherever it likes.
 */
export function contentSecurityPolicy(allowedOrigins: readonly string[]): string {
  const connect = ["'self'", ...allowedOrigins.flatMap((origin) => [origin, socketOrigin(origin)])];
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src ${connect.join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

export function securityHeaders(app: FastifyInstance, allowedOrigins: readonly string[]): void {
  const csp = contentSecurityPolicy(allowedOrigins);
  app.addHook('onSend', async (_request, reply, payload) => {
    // A response that brings its own policy keeps it: files are served sandboxed (file-routes.ts).
    if (!reply.hasHeader('content-security-policy')) void reply.header('content-security-policy', csp);
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('x-frame-options', 'DENY');
    void reply.header('referrer-policy', 'no-referrer');
    return payload;
  });
}
