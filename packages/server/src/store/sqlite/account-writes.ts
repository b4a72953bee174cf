/** Writes to accounts and sessions; they run inside group-commit savepoints like the log writes. */
import { ParleyError } from '@parley/protocol';
import type { NewUser, StoredUser } from '../store.js';
import { toStoredUser } from './rows.js';
import type { UserRow } from './schema.js';
import type { Statements } from './statements.js';

export function createUser(s: Statements, user: NewUser): StoredUser {
  const username = user.username.toLowerCase();
  if (s.usernameExists.get(username) !== undefined) throw new ParleyError('name_taken', 'That username is taken.');
  const row: UserRow = {
    id: user.id,
    username,
    name: user.name,
    kind: user.kind,
    password_hash: user.passwordHash ?? null,
    external_id: user.externalId ?? null,
    created_at: Date.now(),
  };
  s.insertUser.run(row);
  return toStoredUser(row);
}

export function createSession(s: Statements, tokenHash: string, userId: string, expiresAt: number): void {
  s.insertSession.run({ token_hash: tokenHash, user_id: userId, expires_at: expiresAt });
}

export function revokeSession(s: Statements, tokenHash: string): void {
  s.revokeSession.run(tokenHash);
}
