/** The thread info of roots, as history and resume serve them (§25). */
import type { MessageEvent, RoomEvent } from '@parley/protocol';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { toThreadInfo } from './thread-rows.js';

/** Sets `replies` on the live messages among `events` (seqs within `range`) that are roots of threads. */
export async function withThreads(db: Kysely<Database>, roomId: string, events: RoomEvent[], range: { from: number; to: number }): Promise<void> {
  const threads = await db
    .selectFrom('threads')
    .selectAll()
    .where('room_id', '=', roomId)
    .where('root', '>=', range.from)
    .where('root', '<=', range.to)
    .execute();
  if (threads.length === 0) return;
  const byRoot = new Map(threads.map((row) => [row.root, row]));
  for (const event of events) {
    const row = event.kind === 'message' ? byRoot.get(event.seq) : undefined;
    if (row) (event as MessageEvent).replies = toThreadInfo(row, row.root);
  }
}
