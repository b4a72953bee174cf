/**
 * The reads every connection makes on its way in — its token's session and
 * user, its rooms, the room summaries of `welcome`, the events its resume
 * replays — as named prepared statements on the read pool (each pooled
 * connection plans each once). The other reads are the shared Kysely queries
 * (../sql/).
 */
import { DIRECTORY_PREVIEW, UNREAD_MAX, UNREAD_SCAN_MAX, type RoomEvent, type UserSummary } from '@parley/protocol';
import type pg from 'pg';
import type { DirectoryQuery, StoredRoomSummary, StoredSession, StoredUser } from '../store.js';
import { dmPeer, groupReactions, messageSeqRange, toRoomEvents, toRoomSummary, toSessionUser, toStoredUser, type SessionUserRow, type SummaryRow } from '../sql/rows.js';
import { attachThreads } from '../sql/thread-info.js';
import { directoryPage, directoryParams } from '../sql/directory.js';
import type { EventRow, ReactionRow, SessionsTable, ThreadRow, UserRow } from '../sql/schema.js';

// The same count as SQLite's (sqlite/connect-reads.ts): messages by others after the marker,
// up to UNREAD_MAX among the first UNREAD_SCAN_MAX live messages after it, through the partial
// index of live messages.
const SUMMARY_SELECT = `
  SELECT r.id, r.name, r.kind, r.last_seq, r.member_count, r.settings, m.user_id AS member_id, m.read_seq, m.role, l.muted_until,
    (SELECT count(*) FROM (
      SELECT 1 FROM (
        SELECT e.user_id FROM events e
        WHERE e.room_id = r.id AND e.seq > m.read_seq AND e.kind = 'message' AND e.deleted = 0
          AND (e.thread IS NULL OR e.also_in_room = 1)
        ORDER BY e.seq LIMIT ${UNREAD_SCAN_MAX}) AS live
      WHERE live.user_id <> $1
      LIMIT ${UNREAD_MAX}) AS counted) AS unread
  FROM rooms r LEFT JOIN members m ON m.room_id = r.id AND m.user_id = $1
  LEFT JOIN member_limits l ON l.room_id = r.id AND l.user_id = $1`;

const SQL = {
  session: `SELECT user_id, expires_at, revoked FROM sessions WHERE token_hash = $1`,
  sessionUser: `SELECT s.expires_at AS session_expires_at, s.revoked AS session_revoked, u.*
    FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`,
  userById: `SELECT * FROM users WHERE id = $1`,
  usersByIds: `SELECT * FROM users WHERE id = ANY($1::text[])`,
  userByUsername: `SELECT * FROM users WHERE username = $1`,
  userByExternalId: `SELECT * FROM users WHERE external_id = $1`,
  memberRoomIds: `SELECT room_id FROM members WHERE user_id = $1 ORDER BY room_id`,
  // As SQLite's (sqlite/connect-reads.ts): the user's rooms and the newest public rooms they are not in.
  summaries: `${SUMMARY_SELECT}
    WHERE r.id IN (
      SELECT room_id FROM members WHERE user_id = $1
      UNION ALL
      (SELECT p.id FROM rooms p WHERE p.kind = 'public'
        AND NOT EXISTS (SELECT 1 FROM members o WHERE o.room_id = p.id AND o.user_id = $1)
        ORDER BY p.created_at DESC, p.id DESC LIMIT ${DIRECTORY_PREVIEW}))
    ORDER BY r.created_at, r.id`,
  directory: `${SUMMARY_SELECT.replace('SELECT r.id,', 'SELECT r.name_key, r.id,')}
    WHERE r.kind = 'public' AND r.name_key > $2 AND r.name_key LIKE $3 ESCAPE '\\'
    ORDER BY r.name_key LIMIT $4`,
  summaryOf: `${SUMMARY_SELECT} WHERE r.id = $2`,
  // A resume's events with their reactions and threads in one round trip (../sql/log-reads.ts makes three).
  eventsAfter: `SELECT e.*,
      (SELECT json_agg(json_build_object('user_id', r.user_id, 'emoji', r.emoji) ORDER BY r.seq)
        FROM reactions r WHERE r.room_id = e.room_id AND r.target = e.seq) AS reaction_rows,
      (SELECT row_to_json(t) FROM threads t WHERE t.room_id = e.room_id AND t.root = e.seq) AS thread_row
    FROM events e WHERE e.room_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3`,
  dmMembers: `SELECT m.room_id, u.id, u.name, u.username, u.kind FROM members m JOIN users u ON u.id = m.user_id
    WHERE m.room_id = ANY($1) ORDER BY m.room_id`,
} as const;

