/**
 * Reads of the event log, in current state (see store.ts). Each reads the
 * events first and the room's latest seq second: a batch may commit between
 * the two queries, and this order can then only report more history
 * (hasAfter), never events past latestSeq.
 */
import type { HistoryPage, MessageEvent, Reactions, RoomEvent } from '@parley/protocol';
import { attachThreads, threadsIn } from './thread-info.js';
import type { Kysely } from 'kysely';
import type { PageQuery } from '../store.js';
import { groupReactions, messageSeqRange, toRoomEvents } from './rows.js';
import type { Database, EventRow } from './schema.js';

/** The rows as events in current state: messages with their reactions, roots with their threads' info. */
export async function withReactions(db: Kysely<Database>, roomId: string, rows: EventRow[]): Promise<RoomEvent[]> {
  const range = messageSeqRange(rows);
  if (range === null) return toRoomEvents(rows, new Map());
  const events = toRoomEvents(rows, await reactionsIn(db, roomId, range));
  attachThreads(events, await threadsIn(db, roomId, range));
  return events;
}

async function reactionsIn(db: Kysely<Database>, roomId: string, range: { from: number; to: number }): Promise<Map<number, Reactions>> {
  const reactions = await db
    .selectFrom('reactions')
    .select(['target', 'user_id', 'emoji'])
    .where('room_id', '=', roomId)
    .where('target', '>=', range.from)
    .where('target', '<=', range.to)
    .orderBy('target')
    .orderBy('seq')
    .execute();
  return groupReactions(reactions);
}

export async function latestSeq(db: Kysely<Database>, roomId: string): Promise<number> {
  const row = await db.selectFrom('rooms').select('last_seq').where('id', '=', roomId).executeTakeFirst();
  return row?.last_seq ?? 0;
}

export async function latestSeqs(db: Kysely<Database>, roomIds: readonly string[]): Promise<Map<string, number>> {
  if (roomIds.length === 0) return new Map();
  const rows = await db.selectFrom('rooms').select(['id', 'last_seq']).where('id', 'in', roomIds).execute();
  return new Map(rows.map((row) => [row.id, row.last_seq]));
}

export async function eventsAfter(db: Kysely<Database>, roomId: string, after: number, limit: number): Promise<RoomEvent[]> {
  const rows = await db
    .selectFrom('events')
    .selectAll()
    .where('room_id', '=', roomId)
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return withReactions(db, roomId, rows);
}

/** Relies on seqs being dense (1 … latestSeq) to tell whether events exist outside the page. */
export async function page(db: Kysely<Database>, roomId: string, query: PageQuery): Promise<HistoryPage> {
  let select = db.selectFrom('events').selectAll().where('room_id', '=', roomId).limit(query.limit);
  if (query.after !== undefined) select = select.where('seq', '>', query.after).orderBy('seq', 'asc');
  else if (query.before !== undefined) select = select.where('seq', '<', query.before).orderBy('seq', 'desc');
  else select = select.orderBy('seq', 'desc');
  const rows = await select.execute();
  if (query.after === undefined) rows.reverse();
  const events = await withReactions(db, roomId, rows);
  const latest = await latestSeq(db, roomId);
  const first = events[0]?.seq;
  const last = events.at(-1)?.seq;
  const hasBefore = first !== undefined ? first > 1 : query.after !== undefined && Math.min(query.after, latest) >= 1;
  const hasAfter = last !== undefined ? last < latest : query.before !== undefined && query.before <= latest;
  return { room: roomId, events, hasBefore, hasAfter, latestSeq: latest };
}

export async function findMessage(db: Kysely<Database>, roomId: string, seq: number): Promise<MessageEvent | null> {
  const row = await db
    .selectFrom('events')
    .selectAll()
    .where('room_id', '=', roomId)
    .where('seq', '=', seq)
    .where('kind', '=', 'message')
    .executeTakeFirst();
  if (!row) return null;
  const [event] = await withReactions(db, roomId, [row]);
  return event as MessageEvent;
}
