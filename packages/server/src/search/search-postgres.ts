/**
 * PostgreSQL's search index (migration 6): the tokens of indexText (tokenize.ts) as a `tsvector`
 * built here, lexeme by lexeme with their positions (no text search configuration or parser is
 * involved, so both stores hold exactly the same tokens), under a GIN index; queries are
 * `tsquery` values built the same way: a phrase of bigrams is `a <-> b`, a prefix `a:*`.
 *
 * Why tsvector and not pg_trgm: trigrams cannot find one- or two-syllable Korean words (a
 * trigram index needs three characters of the query), and a trigram index of every message
 * is several times the text; the bigram tokens make both stores answer one contract.
 */
import type pg from 'pg';
import { indexTokens, type SearchClause } from './tokenize.js';
import type { SearchQuery } from '../store/store.js';

export const SEARCH_SCHEMA_SQL = `
  CREATE TABLE search_docs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room_id text COLLATE "C" NOT NULL,
    seq bigint NOT NULL,
    tokens tsvector NOT NULL,
    UNIQUE (room_id, seq)
  );
  CREATE INDEX search_docs_tokens ON search_docs USING gin (tokens);
`;

/** A lexeme, quoted for a tsvector or tsquery literal. */
function lexeme(token: string): string {
  return `'${token.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** The tsvector literal of a message's text; null when it has no token. */
export function tsvectorOf(body: string): string | null {
  const positions = new Map<string, number[]>();
  indexTokens(body).forEach((token, i) => {
    // PostgreSQL keeps positions up to 16383; later ones count as 16383.
    const list = positions.get(token);
    if (list === undefined) positions.set(token, [Math.min(i + 1, 16383)]);
    else if (list.length < 256) list.push(Math.min(i + 1, 16383));
  });
  if (positions.size === 0) return null;
  return [...positions].map(([token, list]) => `${lexeme(token)}:${list.join(',')}`).join(' ');
}

/** The tsquery literal of a query's clauses (at least one). */
export function tsqueryOf(clauses: readonly SearchClause[]): string {
  return clauses
    .map((clause) => ('prefix' in clause ? `${lexeme(clause.prefix)}:*` : `(${clause.phrase.map(lexeme).join(' <-> ')})`))
    .join(' & ');
}

/**
 * Sets the index entries of messages: a tsvector replaces the entry (keeping its id, so an edit
 * keeps its place), null removes it. One statement for any number of messages.
 */
export const PUT_SEARCH_DOCS_SQL = `WITH input AS (
    SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[]) AS u(room_id, seq, tokens)),
  gone AS (DELETE FROM search_docs d USING input i WHERE d.room_id = i.room_id AND d.seq = i.seq AND i.tokens IS NULL)
  INSERT INTO search_docs (room_id, seq, tokens)
  SELECT room_id, seq, tokens::tsvector FROM input WHERE tokens IS NOT NULL
  ON CONFLICT (room_id, seq) DO UPDATE SET tokens = excluded.tokens`;

/** Indexes every live message not yet indexed, oldest first, in batches (the migration, and a copy from SQLite). */
export async function backfillSearch(client: pg.ClientBase): Promise<void> {
  await client.query(`DECLARE parley_search_backfill NO SCROLL CURSOR FOR
    SELECT room_id, seq, body FROM events WHERE kind = 'message' AND deleted = 0 ORDER BY ts, room_id, seq`);
  for (;;) {
    const { rows } = await client.query<{ room_id: string; seq: string; body: string }>('FETCH 5000 FROM parley_search_backfill');
    if (rows.length === 0) break;
    const docs = rows.map((row) => ({ ...row, tokens: tsvectorOf(row.body) })).filter((row) => row.tokens !== null);
    await client.query(PUT_SEARCH_DOCS_SQL, [docs.map((d) => d.room_id), docs.map((d) => d.seq), docs.map((d) => d.tokens)]);
  }
  await client.query('CLOSE parley_search_backfill');
}

/** The search: the GIN index finds the documents, newest first, of live messages in rooms the user may read. */
export const SEARCH_SQL = `
  SELECT d.id AS doc_id, r.name AS room_name, e.*
  FROM search_docs d
    JOIN events e ON e.room_id = d.room_id AND e.seq = d.seq
    JOIN rooms r ON r.id = d.room_id
  WHERE d.tokens @@ $1::tsquery AND d.id < $2
    AND d.room_id IN (SELECT room_id FROM members WHERE user_id = $3 UNION ALL SELECT id FROM rooms WHERE kind = 'public')
    AND ($4::text IS NULL OR d.room_id = $4)
    AND ($5::text IS NULL OR e.user_id = $5)
    AND e.ts >= $6 AND e.ts < $7
    AND e.kind = 'message' AND e.deleted = 0
  ORDER BY d.id DESC
  LIMIT $8`;

/** The parameters of SEARCH_SQL. */
export function searchParams(query: SearchQuery): unknown[] {
  return [
    tsqueryOf(query.clauses),
    query.before ?? Number.MAX_SAFE_INTEGER,
    query.userId,
    query.room ?? null,
    query.author ?? null,
    query.since ?? 0,
    query.until ?? Number.MAX_SAFE_INTEGER,
    query.limit + 1,
  ];
}
