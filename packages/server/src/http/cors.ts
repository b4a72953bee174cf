/**
 * CORS for the REST API: pages on the origins of ALLOWED_ORIGINS — the same
 * allow-list as the WebSocket handshake's (handshake.ts) — may call it from the
 * browser, with credentials (the session cookie) or a Bearer token; preflights
 * are answered. Any other origin gets no CORS header at all, so its browser
 * keeps the answer from it; with ALLOWED_ORIGINS empty, nothing is opened.
 * (A request that changes something is refused on its Origin anyway, whatever
 * CORS says: rest-identity.ts.)
 */
import type { FastifyInstance } from 'fastify';
import fastifyCors from '@fastify/cors';

/** How long a browser may keep a preflight's answer, in seconds. */
const PREFLIGHT_MAX_AGE_S = 600;

export async function cors(app: FastifyInstance, allowedOrigins: readonly string[]): Promise<void> {
  const allowed = new Set(allowedOrigins.map((origin) => origin.toLowerCase()));
  await app.register(fastifyCors, {
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin.replace(/\/$/, '').toLowerCase())),
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    exposedHeaders: ['Retry-After'],
    maxAge: PREFLIGHT_MAX_AGE_S,
  });
}
