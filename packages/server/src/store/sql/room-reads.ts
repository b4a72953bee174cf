/** Reads of rooms and members off the connect path (summaries and a user's rooms: connect-reads.ts). */
import type { Kysely } from 'kysely';
import type { StoredMember, StoredRoom } from '../store.js';
import type { Database } from './schema.js';

export async function findRoom(db: Kysely<Database>, id: string): Promise<StoredRoom | null> {
  const row = await db.selectFrom('rooms').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  return { id: row.id, name: row.name, kind: row.kind, createdBy: row.created_by, createdAt: row.created_at };
}

export async function listMembers(db: Kysely<Database>, roomId: string, now = Date.now()): Promise<StoredMember[]> {
  const rows = await db
    .selectFrom('members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .leftJoin('member_limits as l', (join) => join.onRef('l.room_id', '=', 'm.room_id').onRef('l.user_id', '=', 'm.user_id'))
    .select(['u.id', 'u.name', 'u.username', 'u.kind', 'm.role', 'm.read_seq', 'l.muted_until'])
    .where('m.room_id', '=', roomId)
    .orderBy('m.joined_at')
    .orderBy('u.username')
    .execute();
  return rows.map((row) => {
    const member: StoredMember = {
      user: { id: row.id, name: row.name, username: row.username, kind: row.kind },
      role: row.role,
      readSeq: row.read_seq,
    };
    if (row.muted_until !== null && row.muted_until > now) member.timedOutUntil = row.muted_until;
    return member;
  });
}

export async function isMember(db: Kysely<Database>, roomId: string, userId: string): Promise<boolean> {
  const row = await db.selectFrom('members').select('role').where('room_id', '=', roomId).where('user_id', '=', userId).executeTakeFirst();
  return row !== undefined;
}
