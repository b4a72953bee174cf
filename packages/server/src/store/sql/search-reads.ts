/**
 * What both stores make of the rows their search query found (../../search/): the messages in
 * their current state, with their reactions read in one query, and the cursor of the next page.
 */
import type { Kysely } from 'kysely';
import type { MessageEvent } from '@parley/protocol';
import type { SearchPage } from '../store.js';
import { groupReactions, toRoomEvent } from './rows.js';
import type { Database, EventRow } from './schema.js';

/** A message a search found: its event row, its index id (the order of results) and its room's name. */
export type SearchHitRow = EventRow & { doc_id: number; room_name: string };

/** `rows`: at most limit + 1, newest first; the one past `limit` only tells that there is a next page. */
export async function searchPage(db: Kysely<Database>, rows: SearchHitRow[], limit: number): Promise<SearchPage> {
  const page = rows.slice(0, limit);
  const reactions =
    page.length === 0
      ? []
      : await db
          .selectFrom('reactions')
          .select(['room_id', 'target', 'user_id', 'emoji'])
          .where((eb) => eb(eb.refTuple('room_id', 'target'), 'in', page.map((row) => eb.tuple(row.room_id, row.seq))))
          .orderBy('seq')
          .execute();
  const byRoom = new Map<string, typeof reactions>();
  for (const reaction of reactions) {
    const list = byRoom.get(reaction.room_id);
    if (list) list.push(reaction);
    else byRoom.set(reaction.room_id, [reaction]);
  }
  const hits = page.map((row) => ({
    roomName: row.room_name,
    event: toRoomEvent(row, groupReactions(byRoom.get(row.room_id) ?? []).get(row.seq)) as MessageEvent,
  }));
  return { hits, next: rows.length > limit ? Number(page.at(-1)!.doc_id) : null };
}
