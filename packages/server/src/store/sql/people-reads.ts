/**
 * Reads of the people picker, the profile card and the guest lifecycle, shared by both stores.
 *
 * Who can be found: the people who share a room with the one looking (DMs included, so everyone
 * in the lobby), or the members of one room. Disabled accounts are never found. What is found is
 * a UserSummary: nothing a member list would not show.
 */
import { sql, type Kysely } from 'kysely';
import type { UserSummary } from '@parley/protocol';
import type { Database } from './schema.js';

export interface PeopleQuery {
  /** The one looking. */
  userId: string;
  /** Contained in the display name or username, ignoring case (ASCII case in SQLite). */
  query: string;
  /** Only members of this room; the caller checks that the user may read it. */
  room?: string | undefined;
  limit: number;
}

/** LIKE's own characters taken literally (ESCAPE '\'). */
function escaped(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function findPeople(db: Kysely<Database>, q: PeopleQuery): Promise<UserSummary[]> {
  const text = escaped(q.query);
  const prefix = `${text}%`;
  const contains = `%${text}%`;
  let select = db
    .selectFrom('users as u')
    .select(['u.id', 'u.name', 'u.username', 'u.kind'])
    .where('u.disabled', '=', 0)
    .where(sql<boolean>`(lower(u.name) LIKE ${contains} ESCAPE '\\' OR u.username LIKE ${contains} ESCAPE '\\')`);
  select =
    q.room !== undefined
      ? select.where(({ exists, selectFrom }) =>
          exists(selectFrom('members as m').select('m.user_id').where('m.room_id', '=', q.room!).whereRef('m.user_id', '=', 'u.id')),
        )
      : select.where(({ exists, selectFrom }) =>
          exists(
            selectFrom('members as mine')
              .innerJoin('members as theirs', 'theirs.room_id', 'mine.room_id')
              .select('theirs.user_id')
              .where('mine.user_id', '=', q.userId)
              .whereRef('theirs.user_id', '=', 'u.id'),
          ),
        );
  const rows = await select
    .orderBy(sql`CASE WHEN lower(u.name) LIKE ${prefix} ESCAPE '\\' OR u.username LIKE ${prefix} ESCAPE '\\' THEN 0 ELSE 1 END`)
    .orderBy(sql`lower(u.name)`)
    .orderBy('u.id')
    .limit(q.limit)
    .execute();
  return rows.map((row) => ({ id: row.id, name: row.name, username: row.username, kind: row.kind }));
}

/** `userId` as `viewerId` may see them: themself, or someone sharing a room with them, not disabled; else null. */
export async function visiblePerson(db: Kysely<Database>, viewerId: string, userId: string): Promise<UserSummary | null> {
  const row = await db
    .selectFrom('users as u')
    .select(['u.id', 'u.name', 'u.username', 'u.kind'])
    .where('u.id', '=', userId)
    .where('u.disabled', '=', 0)
    .where((eb) =>
      eb.or([
        eb('u.id', '=', viewerId),
        eb.exists(
          eb
            .selectFrom('members as mine')
            .innerJoin('members as theirs', 'theirs.room_id', 'mine.room_id')
            .select('theirs.user_id')
            .where('mine.user_id', '=', viewerId)
            .whereRef('theirs.user_id', '=', 'u.id'),
        ),
      ]),
    )
    .executeTakeFirst();
  return row ? { id: row.id, name: row.name, username: row.username, kind: row.kind } : null;
}

/**
 * Guests who can never come back: no session that is unrevoked and unexpired at `now`. Oldest
 * first. One with no session at all only when created before `createdBefore`: a guest's session
 * is made just after the guest.
 */
export async function departedGuests(db: Kysely<Database>, query: { now: number; createdBefore: number; limit: number }): Promise<string[]> {
  const now = query.now;
  const rows = await db
    .selectFrom('users as u')
    .select('u.id')
    .where('u.kind', '=', 'guest')
    .where(({ not, exists, or, eb, selectFrom }) =>
      eb.and([
        not(exists(selectFrom('sessions as s').select('s.user_id').whereRef('s.user_id', '=', 'u.id').where('s.revoked', '=', 0).where('s.expires_at', '>', now))),
        or([exists(selectFrom('sessions as s').select('s.user_id').whereRef('s.user_id', '=', 'u.id')), eb('u.created_at', '<', query.createdBefore)]),
      ]),
    )
    .orderBy('u.created_at')
    .orderBy('u.id')
    .limit(query.limit)
    .execute();
  return rows.map((row) => row.id);
}
