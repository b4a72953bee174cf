/**
 * Verifies JWTs from an application's own identity system: HS256 with a
 * shared secret, or RS256/ES256 with a public key (PEM, SPKI). Only those
 * algorithms are accepted, so an attacker cannot choose `none` or confuse a
 * public key for an HMAC secret.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { jwtVerify, type JWTPayload } from 'jose';

export interface JwtConfig {
  secret?: string;
  publicKey?: string;
  issuer?: string;
  audience?: string;
}

export interface JwtIdentity {
  sub: string;
  name?: string;
  username?: string;
  /** The token's `exp` in epoch ms, when it has one. */
  expiresAt?: number;
  /** The token's `iat` in epoch ms, and its `jti`, when it has them: what a revocation names (token-revocations.ts). */
  issuedAt?: number;
  jti?: string;
}

export type JwtVerifier = (token: string) => Promise<JwtIdentity | null>;

export function createJwtVerifier(config: JwtConfig): JwtVerifier {
  const key: Uint8Array | KeyObject = config.secret
    ? new TextEncoder().encode(config.secret)
    : createPublicKey(config.publicKey ?? '');
  const algorithms = config.secret ? ['HS256'] : ['RS256', 'ES256'];
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms,
        ...(config.issuer ? { issuer: config.issuer } : {}),
        ...(config.audience ? { audience: config.audience } : {}),
      }));
    } catch {
      return null;
    }
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 256) return null;
    const identity: JwtIdentity = { sub: payload.sub };
    if (typeof payload.name === 'string') identity.name = payload.name;
    if (typeof payload.preferred_username === 'string') identity.username = payload.preferred_username;
    if (typeof payload.exp === 'number') identity.expiresAt = payload.exp * 1000;
    if (typeof payload.iat === 'number') identity.issuedAt = payload.iat * 1000;
    if (typeof payload.jti === 'string' && payload.jti.length > 0 && payload.jti.length <= 256) identity.jti = payload.jti;
    return identity;
  };
}
