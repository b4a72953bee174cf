/** Thread rows to protocol objects (§25), for the thread rules and reads of both stores. */
import type { ThreadInfo, ThreadState, UserRef } from '@parley/protocol';
import type { ThreadFollowRow, ThreadRow } from './schema.js';

/** A thread's info; a root without replies yet has none (count 0). */
export function toThreadInfo(row: Pick<ThreadRow, 'replies' | 'last_seq' | 'last_ts' | 'participants'> | null, root: number): ThreadInfo {
  if (row === null) return { count: 0, lastSeq: root, lastTs: 0, participants: [] };
  return { count: row.replies, lastSeq: row.last_seq, lastTs: row.last_ts, participants: JSON.parse(row.participants) as UserRef[] };
}

export function toThreadState(follow: ThreadFollowRow, info: ThreadInfo): ThreadState {
  return {
    room: follow.room_id,
    root: follow.root,
    info,
    following: follow.following === 1,
    readSeq: follow.read_seq,
    unread: follow.unread,
    version: follow.version,
  };
}
