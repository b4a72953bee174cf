/**
 * PostgreSQL's search: the key index on `events` (search-postgres-keys.ts) finds candidates,
 * tokenize.ts's matchesClauses decides, newest first by `events.search_id` (a number each message
 * takes when it is sent and keeps through edits: the order of results and the page cursor).
 *
 * A page is read window by window, newest first: the newest WALK_WINDOW messages are read and
 * checked as they are (a frequent word fills a page there, with no index read); then windows
 * read through the key index intersected with the window's ids, the first as wide as the walk's
 * density says the page needs, each next one SPREAD times wider, so that a word found in a
 * hundred thousand messages costs the few in a window, not a sort of all of them. It stops when
 * the page is full or no message is left.
 */
import type pg from 'pg';
import { matchesClauses } from './tokenize.js';
import { ANY_KEY, SEARCH_KEYS_FUNCTION_SQL, keysOf, searchKeys } from './search-postgres-keys.js';
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
  await client.query(`CREATE INDEX events_search_order ON events (search_id) WHERE kind = 'message' AND deleted = 0 AND search_id IS NOT NULL`);
  await client.query(`CREATE INDEX events_search_keys ON events USING gin ((${keysOf('')}))`);
  // The planner's estimate of each key's messages (the index expression's statistics).
  await client.query(`ANALYZE events`);
}

/**
 * The id and text of messages with search_id in [$2, $1) that the user ($3) may read, newest first,
 * at most $8; with $9, only those whose keys hold them (or ANY_KEY: left out of the query while no
 * message has it, as the planner cannot tell how few do and would read more of the window). The membership is an EXISTS per row, so that
 * the planner reads the window's ids (or keys) first, never one index scan per room.
 */
const WINDOW_SQL = (keys: 'none' | 'keys' | 'keys or any') => `
  SELECT e.search_id AS doc_id, e.body FROM events e
  WHERE e.kind = 'message' AND e.deleted = 0 AND e.search_id < $1 AND e.search_id >= $2
    ${keys === 'none' ? '' : `AND (${keysOf('e.')} @> $9::text[] ${keys === 'keys' ? '' : `OR ${keysOf('e.')} @> '{${ANY_KEY}}'`})`}
    AND ($4::text IS NULL OR e.room_id = $4)
    AND ($5::text IS NULL OR e.user_id = $5)
    AND e.ts >= $6 AND e.ts < $7
    AND EXISTS (SELECT 1 FROM members m WHERE m.room_id = e.room_id AND m.user_id = $3
      UNION ALL SELECT 1 FROM rooms p WHERE p.id = e.room_id AND p.kind = 'public')
  ORDER BY e.search_id DESC
  LIMIT $8`;
export const WALK_SQL = WINDOW_SQL('none');
export const KEYED_SQL = WINDOW_SQL('keys');
export const KEYED_OR_ANY_SQL = WINDOW_SQL('keys or any');

/** The rows of the messages found, newest first. */
const HITS_SQL = `
  SELECT e.search_id AS doc_id, r.name AS room_name, e.*
  FROM events e JOIN rooms r ON r.id = e.room_id
  WHERE e.search_id = ANY($1::bigint[]) AND e.search_id IS NOT NULL AND e.kind = 'message' AND e.deleted = 0
  ORDER BY e.search_id DESC`;

/** The first window, read without the index; the first keyed one (see searchRows), and each next one SPREAD times wider. */
const WALK_WINDOW = 256;
const UNSEEN_WINDOW = 16_384;
const SPREAD = 16;
/** A window up to this wide is walked, not read through the key index. */
const WALK_MORE = 1024;
/** Most rows one read returns (a window with more is read on from the last). */
const BATCH = WALK_MORE;

/** A number above every message's search_id (the windows start below it), and whether any message has ANY_KEY. */
async function searchStart(pool: pg.Pool): Promise<{ past: number; anyKey: boolean }> {
  const { rows } = await pool.query<{ past: string; any_key: boolean }>(`SELECT last_value + 1 AS past,
    EXISTS (SELECT 1 FROM events WHERE ${keysOf('')} @> '{${ANY_KEY}}') AS any_key FROM events_search_id`);
  return { past: Number(rows[0]!.past), anyKey: rows[0]!.any_key };
}

/** At most `limit` + 1 rows, newest first, each a message matching every clause. */
export async function searchRows(pool: pg.Pool, query: SearchQuery): Promise<SearchHitRow[]> {
  const want = query.limit + 1;
  const keys = searchKeys(query.clauses);
  const hits: number[] = [];
  const start = await searchStart(pool);
  const keyedSql = start.anyKey ? KEYED_OR_ANY_SQL : KEYED_SQL;
  let before = query.before ?? start.past;
  const top = before;
  let width = WALK_WINDOW;
  let from = Math.max(1, before - width);
  let keyed = false;
  let first = true;
  while (hits.length < want && before > 1) {
    // A keyed window's candidates nearly all match: about the hits still wanted are asked for.
    const limit = keyed ? Math.min(BATCH, 2 * (want - hits.length) + 16) : BATCH;
    const { rows } = await pool.query<{ doc_id: string; body: string | null }>(keyed ? keyedSql : WALK_SQL, [
      before,
      from,
      query.userId,
      query.room ?? null,
      query.author ?? null,
      query.since ?? 0,
      query.until ?? Number.MAX_SAFE_INTEGER,
      limit,
      ...(keyed ? [keys] : []),
    ]);
    for (const row of rows) {
      if (!matchesClauses(row.body ?? '', query.clauses)) continue;
      hits.push(Number(row.doc_id));
      if (hits.length === want) break;
    }
    const last = rows.length === limit ? Number(rows.at(-1)!.doc_id) : from;
    if (last > from) {
      // More in this window: read on from the last row.
      before = last;
    } else {
      // The first keyed window is sized by what the walk found: wide enough, at the density seen,
      // for twice the hits still wanted (a word not seen at all starts at UNSEEN_WINDOW).
      // A window that small is walked too: cheaper than the index entries of so frequent a word.
      if (first) {
        width = hits.length === 0 ? UNSEEN_WINDOW : Math.ceil((2 * (want - hits.length) * (top - from)) / hits.length);
        keyed = width > WALK_MORE;
        first = false;
      } else {
        width *= SPREAD;
        keyed = true;
      }
      before = from;
      from = Math.max(1, before - width);
    }
  }
  if (hits.length === 0) return [];
  return (await pool.query<SearchHitRow>(HITS_SQL, [hits])).rows;
}
