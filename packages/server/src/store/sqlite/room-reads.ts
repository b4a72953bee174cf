/** Reads of rooms, members and room summaries. */
import { UNREAD_MAX, type UserSummary } from '@parley/protocol';
import { sql, type Kysely } from 'kysely';
import type { StoredMember, StoredRoom, StoredRoomSummary } from '../store.js';
import type { Database } from './schema.js';

export async function findRoom(db: Kysely<Database>, id: string): Promise<StoredRoom | null> {
  const row = await db.selectFrom('rooms').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  return { id: row.id, name: row.name, kind: row.kind, createdBy: row.created_by, createdAt: row.created_at };
}

export async function memberRoomIds(db: Kysely<Database>, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('members').select('room_id').where('user_id', '=', userId).orderBy('room_id').execute();
  return rows.map((row) => row.room_id);
}

export async function listMembers(db: Kysely<Database>, roomId: string): Promise<StoredMember[]> {
  const rows = await db
    .selectFrom('members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.name', 'u.username', 'u.kind', 'm.role', 'm.read_seq'])
    .where('m.room_id', '=', roomId)
    .orderBy('m.joined_at')
    .orderBy('u.username')
    .execute();
  return rows.map((row) => ({
    user: { id: row.id, name: row.name, username: row.username, kind: row.kind },
    role: row.role,
    readSeq: row.read_seq,
  }));
}

/**
 * Summaries of the rooms `userId` may see listed (every public room and every
 * room they are a member of), or of the one room `onlyRoom` whatever its kind.
 * Outside rooms the user has joined, readSeq and unread are 0.
 */
export async function roomSummaries(db: Kysely<Database>, userId: string, onlyRoom?: string): Promise<StoredRoomSummary[]> {
  let query = db
    .selectFrom('rooms as r')
    .leftJoin('members as m', (join) => join.onRef('m.room_id', '=', 'r.id').on('m.user_id', '=', userId))
    .select((eb) => [
      'r.id',
      'r.name',
      'r.kind',
      'r.last_seq',
      'm.user_id as member_id',
      'm.read_seq',
      'r.member_count',
      // The first UNREAD_MAX messages by others after the marker, through the index of live
      // messages: what this reads grows with neither the room's members nor its other events.
      // The index's condition is written as literals: with bound values SQLite can use a partial
      // index only by preparing the statement again on every execution.
      eb
        .selectFrom(
          eb
            .selectFrom('events as e')
            .select('e.seq')
            .whereRef('e.room_id', '=', 'r.id')
            .whereRef('e.seq', '>', 'm.read_seq')
            .where('e.kind', '=', sql.lit('message'))
            .where('e.deleted', '=', sql.lit(0))
            .where('e.user_id', '!=', userId)
            .limit(UNREAD_MAX)
            .as('u'),
        )
        .select(eb.fn.countAll<number>().as('n'))
        .as('unread'),
    ]);
  query = onlyRoom === undefined
    ? query.where((eb) => eb.or([eb('r.kind', '=', 'public'), eb('m.user_id', 'is not', null)]))
    : query.where('r.id', '=', onlyRoom);
  const rows = await query.orderBy('r.created_at').orderBy('r.id').execute();
  const peers = await dmPeers(db, userId, rows.filter((row) => row.kind === 'dm').map((row) => row.id));
  return rows.map((row) => {
    const joined = row.member_id !== null;
    const summary: StoredRoomSummary = {
      id: row.id,
      name: row.name,
      kind: row.kind,
      joined,
      members: row.member_count,
      latestSeq: row.last_seq,
      readSeq: joined ? (row.read_seq ?? 0) : 0,
      unread: joined ? (row.unread ?? 0) : 0,
    };
    const peer = peers.get(row.id);
    if (peer) {
      summary.name = peer.name;
      summary.peer = peer;
    }
    return summary;
  });
}

/**
 * For each DM, its other member; the user themself when they are its only
 * member (a DM with oneself, or one the other side has left).
 */
async function dmPeers(db: Kysely<Database>, userId: string, roomIds: string[]): Promise<Map<string, UserSummary>> {
  const peers = new Map<string, UserSummary>();
  if (roomIds.length === 0) return peers;
  const rows = await db
    .selectFrom('members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.room_id', 'u.id', 'u.name', 'u.username', 'u.kind'])
    .where('m.room_id', 'in', roomIds)
    .execute();
  for (const row of rows) {
    if (row.id === userId && peers.has(row.room_id)) continue;
    peers.set(row.room_id, { id: row.id, name: row.name, username: row.username, kind: row.kind });
  }
  return peers;
}

export async function isMember(db: Kysely<Database>, roomId: string, userId: string): Promise<boolean> {
  const row = await db.selectFrom('members').select('role').where('room_id', '=', roomId).where('user_id', '=', userId).executeTakeFirst();
  return row !== undefined;
}
