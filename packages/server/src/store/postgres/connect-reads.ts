/**
 * The reads every connection makes on its way in — its token's session and
 * user, its rooms, the room summaries and blocks of `welcome`, the events its
 * resume replays — as named prepared statements on the read pool (each pooled
 * connection plans each once). The reads of a reconnect are batched
 * (read-batch.ts): when a node takes over the clients of a dead one, the reads
 * of hundreds of them share a statement. The other reads are the shared Kysely
 * queries (../sql/).
 */
import { DIRECTORY_PREVIEW, UNREAD_MAX, UNREAD_SCAN_MAX, type RoomEvent, type UserSummary } from '@parley/protocol';
import type pg from 'pg';
import type { DirectoryQuery, StoredRoomSummary, StoredSession, StoredUser } from '../store.js';
import { dmPeer, groupReactions, messageSeqRange, toRoomEvents, toRoomSummary, toSessionUser, toStoredUser, type SessionUserRow, type SummaryRow } from '../sql/rows.js';
import { attachThreads } from '../sql/thread-info.js';
import { directoryPage, directoryParams } from '../sql/directory.js';
import type { EventRow, ReactionRow, SessionsTable, ThreadRow, UserRow } from '../sql/schema.js';
import { ReadBatch } from './read-batch.js';

// The same count as SQLite's (sqlite/connect-reads.ts): messages by others after the marker,
// up to UNREAD_MAX among the first UNREAD_SCAN_MAX live messages after it, through the partial
// index of live messages. `user` is the SQL of the reader's id.
const unreadOf = (user: string) => `(SELECT count(*) FROM (
      SELECT 1 FROM (
        SELECT e.user_id FROM events e
        WHERE e.room_id = r.id AND e.seq > m.read_seq AND e.kind = 'message' AND e.deleted = 0
          AND (e.thread IS NULL OR e.also_in_room = 1)
        ORDER BY e.seq LIMIT ${UNREAD_SCAN_MAX}) AS live
      WHERE live.user_id <> ${user}
      LIMIT ${UNREAD_MAX}) AS counted) AS unread`;
const SUMMARY_COLUMNS = 'r.id, r.name, r.kind, r.last_seq, r.member_count, r.settings, m.user_id AS member_id, m.read_seq, m.role, l.muted_until';
const SUMMARY_SELECT = `
  SELECT ${SUMMARY_COLUMNS}, ${unreadOf('$1')}
  FROM rooms r LEFT JOIN members m ON m.room_id = r.id AND m.user_id = $1
  LEFT JOIN member_limits l ON l.room_id = r.id AND l.user_id = $1`;

/**
 * The summaries of the rooms `q.reader` is listed, as SQLite's (sqlite/connect-reads.ts): its
 * own, and the newest public rooms it is not in — these without membership, limits or unread
 * count (a room one is not in has none of them). Its own rooms are read by key (OFFSET 0 keeps the
 * planner from joining the whole table instead: where rooms are few, PostgreSQL would scan them
 * all for each reader, dead versions included, and a room's row is rewritten by each message).
 */
const READER_SUMMARIES = `
  SELECT r.created_at, ${SUMMARY_COLUMNS}, ${unreadOf('q.reader')}
  FROM members m CROSS JOIN LATERAL (SELECT * FROM rooms WHERE rooms.id = m.room_id OFFSET 0) AS r
  LEFT JOIN member_limits l ON l.room_id = r.id AND l.user_id = q.reader
  WHERE m.user_id = q.reader
  UNION ALL
  (SELECT r.created_at, r.id, r.name, r.kind, r.last_seq, r.member_count, r.settings, NULL, NULL, NULL, NULL, 0
    FROM rooms r WHERE r.kind = 'public'
      AND NOT EXISTS (SELECT 1 FROM members o WHERE o.room_id = r.id AND o.user_id = q.reader)
    ORDER BY r.created_at DESC, r.id DESC LIMIT ${DIRECTORY_PREVIEW})`;

