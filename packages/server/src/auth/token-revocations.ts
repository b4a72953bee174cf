/**
 * JWT revocation. A JWT is valid until its `exp`: the application that signs
 * it cannot take it back. Parley keeps a list (the store's token_revocations):
 * one token by its `jti`, or every token of a subject issued before a time.
 * A revoked token is refused at the handshake and in `auth` frames; the
 * connections already open with one are closed with 4401 by the sweep below,
 * on every node, within REVOCATION_SWEEP_MS.
 */
import type { TokenRevocation } from '../store/store.js';

/** What a connection that came with a JWT keeps of it. */
export interface JwtCredential {
  subject: string;
  jti: string | null;
  issuedAt: number | null;
}

export const REVOCATION_SWEEP_MS = 2000;
/**
 * Each sweep reads the revocations of the last five minutes, not only those since the last sweep:
 * they are stamped by the clock of the node that made them, which may be behind this one's.
 * Applying one again changes nothing.
 */
export const REVOCATION_LOOKBACK_MS = 5 * 60_000;

/** Whether `revocation` covers the token `jwt` (a token without `iat` counts as issued before any time). */
export function revokes(revocation: TokenRevocation, jwt: JwtCredential): boolean {
  if ('jti' in revocation) return jwt.jti === revocation.jti;
  return jwt.subject === revocation.subject && (jwt.issuedAt === null || jwt.issuedAt < revocation.notBefore);
}