type PeerRow = UserSummary & { room_id: string };
// Named apart from the events table's columns (`thread` is a reply's root).
type EventWithParts = EventRow & { reaction_rows: Array<Omit<ReactionRow, 'target'>> | null; thread_row: ThreadRow | null };

export class PgConnectReads {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async #rows<R extends pg.QueryResultRow>(name: keyof typeof SQL, values: unknown[]): Promise<R[]> {
    return (await this.#pool.query<R>({ name: `parley_read_${name}`, text: SQL[name], values })).rows;
  }

  async session(tokenHash: string): Promise<StoredSession | null> {
    const [row] = await this.#rows<Pick<SessionsTable, 'user_id' | 'expires_at' | 'revoked'>>('session', [tokenHash]);
    return row ? { userId: row.user_id, expiresAt: row.expires_at, revoked: row.revoked === 1 } : null;
  }

  async sessionUser(tokenHash: string): Promise<{ session: StoredSession; user: StoredUser } | null> {
    const [row] = await this.#rows<SessionUserRow>('sessionUser', [tokenHash]);
    return row ? toSessionUser(row) : null;
  }

  /** As ../sql/log-reads.ts's eventsAfter: the reactions and threads of the live messages among the events. */
  async eventsAfter(roomId: string, after: number, limit: number): Promise<RoomEvent[]> {
    const rows = await this.#rows<EventWithParts>('eventsAfter', [roomId, after, limit]);
    const range = messageSeqRange(rows);
    const within = (seq: number) => range !== null && seq >= range.from && seq <= range.to;
    const reactions: ReactionRow[] = [];
    const threads = new Map<number, ThreadRow>();
    for (const row of rows) {
      if (!within(row.seq)) continue;
      for (const reaction of row.reaction_rows ?? []) reactions.push({ target: row.seq, ...reaction });
      if (row.thread_row !== null) threads.set(row.seq, row.thread_row);
    }
    const events = toRoomEvents(rows, groupReactions(reactions));
    attachThreads(events, threads);
    return events;
  }

  async usersByIds(ids: readonly string[]): Promise<StoredUser[]> {
    if (ids.length === 0) return [];
    return (await this.#rows<UserRow>('usersByIds', [ids])).map(toStoredUser);
  }

  async userBy(column: 'id' | 'username' | 'external_id', value: string): Promise<StoredUser | null> {
    const name = column === 'id' ? 'userById' : column === 'username' ? 'userByUsername' : 'userByExternalId';
    const [row] = await this.#rows<UserRow>(name, [value]);
    return row ? toStoredUser(row) : null;
  }

  async memberRoomIds(userId: string): Promise<string[]> {
    return (await this.#rows<{ room_id: string }>('memberRoomIds', [userId])).map((row) => row.room_id);
  }

  /** A page of public rooms for `userId` (../sql/directory.ts). */
  async directory(userId: string, page: DirectoryQuery): Promise<{ rooms: StoredRoomSummary[]; next: string | null }> {
    const { after, pattern, limit } = directoryParams(page);
    const rows = await this.#rows<SummaryRow & { name_key: string }>('directory', [userId, after, pattern, limit]);
    return directoryPage(rows, page.limit, (row) => toRoomSummary(row, null));
  }

  /** As SQLite's: the rooms `userId` is listed, or the one room `onlyRoom`. The DMs' members in one more query. */
  async roomSummaries(userId: string, onlyRoom?: string): Promise<StoredRoomSummary[]> {
    const rows = onlyRoom === undefined ? await this.#rows<SummaryRow>('summaries', [userId]) : await this.#rows<SummaryRow>('summaryOf', [userId, onlyRoom]);
    const dms = rows.filter((row) => row.kind === 'dm').map((row) => row.id);
    const membersByDm = new Map<string, PeerRow[]>();
    if (dms.length > 0) {
      for (const member of await this.#rows<PeerRow>('dmMembers', [dms])) {
        const members = membersByDm.get(member.room_id);
        if (members) members.push(member);
        else membersByDm.set(member.room_id, [member]);
      }
    }
    return rows.map((row) => toRoomSummary(row, row.kind === 'dm' ? dmPeer(membersByDm.get(row.id) ?? [], userId) : null));
  }
}
