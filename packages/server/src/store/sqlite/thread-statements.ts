/** The statements of the thread writes (WriteTx's threads part, ../rules/thread-writes.ts) on the writer's connection. */
import type { Database, Statement } from 'better-sqlite3';
import type { FollowWrite } from '../rules/write-tx.js';
import type { ThreadFollowRow, ThreadRow } from '../sql/schema.js';

type Params = unknown[] | [Record<string, unknown>];

export class ThreadStatements {
  readonly threadOf: Statement<[string, number], ThreadRow>;
  readonly putThread: Statement<[ThreadRow]>;
  readonly followOf: Statement<[string, number, string], ThreadFollowRow>;
  readonly putFollow: Statement<[FollowWrite]>;
  readonly recountFollows: Statement<[{ room_id: string; root: number; users: string | null }], ThreadFollowRow>;
  readonly memberIdsByUsernames: Statement<[string, string], string>;

  constructor(db: Database) {
    const prepare = <P extends Params, R = void>(sql: string) => db.prepare(sql) as unknown as Statement<P, R>;
    this.threadOf = prepare(`SELECT * FROM threads WHERE room_id = ? AND root = ?`);
    this.putThread = prepare(`INSERT INTO threads (room_id, root, replies, last_seq, last_ts, participants)
      VALUES (@room_id, @root, @replies, @last_seq, @last_ts, @participants)
      ON CONFLICT (room_id, root) DO UPDATE SET replies = excluded.replies, last_seq = excluded.last_seq,
        last_ts = excluded.last_ts, participants = excluded.participants`);
    this.followOf = prepare(`SELECT * FROM thread_follows WHERE room_id = ? AND root = ? AND user_id = ?`);
    this.putFollow = prepare(`INSERT INTO thread_follows (room_id, root, user_id, following, read_seq)
      VALUES (@room_id, @root, @user_id, @following, @read_seq)
      ON CONFLICT (room_id, root, user_id) DO UPDATE SET following = excluded.following, read_seq = excluded.read_seq`);
    // Through the partial index of replies (events_thread); `users` is a JSON array of ids, or null for all.
    this.recountFollows = prepare(`UPDATE thread_follows SET version = version + 1,
        unread = (SELECT count(*) FROM events e WHERE e.room_id = thread_follows.room_id AND e.thread = thread_follows.root
          AND e.seq > thread_follows.read_seq AND e.deleted = 0 AND e.user_id != thread_follows.user_id)
      WHERE room_id = @room_id AND root = @root AND (@users IS NULL OR user_id IN (SELECT value FROM json_each(@users)))
      RETURNING *`);
    this.memberIdsByUsernames = prepare<[string, string], string>(`SELECT m.user_id FROM members m JOIN users u ON u.id = m.user_id
      WHERE m.room_id = ? AND u.username IN (SELECT value FROM json_each(?)) ORDER BY m.user_id`).pluck();
  }
}
