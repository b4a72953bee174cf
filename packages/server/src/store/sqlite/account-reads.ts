/** Reads of accounts and sessions. */
import type { Kysely } from 'kysely';
import type { StoredSession, StoredUser } from '../store.js';
import { toStoredUser } from './rows.js';
import type { Database, UsersTable } from './schema.js';

export async function findUserBy(
  db: Kysely<Database>,
  column: keyof Pick<UsersTable, 'id' | 'username' | 'external_id'>,
  value: string,
): Promise<StoredUser | null> {
  const row = await db.selectFrom('users').selectAll().where(column, '=', value).executeTakeFirst();
  return row ? toStoredUser(row) : null;
}

export async function findSession(db: Kysely<Database>, tokenHash: string): Promise<StoredSession | null> {
  const row = await db
    .selectFrom('sessions')
    .select(['user_id', 'expires_at', 'revoked'])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row ? { userId: row.user_id, expiresAt: row.expires_at, revoked: row.revoked === 1 } : null;
}
