/** New storage keys and file ids: 128 random bits as 22 characters of base64url. */
import { randomBytes } from 'node:crypto';

export function randomKey(): string {
  return randomBytes(16).toString('base64url');
}
