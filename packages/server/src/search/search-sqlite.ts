/**
 * SQLite's search (schema: search-sqlite-schema.ts): an FTS5 query read newest first, joined
 * in that order (CROSS JOIN fixes SQLite's join order) to the message, which must be live and in
 * a room the user may read, then filtered; it stops at the page's end.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { SearchClause } from './tokenize.js';
import type { SearchQuery } from '../store/store.js';
import type { SearchHitRow } from '../store/sql/search-reads.js';

const SEARCH = `
  SELECT d.id AS doc_id, r.name AS room_name, e.*
  FROM search_fts f
    CROSS JOIN search_docs d ON d.id = f.rowid
    CROSS JOIN search_rooms k ON k.key = d.room_key
    CROSS JOIN events e ON e.room_id = k.room_id AND e.seq = d.seq
    CROSS JOIN rooms r ON r.id = k.room_id
  WHERE search_fts MATCH @match AND f.rowid < @before
    AND k.room_id IN (SELECT room_id FROM members WHERE user_id = @user UNION ALL SELECT id FROM rooms WHERE kind = 'public')
    AND (@room IS NULL OR k.room_id = @room)
    AND (@author IS NULL OR e.user_id = @author)
    AND e.ts >= @since AND e.ts < @until
    AND e.kind = 'message' AND e.deleted = 0
  ORDER BY f.rowid DESC
  LIMIT @limit`;

type Params = { match: string; before: number; user: string; room: string | null; author: string | null; since: number; until: number; limit: number };

/** The FTS5 query of the clauses: each a quoted phrase (a prefix: `"…"*`), all required. */
export function fts5Query(clauses: readonly SearchClause[]): string {
  const quote = (token: string) => `"${token.replace(/"/g, '""')}"`;
  return clauses.map((clause) => ('prefix' in clause ? `${quote(clause.prefix)}*` : quote(clause.phrase.join(' ')))).join(' ');
}

export class SqliteSearch {
  readonly #search: Statement<[Params], SearchHitRow>;

  constructor(db: Database) {
    this.#search = db.prepare(SEARCH) as unknown as Statement<[Params], SearchHitRow>;
  }

  /** At most `limit` + 1 rows, newest first. */
  rows(query: SearchQuery): SearchHitRow[] {
    return this.#search.all({
      match: fts5Query(query.clauses),
      before: query.before ?? Number.MAX_SAFE_INTEGER,
      user: query.userId,
      room: query.room ?? null,
      author: query.author ?? null,
      since: query.since ?? 0,
      until: query.until ?? Number.MAX_SAFE_INTEGER,
      limit: query.limit + 1,
    });
  }
}
