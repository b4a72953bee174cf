/** The thread info of roots, as history and resume serve them (§25). */
import type { MessageEvent, RoomEvent } from '@parley/protocol';
import type { Kysely } from 'kysely';
import type { Database, ThreadRow } from './schema.js';
import { toThreadInfo } from './thread-rows.js';

/** The threads whose roots are within `range`, by root. */
export async function threadsIn(db: Kysely<Database>, roomId: string, range: { from: number; to: number }): Promise<Map<number, ThreadRow>> {
  const threads = await db
    .selectFrom('threads')
    .selectAll()
    .where('room_id', '=', roomId)
    .where('root', '>=', range.from)
    .where('root', '<=', range.to)
    .execute();
  return new Map(threads.map((row) => [row.root, row]));
}

/** Sets `replies` on the messages among `events` that are roots in `byRoot`. */
export function attachThreads(events: RoomEvent[], byRoot: ReadonlyMap<number, ThreadRow>): void {
  if (byRoot.size === 0) return;
  for (const event of events) {
    const row = event.kind === 'message' ? byRoot.get(event.seq) : undefined;
    if (row) (event as MessageEvent).replies = toThreadInfo(row, row.root);
  }
}
