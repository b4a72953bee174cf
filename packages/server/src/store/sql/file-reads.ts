/** Reads of file records. */
import type { Kysely } from 'kysely';
import type { StoredFile } from '../store.js';
import { toStoredFile } from './rows.js';
import type { Database } from './schema.js';

/** A file not sent yet, or sent with a message that is not deleted. */
export async function findFile(db: Kysely<Database>, id: string): Promise<StoredFile | null> {
  const row = await db
    .selectFrom('files as f')
    .leftJoin('events as e', (join) => join.onRef('e.room_id', '=', 'f.room_id').onRef('e.seq', '=', 'f.seq'))
    .selectAll('f')
    .where('f.id', '=', id)
    .where((eb) => eb.or([eb('f.seq', 'is', null), eb('e.deleted', '=', 0)]))
    .executeTakeFirst();
  return row ? toStoredFile(row) : null;
}

export async function uploadedBytesSince(db: Kysely<Database>, userId: string, since: number): Promise<number> {
  const row = await db
    .selectFrom('files')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('size'), eb.lit(0)).as('bytes'))
    .where('user_id', '=', userId)
    .where('created_at', '>=', since)
    .executeTakeFirst();
  return Number(row?.bytes ?? 0);
}
