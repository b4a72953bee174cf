/**
 * WriteTx (../rules/write-tx.ts) over one PostgreSQL connection inside an
 * open transaction, as named prepared statements (each connection parses and
 * plans each of them once).
 *
 * Every method is one statement, so under READ COMMITTED each read takes a
 * fresh snapshot: a read after a lock sees what committed before the lock
 * was granted. `lockRoom` takes the room's row lock (FOR NO KEY UPDATE, the
 * lock appendEvent's UPDATE takes) before a rule reads a membership, a ban or a
 * limit there, then reads those in a statement of their own: a leave, a ban or
 * another send racing the write waits for it, or is seen by it.
 * `appendEvent` takes the room's next seq and inserts the event in one
 * statement; its UPDATE holds the room's row until the transaction ends.
 *
 * Round trips are what a write costs here, so the transaction keeps what it
 * knows (tx-cache.ts): `readAhead` locks the batch's rooms and reads their
 * memberships and message keys in three statements; appends to locked rooms
 * wait and go together in one statement (`flush`) before any other statement
 * and before COMMIT. A batch of sends to rooms costs about six round trips,
 * however many sends it has.
 */
import type pg from 'pg';
import type { FollowWrite, LockedRoom, NewEventRow, WriteTx } from '../rules/write-tx.js';
import type { AuditRow, BanRow, BotRow, EventRow, FileRow, MemberLimitsRow, MemberRole, MemberRow, ReactionRow, ReportRow, RoomRow, ThreadFollowRow, ThreadRow, TokenRevocationsTable, UserRow } from '../sql/schema.js';
import { MODERATION_SQL } from './moderation-sql.js';
import { THREAD_SQL } from './thread-sql.js';
import type { ReadAhead } from '../rules/read-ahead.js';
import { TxCache, type MemberState } from './tx-cache.js';

