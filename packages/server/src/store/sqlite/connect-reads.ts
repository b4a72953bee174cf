/**
 * The reads every connection makes on its way in — its token's session and
 * user, its rooms, the room summaries of `welcome` — as statements prepared
 * once on the read connection.
 *
 * Through Kysely each call built and compiled its query and passed the
 * dialect's connection lock: 40–290 µs a read on the 2026-11-22 host against
 * 5–15 µs for the prepared statement, four reads or more per connection.
 * Reads off that path stay with Kysely (room-reads.ts, log-reads.ts).
 */
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { DIRECTORY_PREVIEW, UNREAD_MAX, UNREAD_SCAN_MAX, type UserSummary } from '@parley/protocol';
import type { DirectoryQuery, StoredRoomSummary, StoredSession, StoredUser } from '../store.js';
import { dmPeer, toRoomSummary, toSessionUser, toStoredUser, type SessionUserRow, type SummaryRow } from '../sql/rows.js';
import { directoryPage, directoryParams } from '../sql/directory.js';
import type { SessionsTable, UserRow } from '../sql/schema.js';

type PeerRow = UserSummary & { room_id: string };

// Unread: messages by others after the marker (not replies kept in their thread, §25), counted up to UNREAD_MAX among the first
// UNREAD_SCAN_MAX live messages after it (the reader's own included), through the partial index
// of live messages, so what it reads grows with neither the room's members, nor its other
// events, nor the reader's own messages. The index's condition and the limits are literals:
// with a bound value SQLite can use a partial index only by preparing the statement again at
// every execution, and a bound limit made this statement 7× slower (64 against 9 µs for a user
// in one room).
const SUMMARY_SELECT = `
  SELECT r.id, r.name, r.kind, r.last_seq, r.member_count, r.settings, m.user_id AS member_id, m.read_seq, m.role, l.muted_until,
    (SELECT count(*) FROM (
      SELECT 1 FROM (
        SELECT e.user_id FROM events e
        WHERE e.room_id = r.id AND e.seq > m.read_seq AND e.kind = 'message' AND e.deleted = 0
          AND (e.thread IS NULL OR e.also_in_room = 1)
        LIMIT ${UNREAD_SCAN_MAX}) AS live
      WHERE live.user_id != @user
      LIMIT ${UNREAD_MAX})) AS unread
  FROM rooms r LEFT JOIN members m ON m.room_id = r.id AND m.user_id = @user
  LEFT JOIN member_limits l ON l.room_id = r.id AND l.user_id = @user`;

// The rooms a user is listed: their own, and the newest DIRECTORY_PREVIEW public rooms they are
// not in (the partial index of public rooms, migration 3, read newest first), each found through
// an index; filtering a join of every room read every DM and private room on the server at each
// connect (44 ms with 100,000 DMs, 0.014 ms this way), and listing every public room sent a
// newcomer 193 KB on a server with 1,000 of them.
const LISTED_ROOMS = `
  WHERE r.id IN (
    SELECT room_id FROM members WHERE user_id = @user
    UNION ALL
    SELECT id FROM (
      SELECT p.id FROM rooms p WHERE p.kind = 'public'
        AND NOT EXISTS (SELECT 1 FROM members o WHERE o.room_id = p.id AND o.user_id = @user)
      ORDER BY p.created_at DESC, p.id DESC LIMIT ${DIRECTORY_PREVIEW}))
  ORDER BY r.created_at, r.id`;

// A page of the directory: public rooms by name key (unique), after a cursor, containing a text.
const DIRECTORY_PAGE = `
  WHERE r.kind = 'public' AND r.name_key > @after AND r.name_key LIKE @pattern ESCAPE '\\'
  ORDER BY r.name_key LIMIT @limit`;

