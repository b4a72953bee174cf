/**
 * PostgreSQL's search: the key index on `events` (search-postgres-keys.ts) finds candidates,
 * tokenize.ts's matchesClauses decides, newest first by `events.search_id` (a number each message
 * takes when it is sent and keeps through edits: the order of results and the page cursor).
 *
 * A page is read window by window, newest first: the newest WALK_WINDOW messages are read and
 * checked as they are (a frequent word fills a page there, with no index read); then each
 * window, SPREAD times wider than the last, is read through the key index intersected with the
 * window's ids, so that a word found in a hundred thousand messages costs the few in the window,
 * not a sort of all of them. It stops when the page is full or no message is left.
 */
import type pg from 'pg';
import { matchesClauses } from './tokenize.js';
import { ANY_KEY, SEARCH_KEYS_FUNCTION_SQL, searchKeys } from './search-postgres-keys.js';
import type { SearchQuery } from '../store/store.js';
import type { SearchHitRow } from '../store/sql/search-reads.js';

/** The migration's schema: the search order, the key function and the two indexes; the previous index table goes. */
export const SEARCH_KEYS_SCHEMA_SQL = `
  DROP TABLE search_docs;
  ALTER TABLE events ADD COLUMN search_id bigint;
  CREATE SEQUENCE events_search_id OWNED BY events.search_id;
  ${SEARCH_KEYS_FUNCTION_SQL};
`;

/**
 * Numbers every message in the order it was sent (ts, then room and seq), and makes new events
 * take the next numbers; then builds the indexes. The migration, and a copy from SQLite (whose
 * rows took numbers in the copy's order).
 */
export async function numberMessagesForSearch(client: pg.ClientBase): Promise<void> {
  await client.query(`DROP INDEX IF EXISTS events_search_order, events_search_keys`);
  // For this transaction only: the sort of every message and the index builds in memory, not in passes over temporary files.
  await client.query(`SET LOCAL work_mem = '256MB'`);
  await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
  await client.query(`UPDATE events e SET search_id = o.n
    FROM (SELECT room_id, seq, row_number() OVER (ORDER BY ts, room_id, seq) AS n FROM events WHERE kind = 'message') o
    WHERE e.room_id = o.room_id AND e.seq = o.seq`);
  await client.query(`SELECT setval('events_search_id', (SELECT coalesce(max(search_id), 0) + 1 FROM events), false)`);
  await client.query(`ALTER TABLE events ALTER COLUMN search_id SET DEFAULT nextval('events_search_id')`);
  await client.query(`CREATE INDEX events_search_order ON events (search_id) WHERE kind = 'message' AND deleted = 0`);
  await client.query(`CREATE INDEX events_search_keys ON events USING gin (parley_search_keys(body)) WHERE kind = 'message' AND deleted = 0`);
  // The planner's estimate of each key's messages (the index expression's statistics).
  await client.query(`ANALYZE events`);
}

/** Messages with search_id in [from, before) ($2, $1) the user may read, newest first; with $10, only those whose keys hold them. */
const WINDOW_SQL = (keyed: boolean) => `
  SELECT e.search_id AS doc_id, r.name AS room_name, e.*
  FROM events e JOIN rooms r ON r.id = e.room_id
  WHERE e.kind = 'message' AND e.deleted = 0 AND e.search_id < $1 AND e.search_id >= $2
    ${keyed ? `AND (parley_search_keys(e.body) @> $10::text[] OR parley_search_keys(e.body) @> '{${ANY_KEY}}')` : ''}
    AND e.room_id IN (SELECT room_id FROM members WHERE user_id = $3 UNION ALL SELECT id FROM rooms WHERE kind = 'public')
    AND ($4::text IS NULL OR e.room_id = $4)
    AND ($5::text IS NULL OR e.user_id = $5)
    AND e.ts >= $6 AND e.ts < $7
  ORDER BY e.search_id DESC
  LIMIT $8`;
const WALK_SQL = WINDOW_SQL(false);
const KEYED_SQL = WINDOW_SQL(true);

/** The first window, read without the index; each next one is SPREAD times wider. */
const WALK_WINDOW = 256;
const SPREAD = 16;
/** Most rows one read returns (a window with more is read on from the last). */
const BATCH = 200;

/** A number above every message's search_id (the windows start below it). */
async function pastLastSearchId(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ past: string }>(`SELECT last_value + 1 AS past FROM events_search_id`);
  return Number(rows[0]!.past);
}

/** At most `limit` + 1 rows, newest first, each a message matching every clause. */
export async function searchRows(pool: pg.Pool, query: SearchQuery): Promise<SearchHitRow[]> {
  const want = query.limit + 1;
  const keys = searchKeys(query.clauses);
  const hits: SearchHitRow[] = [];
  let before = query.before ?? (await pastLastSearchId(pool));
  let width = WALK_WINDOW;
  let from = Math.max(1, before - width);
  let keyed = false;
  while (hits.length < want && before > 1) {
    const { rows } = await pool.query<SearchHitRow>(keyed ? KEYED_SQL : WALK_SQL, [
      before,
      from,
      query.userId,
      query.room ?? null,
      query.author ?? null,
      query.since ?? 0,
      query.until ?? Number.MAX_SAFE_INTEGER,
      BATCH,
      ...(keyed ? [keys] : []),
    ]);
    for (const row of rows) {
      if (!matchesClauses(row.body ?? '', query.clauses)) continue;
      hits.push(row);
      if (hits.length === want) break;
    }
    if (rows.length === BATCH) {
      // More in this window: read on from the last row.
      before = Number(rows.at(-1)!.doc_id);
    } else {
      before = from;
      width *= SPREAD;
      from = Math.max(1, before - width);
      keyed = true;
    }
  }
  return hits;
}