const SQL = {
  userById: `SELECT * FROM users WHERE id = $1`,
  usernameExists: `SELECT 1 FROM users WHERE username = $1`,
  insertUser: `INSERT INTO users (id, username, name, kind, password_hash, external_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  setUserName: `UPDATE users SET name = $2 WHERE id = $1`,
  claimUser: `UPDATE users SET username = $2, password_hash = $3, kind = 'account' WHERE id = $1`,
  botById: `SELECT * FROM bots WHERE user_id = $1`,
  insertBot: `INSERT INTO bots (user_id, created_by, created_at, token_hash) VALUES ($1, $2, $3, $4)`,
  setBotTokenHash: `UPDATE bots SET token_hash = $2 WHERE user_id = $1`,
  insertSession: `INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`,
  revokeSession: `UPDATE sessions SET revoked = 1 WHERE token_hash = $1`,
  putTokenRevocation: `INSERT INTO token_revocations (key, jti, subject, not_before, created_at) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (key) DO UPDATE SET not_before = EXCLUDED.not_before, created_at = EXCLUDED.created_at`,

  roomById: `SELECT * FROM rooms WHERE id = $1`,
  roomNameKeyExists: `SELECT 1 FROM rooms WHERE name_key = $1`,
  insertRoom: `INSERT INTO rooms (id, name, name_key, kind, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
  // Appends to rooms this transaction has locked, their seqs taken by it (tx-cache.ts), in one statement.
  appendEvents: `WITH inserted AS (
      INSERT INTO events (room_id, seq, ts, kind, user_id, user_name, client_id, body, target, data, thread, also_in_room)
      SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::text[],
        $13::bigint[], $14::smallint[]))
    UPDATE rooms AS r SET last_seq = u.last_seq FROM unnest($11::text[], $12::bigint[]) AS u(id, last_seq) WHERE r.id = u.id`,
  // The batch's rooms, locked in ascending order as lockRoom locks one (moderation-sql.ts).
  lockRooms: `SELECT * FROM rooms WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE`,
  membersAndLimits: `SELECT p.room_id, p.user_id, m.role AS m_role, m.read_seq AS m_read_seq, m.joined_at AS m_joined_at,
      l.room_id IS NOT NULL AS l_found, l.muted_until AS l_muted_until, l.last_post_at AS l_last_post_at
    FROM unnest($1::text[], $2::text[]) AS p(room_id, user_id)
    LEFT JOIN members m ON m.room_id = p.room_id AND m.user_id = p.user_id
    LEFT JOIN member_limits l ON l.room_id = p.room_id AND l.user_id = p.user_id`,
  messagesByClientIds: `SELECT e.* FROM unnest($1::text[], $2::text[], $3::text[]) AS k(room_id, user_id, client_id)
    JOIN events e ON e.room_id = k.room_id AND e.user_id = k.user_id AND e.client_id = k.client_id`,
  appendEvent: `WITH next AS (UPDATE rooms SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq)
    INSERT INTO events (room_id, seq, ts, kind, user_id, user_name, client_id, body, target, data, thread, also_in_room)
    SELECT $1, last_seq, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM next RETURNING seq`,

  insertMember: `INSERT INTO members (room_id, user_id, role, read_seq, joined_at) VALUES ($1, $2, $3, $4, $5)`,
  deleteMember: `DELETE FROM members WHERE room_id = $1 AND user_id = $2`,
  memberRoomIds: `SELECT room_id FROM members WHERE user_id = $1 ORDER BY room_id`,
  advanceReadMarker: `UPDATE members SET read_seq = GREATEST(read_seq, LEAST($3, (SELECT last_seq FROM rooms WHERE id = $1)))
    WHERE room_id = $1 AND user_id = $2 RETURNING read_seq`,

  eventBySeq: `SELECT * FROM events WHERE room_id = $1 AND seq = $2`,
  messageByClientId: `SELECT * FROM events WHERE room_id = $1 AND user_id = $2 AND client_id = $3`,
  setMessageBody: `UPDATE events SET body = $3, edited_ts = $4 WHERE room_id = $1 AND seq = $2`,
  tombstoneMessage: `UPDATE events SET body = '', deleted = 1, data = NULL WHERE room_id = $1 AND seq = $2`,
  setMessageData: `UPDATE events SET data = $3 WHERE room_id = $1 AND seq = $2`,
  eraseEditBodies: `UPDATE events SET body = '' WHERE room_id = $1 AND target = $2 AND kind = 'edit'`,

  reactionsOf: `SELECT target, user_id, emoji FROM reactions WHERE room_id = $1 AND target = $2 ORDER BY seq`,
  reactionExists: `SELECT 1 FROM reactions WHERE room_id = $1 AND target = $2 AND user_id = $3 AND emoji = $4`,
  insertReaction: `INSERT INTO reactions (room_id, target, user_id, emoji, seq) VALUES ($1, $2, $3, $4, $5)`,
  deleteReaction: `DELETE FROM reactions WHERE room_id = $1 AND target = $2 AND user_id = $3 AND emoji = $4`,
  deleteReactionsOf: `DELETE FROM reactions WHERE room_id = $1 AND target = $2`,

  uploadedBytesSince: `SELECT coalesce(sum(size), 0)::bigint AS bytes FROM files WHERE user_id = $1 AND created_at >= $2`,
  // FOR SHARE: a sweep deleting this row waits for our commit, and then sees our row naming its blobs.
  lockFileBySha: `SELECT * FROM files WHERE sha256 = $1 LIMIT 1 FOR SHARE`,
  lockFile: `SELECT * FROM files WHERE id = $1 FOR UPDATE`,
  insertFile: `INSERT INTO files (id, room_id, user_id, seq, name, size, content_type, sha256, blob_key, thumb_key, width, height, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
  attachFile: `UPDATE files SET seq = $2 WHERE id = $1`,
  lockFileSweep: `SELECT pg_advisory_xact_lock(${0x7061726c6566}) AS locked`,
  sweepableFiles: `SELECT f.* FROM files f JOIN events e ON e.room_id = f.room_id AND e.seq = f.seq WHERE e.deleted = 1
    UNION ALL SELECT * FROM files WHERE seq IS NULL AND created_at < $1`,
  roomFiles: `SELECT * FROM files WHERE room_id = $1`,
  deleteFile: `DELETE FROM files WHERE id = $1`,
  blobKeyInUse: `SELECT EXISTS (SELECT 1 FROM files WHERE blob_key = $1) OR EXISTS (SELECT 1 FROM files WHERE thumb_key = $1) AS used`,
  ...MODERATION_SQL,
  ...THREAD_SQL,
} as const;

type StatementName = keyof typeof SQL;

/** A row of `memberAndLimits`: the member's and the limits' columns under prefixes (null outside them). */
type MemberAndLimitsRow = {
  m_role: MemberRole | null;
  m_read_seq: number | null;
  m_joined_at: number | null;
  l_found: boolean | null;
  l_muted_until: number | null;
  l_last_post_at: number | null;
};

function memberState(room: string, user: string, row: MemberAndLimitsRow): MemberState {
  const { m_role, m_read_seq, m_joined_at, l_found, l_muted_until, l_last_post_at } = row;
  return {
    member: m_role === null ? null : { room_id: room, user_id: user, role: m_role, read_seq: m_read_seq!, joined_at: m_joined_at! },
    limits: l_found ? { room_id: room, user_id: user, muted_until: l_muted_until, last_post_at: l_last_post_at } : null,
  };
}

export class PgWriteTx implements WriteTx {
  readonly #client: pg.ClientBase;
  readonly #cache = new TxCache();

  constructor(client: pg.ClientBase) {
    this.#client = client;
  }

  /** Every statement but the waiting appends' goes after them: it may read or depend on them. */
  async #rows<R extends pg.QueryResultRow>(name: StatementName, values: unknown[]): Promise<R[]> {
    if (this.#cache.hasPending) await this.#flushAppends();
    const result = await this.#client.query<R>({ name: `parley_${name}`, text: SQL[name], values });
    return result.rows;
  }

  /** Sends the appends that wait; the transaction calls it before COMMIT. */
  async flush(): Promise<void> {
    await this.#flushAppends();
  }

  async #flushAppends(): Promise<void> {
    const taken = this.#cache.takePending();
    if (taken === null) return;
    const { events, lastSeqs } = taken;
    const column = <K extends keyof EventRow>(key: K) => events.map((event) => event[key]);
    await this.#client.query({
      name: 'parley_appendEvents',
      text: SQL.appendEvents,
      values: [
        column('room_id'), column('seq'), column('ts'), column('kind'), column('user_id'),
        column('user_name'), column('client_id'), column('body'), column('target'), column('data'),
        [...lastSeqs.keys()], [...lastSeqs.values()],
        column('thread'), column('also_in_room'),
      ],
    });
  }

  async readAhead(plan: ReadAhead): Promise<void> {
    const cache = this.#cache;
    const rooms = plan.rooms.filter((room) => cache.lockedRoom(room) === undefined);
    if (rooms.length > 0) for (const row of await this.#rows<RoomRow>('lockRooms', [rooms])) cache.locked(row);
    const pairs = plan.members.filter(({ room, user }) => cache.lockedRoom(room) !== undefined && cache.memberState(room, user) === undefined);
    if (pairs.length > 0) {
      const rows = await this.#rows<MemberAndLimitsRow & { room_id: string; user_id: string }>('membersAndLimits', [pairs.map((p) => p.room), pairs.map((p) => p.user)]);
      for (const row of rows) cache.setMemberState(row.room_id, row.user_id, memberState(row.room_id, row.user_id, row));
    }
    const keys = plan.messages.filter(({ room, user, clientId }) => cache.lockedRoom(room) !== undefined && cache.message(room, user, clientId) === undefined);
    if (keys.length > 0) {
      const rows = await this.#rows<EventRow>('messagesByClientIds', [keys.map((k) => k.room), keys.map((k) => k.user), keys.map((k) => k.clientId)]);
      for (const { room, user, clientId } of keys) cache.setMessage(room, user, clientId, null);
      for (const row of rows) cache.setMessage(row.room_id, row.user_id, row.client_id!, row);
    }
  }

  async #first<R extends pg.QueryResultRow>(name: StatementName, values: unknown[]): Promise<R | null> {
    return (await this.#rows<R>(name, values))[0] ?? null;
  }

  async userById(id: string): Promise<UserRow | null> {
    return this.#first('userById', [id]);
  }
  async usernameExists(username: string): Promise<boolean> {
    return (await this.#first('usernameExists', [username])) !== null;
  }
  async botById(userId: string): Promise<BotRow | null> {
    return this.#first('botById', [userId]);
  }

  async insertBot(row: BotRow): Promise<void> {
    await this.#rows('insertBot', [row.user_id, row.created_by, row.created_at, row.token_hash]);
  }

  async setBotTokenHash(userId: string, tokenHash: string | null): Promise<void> {
    await this.#rows('setBotTokenHash', [userId, tokenHash]);
  }

  async insertUser(row: UserRow): Promise<void> {
    await this.#rows('insertUser', [row.id, row.username, row.name, row.kind, row.password_hash, row.external_id, row.created_at]);
  }
  async setUserName(id: string, name: string): Promise<void> {
    await this.#rows('setUserName', [id, name]);
  }
  async claimUser(id: string, username: string, passwordHash: string): Promise<void> {
    await this.#rows('claimUser', [id, username, passwordHash]);
  }
  async insertSession(row: { token_hash: string; user_id: string; expires_at: number }): Promise<void> {
    await this.#rows('insertSession', [row.token_hash, row.user_id, row.expires_at]);
  }
  async revokeSession(tokenHash: string): Promise<void> {
    await this.#rows('revokeSession', [tokenHash]);
  }

  async putTokenRevocation(row: TokenRevocationsTable): Promise<void> {
    await this.#rows('putTokenRevocation', [row.key, row.jti, row.subject, row.not_before, row.created_at]);
  }

  async roomById(id: string): Promise<RoomRow | null> {
    return this.#first('roomById', [id]);
  }
  async roomNameKeyExists(nameKey: string): Promise<boolean> {
    return (await this.#first('roomNameKeyExists', [nameKey])) !== null;
  }
  async insertRoom(row: Omit<RoomRow, 'last_seq' | 'member_count' | 'settings'>): Promise<void> {
    await this.#rows('insertRoom', [row.id, row.name, row.name_key, row.kind, row.created_by, row.created_at]);
  }
  async lockRoom(roomId: string, userId: string): Promise<LockedRoom | null> {
    let room = this.#cache.lockedRoom(roomId);
    if (room === undefined) {
      const row = await this.#first<RoomRow>('lockRoom', [roomId]);
      if (row === null) return null;
      this.#cache.locked(row);
      room = row;
    }
    let state = this.#cache.memberState(roomId, userId);
    if (state === undefined) {
      state = memberState(roomId, userId, (await this.#first<MemberAndLimitsRow>('memberAndLimits', [roomId, userId]))!);
      this.#cache.setMemberState(roomId, userId, state);
    }
    return { room, member: state.member, limits: state.limits };
  }
  async setRoomSettings(roomId: string, settings: string | null): Promise<void> {
    await this.#rows('setRoomSettings', [roomId, settings]);
    this.#cache.settings(roomId, settings);
  }
  async deleteRoomRows(roomId: string): Promise<void> {
    await this.#rows('deleteRoomRows', [roomId]);
    this.#cache.roomDeleted(roomId);
  }
  async appendEvent(event: NewEventRow): Promise<number> {
    const waiting = this.#cache.append(event);
    if (waiting !== null) return waiting;
    const { room_id, ts, kind, user_id, user_name, client_id, body, target, data, thread, also_in_room } = event;
    const row = await this.#first<{ seq: number }>('appendEvent', [room_id, ts, kind, user_id, user_name, client_id, body, target, data, thread, also_in_room]);
    if (row === null) throw new Error(`appendEvent: no room ${room_id}`);
    return row.seq;
  }

  async insertMember(row: { room_id: string; user_id: string; role: MemberRole; read_seq: number; joined_at: number }): Promise<void> {
    await this.#rows('insertMember', [row.room_id, row.user_id, row.role, row.read_seq, row.joined_at]);
    this.#cache.memberAdded(row.room_id, row.user_id);
  }
  async deleteMember(roomId: string, userId: string): Promise<void> {
    await this.#rows('deleteMember', [roomId, userId]);
    this.#cache.memberRemoved(roomId, userId);
  }
  async memberRoomIds(userId: string): Promise<string[]> {
    return (await this.#rows<{ room_id: string }>('memberRoomIds', [userId])).map((row) => row.room_id);
  }
  async advanceReadMarker(roomId: string, userId: string, seq: number): Promise<number | null> {
    this.#cache.memberChanged(roomId, userId);
    return (await this.#first<{ read_seq: number }>('advanceReadMarker', [roomId, userId, seq]))?.read_seq ?? null;
  }

  async memberOf(roomId: string, userId: string): Promise<MemberRow | null> {
    return this.#first('memberOf', [roomId, userId]);
  }
  async setMemberRole(roomId: string, userId: string, role: MemberRole): Promise<void> {
    await this.#rows('setMemberRole', [roomId, userId, role]);
    this.#cache.memberChanged(roomId, userId);
  }
  async memberIds(roomId: string): Promise<string[]> {
    return (await this.#rows<{ user_id: string }>('memberIds', [roomId])).map((row) => row.user_id);
  }

  async banOf(roomId: string, userId: string): Promise<BanRow | null> {
    return this.#first('banOf', [roomId, userId]);
  }
  async putBan(row: BanRow): Promise<void> {
    await this.#rows('putBan', [row.room_id, row.user_id, row.until, row.created_at]);
  }
  async deleteBan(roomId: string, userId: string): Promise<void> {
    await this.#rows('deleteBan', [roomId, userId]);
  }
  async setMutedUntil(roomId: string, userId: string, until: number | null): Promise<void> {
    await this.#rows('setMutedUntil', [roomId, userId, until]);
    this.#cache.memberChanged(roomId, userId);
  }
  async setLastPostAt(roomId: string, userId: string, ts: number): Promise<void> {
    await this.#rows('setLastPostAt', [roomId, userId, ts]);
    this.#cache.lastPostAt(roomId, userId, ts);
  }
  async recentMessageSeqs(roomId: string, userId: string, since: number, limit: number): Promise<number[]> {
    return (await this.#rows<{ seq: number }>('recentMessageSeqs', [roomId, userId, since, limit])).map((row) => row.seq);
  }
  async removeMessages(roomId: string, seqs: readonly number[]): Promise<void> {
    await this.#rows('removeMessages', [roomId, seqs]);
    this.#cache.messagesChanged(roomId);
  }

  async insertAudit(row: Omit<AuditRow, 'id'>): Promise<number> {
    const { room_id, ts, actor_id, actor_name, action, target_id, target_name, reason, details } = row;
    return (await this.#first<{ id: number }>('insertAudit', [room_id, ts, actor_id, actor_name, action, target_id, target_name, reason, details]))!.id;
  }
  async insertReport(row: Omit<ReportRow, 'id' | 'resolved_by_id' | 'resolved_by_name' | 'resolved_at'>): Promise<number> {
    const { room_id, target, author_id, author_name, reporter_id, reporter_name, reason, created_at } = row;
    return (await this.#first<{ id: number }>('insertReport', [room_id, target, author_id, author_name, reporter_id, reporter_name, reason, created_at]))!.id;
  }
  async reportById(id: number): Promise<ReportRow | null> {
    return this.#first('reportById', [id]);
  }
  async openReportOf(roomId: string, target: number, reporterId: string): Promise<ReportRow | null> {
    return this.#first('openReportOf', [roomId, target, reporterId]);
  }
  async resolveReport(id: number, by: { id: string; name: string }, ts: number): Promise<void> {
    await this.#rows('resolveReport', [id, by.id, by.name, ts]);
  }
  async blocks(userId: string, blockedId: string): Promise<boolean> {
    return (await this.#first('blocks', [userId, blockedId])) !== null;
  }
  async blockCount(userId: string): Promise<number> {
    return (await this.#first<{ n: number }>('blockCount', [userId]))!.n;
  }
  async insertBlock(row: { user_id: string; blocked_id: string; created_at: number }): Promise<void> {
    await this.#rows('insertBlock', [row.user_id, row.blocked_id, row.created_at]);
  }
  async deleteBlock(userId: string, blockedId: string): Promise<void> {
    await this.#rows('deleteBlock', [userId, blockedId]);
  }
  async blockedByPeer(roomId: string, senderId: string): Promise<boolean> {
    return (await this.#first('blockedByPeer', [roomId, senderId])) !== null;
  }

  async setUserDisabled(userId: string, disabled: 0 | 1): Promise<void> {
    await this.#rows('setUserDisabled', [userId, disabled]);
  }
  async revokeUserSessions(userId: string): Promise<string[]> {
    return (await this.#rows<{ token_hash: string }>('revokeUserSessions', [userId, Date.now()])).map((row) => row.token_hash);
  }
  async deleteUserRows(userId: string): Promise<void> {
    await this.#rows('deleteUserRows', [userId]);
    this.#cache.forgetRows();
  }

  async eventBySeq(roomId: string, seq: number): Promise<EventRow | null> {
    return this.#first('eventBySeq', [roomId, seq]);
  }
  async messageByClientId(roomId: string, userId: string, clientId: string): Promise<EventRow | null> {
    const known = this.#cache.message(roomId, userId, clientId);
    if (known !== undefined) return known;
    const row = await this.#first<EventRow>('messageByClientId', [roomId, userId, clientId]);
    if (this.#cache.lockedRoom(roomId) !== undefined) this.#cache.setMessage(roomId, userId, clientId, row);
    return row;
  }
  async setMessageBody(roomId: string, seq: number, body: string, editedTs: number): Promise<void> {
    await this.#rows('setMessageBody', [roomId, seq, body, editedTs]);
    this.#cache.messagesChanged(roomId);
  }
  async tombstoneMessage(roomId: string, seq: number): Promise<void> {
    await this.#rows('tombstoneMessage', [roomId, seq]);
    this.#cache.messagesChanged(roomId);
  }
  async setMessageData(roomId: string, seq: number, data: string | null): Promise<void> {
    await this.#rows('setMessageData', [roomId, seq, data]);
    this.#cache.messagesChanged(roomId);
  }
  async eraseEditBodies(roomId: string, target: number): Promise<void> {
    await this.#rows('eraseEditBodies', [roomId, target]);
  }
  /** Nothing to do: the search index is an index of the events table (search-postgres-keys.ts), kept by the row's own writes. */
  async indexMessage(): Promise<void> {}

  async reactionsOf(roomId: string, target: number): Promise<ReactionRow[]> {
    return this.#rows('reactionsOf', [roomId, target]);
  }
  async reactionExists(roomId: string, target: number, userId: string, emoji: string): Promise<boolean> {
    return (await this.#first('reactionExists', [roomId, target, userId, emoji])) !== null;
  }
  async insertReaction(row: { room_id: string; target: number; user_id: string; emoji: string; seq: number }): Promise<void> {
    await this.#rows('insertReaction', [row.room_id, row.target, row.user_id, row.emoji, row.seq]);
  }
  async deleteReaction(roomId: string, target: number, userId: string, emoji: string): Promise<void> {
    await this.#rows('deleteReaction', [roomId, target, userId, emoji]);
  }
  async deleteReactionsOf(roomId: string, target: number): Promise<void> {
    await this.#rows('deleteReactionsOf', [roomId, target]);
  }

  async uploadedBytesSince(userId: string, since: number): Promise<number> {
    return Number((await this.#first<{ bytes: number }>('uploadedBytesSince', [userId, since]))?.bytes ?? 0);
  }
  async lockFileBySha(sha256: string): Promise<FileRow | null> {
    return this.#first('lockFileBySha', [sha256]);
  }
  async lockFile(id: string): Promise<FileRow | null> {
    return this.#first('lockFile', [id]);
  }
  async insertFile(row: FileRow): Promise<void> {
    const { id, room_id, user_id, seq, name, size, content_type, sha256, blob_key, thumb_key, width, height, created_at } = row;
    await this.#rows('insertFile', [id, room_id, user_id, seq, name, size, content_type, sha256, blob_key, thumb_key, width, height, created_at]);
  }
  async attachFile(id: string, seq: number): Promise<void> {
    await this.#rows('attachFile', [id, seq]);
  }
  async lockFileSweep(): Promise<void> {
    await this.#rows('lockFileSweep', []);
  }
  async sweepableFiles(unattachedBefore: number): Promise<FileRow[]> {
    return this.#rows('sweepableFiles', [unattachedBefore]);
  }
  async roomFiles(roomId: string): Promise<FileRow[]> {
    return this.#rows('roomFiles', [roomId]);
  }
  async deleteFile(id: string): Promise<void> {
    await this.#rows('deleteFile', [id]);
  }
  async blobKeyInUse(key: string): Promise<boolean> {
    return (await this.#first<{ used: boolean }>('blobKeyInUse', [key]))?.used ?? false;
  }

  async threadOf(roomId: string, root: number): Promise<ThreadRow | null> {
    return this.#first('threadOf', [roomId, root]);
  }
  async putThread(row: ThreadRow): Promise<void> {
    await this.#rows('putThread', [row.room_id, row.root, row.replies, row.last_seq, row.last_ts, row.participants]);
  }
  async followOf(roomId: string, root: number, userId: string): Promise<ThreadFollowRow | null> {
    return this.#first('followOf', [roomId, root, userId]);
  }
  async putFollow(row: FollowWrite): Promise<void> {
    await this.#rows('putFollow', [row.room_id, row.root, row.user_id, row.following, row.read_seq]);
  }
  async recountFollows(roomId: string, root: number, userIds: readonly string[] | null): Promise<ThreadFollowRow[]> {
    return this.#rows('recountFollows', [roomId, root, userIds]);
  }
  async memberIdsByUsernames(roomId: string, usernames: readonly string[]): Promise<string[]> {
    if (usernames.length === 0) return [];
    return (await this.#rows<{ user_id: string }>('memberIdsByUsernames', [roomId, usernames])).map((row) => row.user_id);
  }
}
