/**
 * The HTTP fallback transport's two routes (protocol.md §30): `GET
 * /fallback/stream` opens a stream, `POST /fallback/frames` carries client
 * frames to one. Both check the Origin and the credentials (Bearer or the
 * session cookie) as the WebSocket upgrade does; the rest is the gateway's
 * (gateway/fallback-gateway.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FALLBACK_FRAMES_PATH, FALLBACK_POST_MAX_FRAMES, FALLBACK_STREAM_PATH, ParleyError, fallbackPost, type FallbackAccepted } from '@parley/protocol';
import type { Accounts, Identity } from '../auth/accounts.js';
import type { FallbackGateway } from '../gateway/fallback-gateway.js';
import type { AddressCap } from './address-cap.js';
import { cameOverTls, clientAddress } from './forwarded.js';
import { credentialsOf, originAllowed } from './handshake.js';

export interface FallbackRouteOptions {
  gateway: FallbackGateway;
  accounts: Accounts;
  allowedOrigins: readonly string[];
  trustProxy: boolean;
  /** With TRUST_PROXY on, streams count against MAX_CONNECTIONS_PER_ADDRESS by client, as WebSockets do. */
  addressCap: AddressCap;
  maxFrameBytes: number;
  onRefused: () => void;
}

export function fallbackRoutes(app: FastifyInstance, options: FallbackRouteOptions): void {
  const { gateway, accounts } = options;

  /** Who the request is, after the Origin check: as the WebSocket upgrade's refusals (protocol.md §4.3). */
  async function identify(request: FastifyRequest): Promise<Identity> {
    if (gateway.closing) throw new ParleyError('unavailable', 'The server is restarting; connect again shortly.');
    if (!originAllowed(request.headers, options.allowedOrigins, cameOverTls(request.raw, options.trustProxy))) {
      throw new ParleyError('forbidden', 'Connections from this origin are not allowed (ALLOWED_ORIGINS).');
    }
    const token = credentialsOf(request.headers);
    const identity = token === null ? null : await accounts.resolve(token);
    if (!identity) throw new ParleyError('invalid_credentials', 'Unknown, expired or revoked session, or an invalid token: sign in again.');
    return identity;
  }

  app.get(FALLBACK_STREAM_PATH, async (request, reply) => {
    const identity = await identify(request);
    const cap = options.addressCap;
    const client = options.trustProxy && cap.max > 0 ? clientAddress(request.raw, true) : null;
    if (client !== null && !cap.tryOpen(client)) {
      options.onRefused();
      throw new ParleyError('unavailable', 'Too many connections from your address.');
    }
    // The stream is written on the raw response: the headers Fastify's hooks set on the reply (CORS
    // for a page on an allowed origin, cors.ts) go on it first, or the page could not read it.
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
    reply.hijack();
    await gateway.open(reply.raw, identity, () => {
      if (client !== null) cap.closed(client);
    });
  });

  app.post(FALLBACK_FRAMES_PATH, { bodyLimit: options.maxFrameBytes * FALLBACK_POST_MAX_FRAMES }, async (request, reply) => {
    const identity = await identify(request);
    const body = fallbackPost.parse(request.body);
    let frames: string[];
    try {
      frames = body.frames.map((frame) => JSON.stringify(frame));
    } catch {
      // JSON.stringify recurses: a body nested deeper than the stack is refused whole.
      throw new ParleyError('invalid_frame', 'A frame is nested too deeply.');
    }
    const receipt = await gateway.post(body.stream, { user: identity.user.id, frames });
    if (receipt === null) throw new ParleyError('unavailable', 'The stream could not be reached; reconnect.');
    if (receipt.status === 'not_found') throw new ParleyError('not_found', 'No such stream: it ended; reconnect.');
    if (receipt.status === 'forbidden') throw new ParleyError('forbidden', 'This stream belongs to another user.');
    const answer: FallbackAccepted = { accepted: receipt.accepted };
    return reply.code(202).send(answer);
  });
}
