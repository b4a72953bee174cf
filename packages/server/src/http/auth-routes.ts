/** /api/auth/*, /api/session and /api/me. Sessions travel as an HttpOnly cookie for browsers and as a token in the body for other clients. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ParleyError, SESSION_COOKIE, claimBody, guestBody, loginBody, registerBody, type SessionCheck, type SessionResponse, type UserSummary } from '@parley/protocol';
import '@fastify/cookie';
import type { Accounts, IssuedSession } from '../auth/accounts.js';
import { toSummary } from '../auth/accounts.js';
import { credentialsOf } from './handshake.js';
import { cameOverTls, clientAddress } from './forwarded.js';

export interface AuthRoutesOptions {
  accounts: Accounts;
  /** TRUST_PROXY: believe the proxy's X-Forwarded-For / -Proto (http/forwarded.ts). */
  trustProxy: boolean;
  /** Closes the open sockets of a revoked session. */
  endSession: (userId: string, sessionHash: string) => void;
  /** A guest logged out: the identity is gone (guest lifecycle, protocol §27). */
  guestLeft: (user: UserSummary) => Promise<void>;
  /** A guest claimed their identity: the user's connections hear of their new username and kind. */
  claimed: (user: UserSummary) => void;
}

function respond(request: FastifyRequest, reply: FastifyReply, issued: IssuedSession, trustProxy: boolean): SessionResponse {
  void reply.setCookie(SESSION_COOKIE, issued.token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: cameOverTls(request.raw, trustProxy),
    expires: new Date(issued.expiresAt),
  });
  return { user: toSummary(issued.user), token: issued.token, expiresAt: issued.expiresAt };
}

export function authRoutes(app: FastifyInstance, { accounts, trustProxy, endSession, guestLeft, claimed }: AuthRoutesOptions): void {
  app.post('/api/auth/register', async (request, reply) => {
    const body = registerBody.parse(request.body);
    const issued = await accounts.register(body, clientAddress(request.raw, trustProxy));
    void reply.status(201);
    return respond(request, reply, issued, trustProxy);
  });

  app.post('/api/auth/login', async (request, reply) => {
    const body = loginBody.parse(request.body);
    return respond(request, reply, await accounts.login(body, clientAddress(request.raw, trustProxy)), trustProxy);
  });

  app.post('/api/auth/guest', async (request, reply) => {
    const body = guestBody.parse(request.body);
    const issued = await accounts.guest(body.name, clientAddress(request.raw, trustProxy));
    void reply.status(201);
    return respond(request, reply, issued, trustProxy);
  });

  app.post('/api/auth/logout', async (request, reply) => {
    const token = credentialsOf(request.headers);
    if (token) {
      const identity = await accounts.resolve(token);
      const sessionHash = await accounts.logout(token);
      if (identity && sessionHash) endSession(identity.user.id, sessionHash);
      // A guest has no way back once their one session ends: the identity goes at once.
      if (identity && sessionHash && identity.user.kind === 'guest') await guestLeft(toSummary(identity.user));
    }
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.post('/api/auth/claim', async (request, reply) => {
    const body = claimBody.parse(request.body);
    const token = credentialsOf(request.headers);
    const identity = token ? await accounts.resolve(token) : null;
    if (!identity) throw new ParleyError('unauthenticated', 'Not signed in.');
    const issued = await accounts.claim(identity, body, clientAddress(request.raw, trustProxy));
    claimed(toSummary(issued.user));
    return respond(request, reply, issued, trustProxy);
  });

  const signedIn = async (request: FastifyRequest) => {
    const token = credentialsOf(request.headers);
    const identity = token ? await accounts.resolve(token) : null;
    return identity ? toSummary(identity.user) : null;
  };

  // The check a page makes on every load: a visitor who is not signed in yet is an answer, not a
  // failure (a 401 here is a red error in every first visitor's browser console).
  app.get('/api/session', async (request): Promise<SessionCheck> => ({ user: await signedIn(request) }));

  app.get('/api/me', async (request) => {
    const user = await signedIn(request);
    if (!user) throw new ParleyError('unauthenticated', 'Not signed in.');
    return { user };
  });
}
