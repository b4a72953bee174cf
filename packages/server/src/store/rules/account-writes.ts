/** The rules of writes to accounts and sessions; like the log writes (log-writes.ts), every refusal comes before the first change. */
import { ParleyError } from '@parley/protocol';
import type { NewUser, StoredUser, TokenRevocation } from '../store.js';
import { toStoredUser } from '../sql/rows.js';
import type { UserRow } from '../sql/schema.js';
import type { WriteTx } from './write-tx.js';

export async function createUser(tx: WriteTx, user: NewUser): Promise<StoredUser> {
  const username = user.username.toLowerCase();
  if (await tx.usernameExists(username)) throw new ParleyError('name_taken', 'That username is taken.');
  const row: UserRow = {
    id: user.id,
    username,
    name: user.name,
    kind: user.kind,
    password_hash: user.passwordHash ?? null,
    external_id: user.externalId ?? null,
    created_at: Date.now(),
    disabled: 0,
  };
  await tx.insertUser(row);
  return toStoredUser(row);
}

export async function createSession(tx: WriteTx, tokenHash: string, userId: string, expiresAt: number): Promise<void> {
  await tx.insertSession({ token_hash: tokenHash, user_id: userId, expires_at: expiresAt });
}

export async function revokeSession(tx: WriteTx, tokenHash: string): Promise<void> {
  await tx.revokeSession(tokenHash);
}

export async function revokeTokens(tx: WriteTx, revocation: TokenRevocation): Promise<void> {
  const createdAt = Date.now();
  await tx.putTokenRevocation(
    'jti' in revocation
      ? { key: `jti:${revocation.jti}`, jti: revocation.jti, subject: null, not_before: null, created_at: createdAt }
      : { key: `sub:${revocation.subject}`, jti: null, subject: revocation.subject, not_before: revocation.notBefore, created_at: createdAt },
  );
}

/**
 * A guest becomes an account and keeps their id, rooms, DMs and sessions: a password, and a new
 * username or the one they have. Only a guest can be claimed.
 */
export async function claimGuest(tx: WriteTx, input: { user: string; username?: string | undefined; passwordHash: string }): Promise<StoredUser> {
  const row = await tx.userById(input.user);
  if (!row) throw new ParleyError('not_found', 'No such user.');
  if (row.kind !== 'guest') throw new ParleyError('forbidden', 'Only a guest can claim their identity.');
  const username = (input.username ?? row.username).toLowerCase();
  if (username !== row.username && (await tx.usernameExists(username))) throw new ParleyError('name_taken', 'That username is taken.');
  await tx.claimUser(row.id, username, input.passwordHash);
  return toStoredUser({ ...row, username, kind: 'account', password_hash: input.passwordHash });
}
