/** Reads of roles, the audit log, bans, reports and blocks, and the admin view's lists, shared by both stores. */
import { sql, type Kysely } from 'kysely';
import type { AuditEntry, Ban, Report, Role, UserSummary } from '@parley/protocol';
import type { StoredRoomInfo, StoredUser } from '../store.js';
import { parseSettings, toAuditEntry, toReport, toStoredUser } from './rows.js';
import type { Database } from './schema.js';

export async function memberRole(db: Kysely<Database>, roomId: string, userId: string): Promise<Role | null> {
  const row = await db.selectFrom('members').select('role').where('room_id', '=', roomId).where('user_id', '=', userId).executeTakeFirst();
  return row?.role ?? null;
}

/** Through the partial index of members above `member` (migration 4). */
export async function staffIds(db: Kysely<Database>, roomId: string): Promise<string[]> {
  const rows = await db.selectFrom('members').select('user_id').where('room_id', '=', roomId).where('role', '<>', 'member').execute();
  return rows.map((row) => row.user_id);
}

export async function auditLog(
  db: Kysely<Database>,
  query: { room?: string; before?: number; limit: number },
): Promise<{ entries: AuditEntry[]; hasMore: boolean }> {
  let select = db.selectFrom('audit').selectAll().orderBy('id', 'desc').limit(query.limit + 1);
  if (query.room !== undefined) select = select.where('room_id', '=', query.room);
  if (query.before !== undefined) select = select.where('id', '<', query.before);
  const rows = await select.execute();
  const hasMore = rows.length > query.limit;
  return { entries: rows.slice(0, query.limit).map(toAuditEntry), hasMore };
}

export async function listBans(db: Kysely<Database>, roomId: string, now = Date.now()): Promise<Ban[]> {
  const rows = await db
    .selectFrom('bans as b')
    .innerJoin('users as u', 'u.id', 'b.user_id')
    .select(['u.id', 'u.name', 'u.username', 'u.kind', 'b.until', 'b.created_at'])
    .where('b.room_id', '=', roomId)
    .where((eb) => eb.or([eb('b.until', 'is', null), eb('b.until', '>', now)]))
    .orderBy('b.created_at', 'desc')
    .execute();
  return rows.map((row) => {
    const ban: Ban = { user: { id: row.id, name: row.name, username: row.username, kind: row.kind }, ts: row.created_at };
    if (row.until !== null) ban.until = row.until;
    return ban;
  });
}

export async function openReports(db: Kysely<Database>, roomId: string, limit: number): Promise<Report[]> {
  const rows = await db
    .selectFrom('reports')
    .selectAll()
    .where('room_id', '=', roomId)
    .where('resolved_at', 'is', null)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toReport);
}

export async function blockedBy(db: Kysely<Database>, userId: string): Promise<UserSummary[]> {
  const rows = await db
    .selectFrom('blocks as b')
    .innerJoin('users as u', 'u.id', 'b.blocked_id')
    .select(['u.id', 'u.name', 'u.username', 'u.kind'])
    .where('b.user_id', '=', userId)
    .orderBy('b.created_at')
    .orderBy('u.id')
    .execute();
  return rows.map((row) => ({ id: row.id, name: row.name, username: row.username, kind: row.kind }));
}

/** `%q%` for LIKE, with LIKE's own characters taken literally (ESCAPE '\'). */
function containing(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function searchUsers(db: Kysely<Database>, q: string, limit: number): Promise<StoredUser[]> {
  let select = db.selectFrom('users').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit);
  if (q !== '') {
    const pattern = containing(q);
    select = select.where(sql<boolean>`(lower(username) LIKE ${pattern} ESCAPE '\\' OR lower(name) LIKE ${pattern} ESCAPE '\\')`);
  }
  return (await select.execute()).map(toStoredUser);
}

export async function listAllRooms(db: Kysely<Database>, q: string, limit: number): Promise<StoredRoomInfo[]> {
  let select = db.selectFrom('rooms').selectAll().where('kind', '<>', 'dm').orderBy('created_at').orderBy('id').limit(limit);
  if (q !== '') select = select.where(sql<boolean>`lower(name) LIKE ${containing(q)} ESCAPE '\\'`);
  const rows = await select.execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    kind: row.kind as StoredRoomInfo['kind'],
    members: row.member_count,
    latestSeq: row.last_seq,
    createdAt: row.created_at,
    settings: parseSettings(row.settings),
  }));
}

export async function counts(db: Kysely<Database>): Promise<{ users: number; rooms: number }> {
  const users = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rooms = await db.selectFrom('rooms').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '<>', 'dm').executeTakeFirstOrThrow();
  return { users: Number(users.n), rooms: Number(rooms.n) };
}
