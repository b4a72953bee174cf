/** Reads of threads (§25), shared by both stores. */
import type { MessageEvent, RepliesPage, RoomEvent, ThreadListItem, ThreadState } from '@parley/protocol';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { toRoomEvent } from './rows.js';
import { toThreadInfo, toThreadState } from './thread-rows.js';
import { withReactions } from './log-reads.js';

/** The user's view of the thread; null without a row (they neither follow it nor read it). */
export async function threadState(db: Kysely<Database>, roomId: string, root: number, userId: string): Promise<ThreadState | null> {
  const follow = await db
    .selectFrom('thread_follows')
    .selectAll()
    .where('room_id', '=', roomId)
    .where('root', '=', root)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!follow) return null;
  const thread = await db.selectFrom('threads').selectAll().where('room_id', '=', roomId).where('root', '=', root).executeTakeFirst();
  return toThreadState(follow, toThreadInfo(thread ?? null, root));
}

/** A page of the thread: its root and its replies after `after`; null when `root` is no root message of the room. */
export async function replies(
  db: Kysely<Database>,
  roomId: string,
  root: number,
  query: { after: number; limit: number },
  userId: string,
): Promise<RepliesPage | null> {
  const rootRow = await db.selectFrom('events').selectAll().where('room_id', '=', roomId).where('seq', '=', root).executeTakeFirst();
  if (!rootRow || rootRow.kind !== 'message' || rootRow.thread !== null) return null;
  const rows = await db
    .selectFrom('events')
    .selectAll()
    .where('room_id', '=', roomId)
    .where('thread', '=', root)
    .where('seq', '>', query.after)
    .orderBy('seq')
    .limit(query.limit + 1)
    .execute();
  const hasAfter = rows.length > query.limit;
  if (hasAfter) rows.pop();
  const [first, ...rest] = (await withReactions(db, roomId, [rootRow, ...rows])) as MessageEvent[];
  return { room: roomId, root: first!, replies: rest, hasAfter, thread: await threadState(db, roomId, root, userId) };
}

/** The threads the user follows in rooms they are a member of: unread ones first, then by newest reply. */
export async function followedThreads(db: Kysely<Database>, userId: string, limit: number): Promise<ThreadListItem[]> {
  const rows = await db
    .selectFrom('thread_follows as f')
    .innerJoin('members as m', (join) => join.onRef('m.room_id', '=', 'f.room_id').onRef('m.user_id', '=', 'f.user_id'))
    .innerJoin('threads as t', (join) => join.onRef('t.room_id', '=', 'f.room_id').onRef('t.root', '=', 'f.root'))
    .innerJoin('events as e', (join) => join.onRef('e.room_id', '=', 'f.room_id').onRef('e.seq', '=', 'f.root'))
    .selectAll('f')
    .select(['t.replies', 't.last_seq', 't.last_ts', 't.participants'])
    .select([
      'e.ts as e_ts', 'e.kind as e_kind', 'e.user_id as e_user_id', 'e.user_name as e_user_name', 'e.client_id as e_client_id',
      'e.body as e_body', 'e.target as e_target', 'e.data as e_data', 'e.edited_ts as e_edited_ts', 'e.deleted as e_deleted',
      'e.thread as e_thread', 'e.also_in_room as e_also_in_room',
    ])
    .where('f.user_id', '=', userId)
    .where('f.following', '=', 1)
    .orderBy((eb) => eb.case().when('f.unread', '>', 0).then(0).else(1).end())
    .orderBy('t.last_ts', 'desc')
    .orderBy('t.last_seq', 'desc')
    .orderBy('f.room_id')
    .orderBy('f.root')
    .limit(limit)
    .execute();
  return rows.map((row) => {
    const info = toThreadInfo(row, row.root);
    const message = toRoomEvent({
      room_id: row.room_id, seq: row.root, ts: row.e_ts, kind: row.e_kind, user_id: row.e_user_id, user_name: row.e_user_name,
      client_id: row.e_client_id, body: row.e_body, target: row.e_target, data: row.e_data, edited_ts: row.e_edited_ts,
      deleted: row.e_deleted, thread: row.e_thread, also_in_room: row.e_also_in_room,
    }) as MessageEvent;
    message.replies = info;
    return { ...toThreadState(row, info), message };
  });
}

/** The user's unread replies in the thread, counted from the log now (what `unread` must equal). */
export async function countThreadUnread(db: Kysely<Database>, roomId: string, root: number, userId: string): Promise<number> {
  const follow = await db
    .selectFrom('thread_follows')
    .select('read_seq')
    .where('room_id', '=', roomId)
    .where('root', '=', root)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!follow) return 0;
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('room_id', '=', roomId)
    .where('thread', '=', root)
    .where('seq', '>', follow.read_seq)
    .where('deleted', '=', 0)
    .where('user_id', '<>', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
