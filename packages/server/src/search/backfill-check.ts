/**
 * What the search migration must do to a database made before it, on either store: index the
 * live messages already there (oldest first), and not the deleted ones. The caller fills a
 * database at the version before search with BACKFILL_FIXTURE_SQL, then opens the store on it.
 */
import assert from 'node:assert/strict';
import type { Store } from '../store/store.js';
import { parseQuery } from './tokenize.js';

export const BACKFILL_FIXTURE_SQL = `
  INSERT INTO users (id, username, name, kind, created_at) VALUES ('u-a', 'a', 'A', 'guest', 0);
  INSERT INTO rooms (id, name, name_key, kind, created_at, last_seq) VALUES ('lobby', 'lobby', 'lobby', 'public', 0, 5);
  INSERT INTO members (room_id, user_id, role, read_seq, joined_at) VALUES ('lobby', 'u-a', 'member', 1, 0);
  INSERT INTO events (room_id, seq, ts, kind, user_id, user_name, client_id, body, deleted) VALUES
    ('lobby', 1, 10, 'join', 'u-a', 'A', NULL, NULL, 0),
    ('lobby', 2, 20, 'message', 'u-a', 'A', 'c-1', '정보검색 first', 0),
    ('lobby', 3, 30, 'message', 'u-a', 'A', 'c-2', '', 1),
    ('lobby', 4, 40, 'message', 'u-a', 'A', 'c-3', '검색어 second', 0),
    ('lobby', 5, 50, 'edit', 'u-a', 'A', NULL, '검색 edit event', 0);
`;

export async function checkBackfill(store: Store): Promise<void> {
  const found = async (text: string) =>
    (await store.searchMessages({ userId: 'u-a', clauses: parseQuery(text), limit: 10 })).hits.map((hit) => hit.event.seq);
  assert.deepEqual(await found('검색'), [4, 2], 'live messages, newest first; not the edit event');
  assert.deepEqual(await found('first'), [2]);
  // Messages after the migration are indexed after (newer than) the backfilled ones.
  await store.appendMessage({ room: 'lobby', user: { id: 'u-a', name: 'A' }, clientId: 'client-new-1', body: '검색 third' });
  assert.deepEqual(await found('검색'), [6, 4, 2]);
}
