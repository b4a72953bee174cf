/**
 * PostgreSQL's first search index (migration 'search'), kept as it shipped: that migration still
 * runs on the way to the current schema, which replaced it (search-postgres-keys.ts).
 *
 * The tokens of indexText (tokenize.ts) as a `tsvector` built here, lexeme by lexeme with
 * their positions, in a table of their own under a GIN index.
 */
import type pg from 'pg';
import { indexTokens } from './tokenize.js';

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

/** Indexes every live message not yet indexed, oldest first, in batches. */
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