const SQL = {
  session: `SELECT user_id, expires_at, revoked FROM sessions WHERE token_hash = $1`,
  userById: `SELECT * FROM users WHERE id = $1`,
  usersByIds: `SELECT * FROM users WHERE id = ANY($1::text[])`,
  userByUsername: `SELECT * FROM users WHERE username = $1`,
  userByExternalId: `SELECT * FROM users WHERE external_id = $1`,
  directory: `${SUMMARY_SELECT.replace('SELECT r.id,', 'SELECT r.name_key, r.id,')}
    WHERE r.kind = 'public' AND r.name_key > $2 AND r.name_key LIKE $3 ESCAPE '\\'
    ORDER BY r.name_key LIMIT $4`,
  summaryOf: `${SUMMARY_SELECT} WHERE r.id = $2`,
  // The batched reads of a connection (read-batch.ts): each answers every key of its $1.
  sessionUsers: `SELECT s.token_hash AS session_token_hash, s.expires_at AS session_expires_at, s.revoked AS session_revoked, u.*
    FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ANY($1::text[])`,
  memberRoomIds: `SELECT user_id, room_id FROM members WHERE user_id = ANY($1::text[]) ORDER BY user_id, room_id`,
  // Each reader's summaries in its own order (a reader's rows keep their relative order when grouped).
  summaries: `SELECT q.reader, s.* FROM unnest($1::text[]) AS q(reader)
    CROSS JOIN LATERAL (${READER_SUMMARIES}) AS s
    ORDER BY s.created_at, s.id`,
  dmMembers: `SELECT m.room_id, u.id, u.name, u.username, u.kind FROM members m JOIN users u ON u.id = m.user_id
    WHERE m.room_id = ANY($1::text[]) ORDER BY m.room_id`,
  blocked: `SELECT b.user_id AS blocker, u.id, u.name, u.username, u.kind FROM blocks b JOIN users u ON u.id = b.blocked_id
    WHERE b.user_id = ANY($1::text[]) ORDER BY b.created_at, u.id`,
  // Each asked range's events with their reactions and threads (../sql/log-reads.ts makes three queries of one).
  eventsAfter: `SELECT q.asked, e.*,
      (SELECT json_agg(json_build_object('user_id', r.user_id, 'emoji', r.emoji) ORDER BY r.seq)
        FROM reactions r WHERE r.room_id = e.room_id AND r.target = e.seq) AS reaction_rows,
      (SELECT row_to_json(t) FROM threads t WHERE t.room_id = e.room_id AND t.root = e.seq) AS thread_row
    FROM unnest($1::text[], $2::bigint[], $3::int[]) WITH ORDINALITY AS q(room_id, after, max_events, asked)
    CROSS JOIN LATERAL (SELECT * FROM events WHERE room_id = q.room_id AND seq > q.after ORDER BY seq LIMIT q.max_events) AS e
    ORDER BY q.asked, e.seq`,
} as const;

/** A resume reads up to 200 events a room (chat/history.ts): at most this many resumes share a statement. */
const EVENT_READS_MAX = 32;

type PeerRow = UserSummary & { room_id: string };
// Named apart from the events table's columns (`thread` is a reply's root).
type EventWithParts = EventRow & { asked: number; reaction_rows: Array<Omit<ReactionRow, 'target'>> | null; thread_row: ThreadRow | null };
type ReaderSummaryRow = SummaryRow & { reader: string };