export class ConnectReads {
  readonly #session: Statement<[string], Pick<SessionsTable, 'user_id' | 'expires_at' | 'revoked'>>;
  readonly #sessionUser: Statement<[string], SessionUserRow>;
  readonly #userById: Statement<[string], UserRow>;
  readonly #usersByIds: Statement<[string], UserRow>;
  readonly #userByUsername: Statement<[string], UserRow>;
  readonly #userByExternalId: Statement<[string], UserRow>;
  readonly #memberRoomIds: Statement<[string], string>;
  readonly #summaries: Statement<[{ user: string }], SummaryRow>;
  readonly #summaryOf: Statement<[{ user: string; room: string }], SummaryRow>;
  readonly #directory: Statement<[{ user: string; after: string; pattern: string; limit: number }], SummaryRow & { name_key: string }>;
  readonly #roomMembers: Statement<[string], PeerRow>;

  /** `db` must have the schema: statements are checked against it when prepared. */
  constructor(db: SqliteDatabase) {
    const prepare = <P extends unknown[], R>(text: string) => db.prepare(text) as unknown as Statement<P, R>;
    this.#session = prepare(`SELECT user_id, expires_at, revoked FROM sessions WHERE token_hash = ?`);
    this.#sessionUser = prepare(`SELECT s.expires_at AS session_expires_at, s.revoked AS session_revoked, u.*
      FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`);
    this.#userById = prepare(`SELECT * FROM users WHERE id = ?`);
    this.#usersByIds = prepare(`SELECT * FROM users WHERE id IN (SELECT value FROM json_each(?))`);
    this.#userByUsername = prepare(`SELECT * FROM users WHERE username = ?`);
    this.#userByExternalId = prepare(`SELECT * FROM users WHERE external_id = ?`);
    this.#memberRoomIds = prepare<[string], string>(`SELECT room_id FROM members WHERE user_id = ? ORDER BY room_id`).pluck();
    this.#summaries = prepare(`${SUMMARY_SELECT} ${LISTED_ROOMS}`);
    this.#summaryOf = prepare(`${SUMMARY_SELECT} WHERE r.id = @room`);
    this.#directory = prepare(`${SUMMARY_SELECT.replace('SELECT r.id,', 'SELECT r.name_key, r.id,')} ${DIRECTORY_PAGE}`);
    this.#roomMembers = prepare(
      `SELECT m.room_id, u.id, u.name, u.username, u.kind FROM members m JOIN users u ON u.id = m.user_id WHERE m.room_id = ?`,
    );
  }

  sessionUser(tokenHash: string): { session: StoredSession; user: StoredUser } | null {
    const row = this.#sessionUser.get(tokenHash);
    return row ? toSessionUser(row) : null;
  }

  session(tokenHash: string): StoredSession | null {
    const row = this.#session.get(tokenHash);
    return row ? { userId: row.user_id, expiresAt: row.expires_at, revoked: row.revoked === 1 } : null;
  }

  userBy(column: 'id' | 'username' | 'external_id', value: string): StoredUser | null {
    const statement = column === 'id' ? this.#userById : column === 'username' ? this.#userByUsername : this.#userByExternalId;
    const row = statement.get(value);
    return row ? toStoredUser(row) : null;
  }

  usersByIds(ids: readonly string[]): StoredUser[] {
    return ids.length === 0 ? [] : this.#usersByIds.all(JSON.stringify(ids)).map(toStoredUser);
  }

  memberRoomIds(userId: string): string[] {
    return this.#memberRoomIds.all(userId);
  }

  /** A page of public rooms for `userId` (directory.ts). */
  directory(userId: string, page: DirectoryQuery): { rooms: StoredRoomSummary[]; next: string | null } {
    const rows = this.#directory.all({ user: userId, ...directoryParams(page) });
    return directoryPage(rows, page.limit, (row) => toRoomSummary(row, null));
  }

  /**
   * Summaries of the rooms `userId` is listed (LISTED_ROOMS), or of the one room `onlyRoom`.
   * Outside rooms the user has joined, readSeq and unread are 0.
   */
  roomSummaries(userId: string, onlyRoom?: string): StoredRoomSummary[] {
    const rows = onlyRoom === undefined ? this.#summaries.all({ user: userId }) : this.#summaryOf.all({ user: userId, room: onlyRoom });
    return rows.map((row) => toRoomSummary(row, row.kind === 'dm' ? dmPeer(this.#roomMembers.all(row.id), userId) : null));
  }
}
