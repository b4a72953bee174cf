import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/** Server-made ids: UUIDv7, so they sort by creation time. */
export function newId(): string {
  return uuidv7();
}

/** The id of the DM room between two users: the same whoever opens it. */
export function dmRoomId(a: string, b: string): string {
  return a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
}

/** A username for a guest, from their display name plus a random suffix. */
export function guestUsername(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 20);
  return `${slug || 'guest'}-${randomBytes(3).toString('hex')}`;
}
