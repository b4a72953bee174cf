/** Who a REST request comes from, for the routes that need someone signed in. */
import type { FastifyRequest } from 'fastify';
import { ParleyError } from '@parley/protocol';
import type { Accounts, Identity } from '../auth/accounts.js';
import { credentialsOf, originAllowed } from './handshake.js';
import { cameOverTls } from './forwarded.js';

export interface RestIdentityOptions {
  accounts: Accounts;
  allowedOrigins: readonly string[];
  trustProxy: boolean;
}

/**
 * The signed-in caller (session cookie, or `Authorization: Bearer` with a session token, a JWT
 * or a bot token), or `unauthenticated`. A request that may change something and carries an
 * Origin must come from the server's own or an allowed one (ALLOWED_ORIGINS): a page elsewhere
 * cannot ride on a user's cookie. `person`: bots are refused (`forbidden`).
 */
export async function signedIn(request: FastifyRequest, options: RestIdentityOptions, who: 'user' | 'person' = 'user'): Promise<Identity> {
  if (request.method !== 'GET' && !originAllowed(request.headers, options.allowedOrigins, cameOverTls(request.raw, options.trustProxy))) {
    throw new ParleyError('forbidden', 'Requests from this origin are not allowed (ALLOWED_ORIGINS).');
  }
  const token = credentialsOf(request.headers);
  const identity = token ? await options.accounts.resolve(token) : null;
  if (!identity) throw new ParleyError('unauthenticated', 'Not signed in.');
  if (who === 'person' && identity.user.kind === 'bot') throw new ParleyError('forbidden', 'Bots may not do that.');
  return identity;
}
