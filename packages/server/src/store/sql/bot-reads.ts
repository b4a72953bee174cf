/** Reads of bot accounts, the same in every store (the writes: ../rules/bot-writes.ts). */
import type { Kysely } from 'kysely';
import type { StoredBot, StoredUser } from '../store.js';
import type { Database } from './schema.js';
import { toStoredUser } from './rows.js';

/** The bot whose token has this hash; null when none (unknown or revoked). */
export async function botByTokenHash(db: Kysely<Database>, tokenHash: string): Promise<StoredUser | null> {
  const row = await db.selectFrom('bots as b').innerJoin('users as u', 'u.id', 'b.user_id').selectAll('u').where('b.token_hash', '=', tokenHash).executeTakeFirst();
  return row ? toStoredUser(row) : null;
}

/** Bots, oldest first: those `createdBy` made, or every one (null). */
export async function listBots(db: Kysely<Database>, createdBy: string | null, id?: string): Promise<StoredBot[]> {
  let query = db
    .selectFrom('bots as b')
    .innerJoin('users as u', 'u.id', 'b.user_id')
    .innerJoin('users as c', 'c.id', 'b.created_by')
    .selectAll('u')
    .select(['b.created_by', 'b.created_at as bot_created_at', 'b.token_hash', 'c.name as creator_name'])
    .orderBy('b.created_at')
    .orderBy('b.user_id');
  if (createdBy !== null) query = query.where('b.created_by', '=', createdBy);
  if (id !== undefined) query = query.where('b.user_id', '=', id);
  const rows = await query.execute();
  return rows.map((row) => ({
    user: toStoredUser(row),
    createdBy: { id: row.created_by, name: row.creator_name },
    createdAt: row.bot_created_at,
    active: row.token_hash !== null,
  }));
}
