import { createHash, randomBytes } from 'node:crypto';
import { BOT_TOKEN_PREFIX } from '@parley/protocol';

/** A new session token: 256 random bits, base64url. Only its hash is stored. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Session tokens are 43 base64url characters; anything with dots is taken for a JWT. */
export function looksLikeJwt(token: string): boolean {
  return token.split('.').length === 3;
}

/** A new bot token: the prefix and 256 random bits, base64url. Only its hash is stored. */
export function newBotToken(): string {
  return BOT_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}