/** Groups rows by a key, each group in the rows' order. */
function groupBy<R, K>(rows: readonly R[], keyOf: (row: R) => K): Map<K, R[]> {
  const groups = new Map<K, R[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

export class PgConnectReads {
  readonly #pool: pg.Pool;
  /** Statements whose table gained a column since this node prepared them (another node's migration): run unnamed. */
  readonly #unnamed = new Set<keyof typeof SQL>();
  readonly #sessionUsers = new ReadBatch<string, SessionUserRow | null>(async (hashes) => {
    const rows = await this.#rows<SessionUserRow & { session_token_hash: string }>('sessionUsers', [hashes]);
    return new Map(rows.map((row) => [row.session_token_hash, row]));
  }, null);
  readonly #memberRoomIds = new ReadBatch<string, readonly string[]>(async (userIds) => {
    const rows = await this.#rows<{ user_id: string; room_id: string }>('memberRoomIds', [userIds]);
    const rooms = new Map<string, string[]>();
    for (const [userId, group] of groupBy(rows, (row) => row.user_id)) rooms.set(userId, group.map((row) => row.room_id));
    return rooms;
  }, []);
  readonly #summaries = new ReadBatch<string, readonly ReaderSummaryRow[]>(async (userIds) => groupBy(await this.#rows<ReaderSummaryRow>('summaries', [userIds]), (row) => row.reader), []);
  readonly #blocked = new ReadBatch<string, readonly UserSummary[]>(async (userIds) => {
    const rows = await this.#rows<UserSummary & { blocker: string }>('blocked', [userIds]);
    const blocked = new Map<string, UserSummary[]>();
    for (const [userId, group] of groupBy(rows, (row) => row.blocker)) blocked.set(userId, group.map(({ id, name, username, kind }) => ({ id, name, username, kind })));
    return blocked;
  }, []);
  readonly #dmMembers = new ReadBatch<string, readonly PeerRow[]>(async (roomIds) => groupBy(await this.#rows<PeerRow>('dmMembers', [roomIds]), (member) => member.room_id), []);
  /** Keyed `after limit room`: clients of one room resuming from the same seq share one read. */
  readonly #eventsAfter = new ReadBatch<string, readonly EventWithParts[]>(async (keys) => {
    const asked = keys.map((key) => {
      const [after, limit] = key.split(' ', 2) as [string, string];
      return { room: key.slice(after.length + limit.length + 2), after, limit };
    });
    const rows = await this.#rows<EventWithParts>('eventsAfter', [asked.map((a) => a.room), asked.map((a) => a.after), asked.map((a) => a.limit)]);
    const byAsked = groupBy(rows, (row) => row.asked);
    // WITH ORDINALITY counts from 1.
    return new Map(keys.map((key, i) => [key, byAsked.get(i + 1) ?? []]));
  }, [], EVENT_READS_MAX);

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async #rows<R extends pg.QueryResultRow>(name: keyof typeof SQL, values: unknown[]): Promise<R[]> {
    if (this.#unnamed.has(name)) return (await this.#pool.query<R>(SQL[name], values)).rows;
    try {
      return (await this.#pool.query<R>({ name: `parley_read_${name}`, text: SQL[name], values })).rows;
    } catch (error) {
      // 0A000: a prepared `SELECT *` whose table gained a column; PostgreSQL will not change its result type.
      if ((error as { code?: string }).code !== '0A000') throw error;
      this.#unnamed.add(name);
      return (await this.#pool.query<R>(SQL[name], values)).rows;
    }
  }

  async session(tokenHash: string): Promise<StoredSession | null> {
    const [row] = await this.#rows<Pick<SessionsTable, 'user_id' | 'expires_at' | 'revoked'>>('session', [tokenHash]);
    return row ? { userId: row.user_id, expiresAt: row.expires_at, revoked: row.revoked === 1 } : null;
  }

  async sessionUser(tokenHash: string): Promise<{ session: StoredSession; user: StoredUser } | null> {
    const row = await this.#sessionUsers.get(tokenHash);
    return row ? toSessionUser(row) : null;
  }

  /** As ../sql/log-reads.ts's eventsAfter: the reactions and threads of the live messages among the events. */
  async eventsAfter(roomId: string, after: number, limit: number): Promise<RoomEvent[]> {
    const rows = await this.#eventsAfter.get(`${after} ${limit} ${roomId}`);
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
    return [...(await this.#memberRoomIds.get(userId))];
  }

  /** As ../sql/moderation-reads.ts's blockedBy. */
  async blockedBy(userId: string): Promise<UserSummary[]> {
    return (await this.#blocked.get(userId)).map((user) => ({ ...user }));
  }

  /** A page of public rooms for `userId` (../sql/directory.ts). */
  async directory(userId: string, page: DirectoryQuery): Promise<{ rooms: StoredRoomSummary[]; next: string | null }> {
    const { after, pattern, limit } = directoryParams(page);
    const rows = await this.#rows<SummaryRow & { name_key: string }>('directory', [userId, after, pattern, limit]);
    return directoryPage(rows, page.limit, (row) => toRoomSummary(row, null));
  }

  /** As SQLite's: the rooms `userId` is listed, or the one room `onlyRoom`. The DMs' members in one more (batched) read. */
  async roomSummaries(userId: string, onlyRoom?: string): Promise<StoredRoomSummary[]> {
    const rows = onlyRoom === undefined ? await this.#summaries.get(userId) : await this.#rows<SummaryRow>('summaryOf', [userId, onlyRoom]);
    const peers = await Promise.all(rows.map((row) => (row.kind === 'dm' ? this.#dmMembers.get(row.id).then((members) => dmPeer(members, userId)) : null)));
    return rows.map((row, i) => toRoomSummary(row, peers[i] ?? null));
  }
}
