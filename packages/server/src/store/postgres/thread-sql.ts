/** The statements of the thread writes (WriteTx's threads part, ../rules/thread-writes.ts), as SQLite's (sqlite/thread-statements.ts). */
export const THREAD_SQL = {
  threadOf: `SELECT * FROM threads WHERE room_id = $1 AND root = $2`,
  putThread: `INSERT INTO threads (room_id, root, replies, last_seq, last_ts, participants) VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (room_id, root) DO UPDATE SET replies = EXCLUDED.replies, last_seq = EXCLUDED.last_seq,
      last_ts = EXCLUDED.last_ts, participants = EXCLUDED.participants`,
  followOf: `SELECT * FROM thread_follows WHERE room_id = $1 AND root = $2 AND user_id = $3`,
  putFollow: `INSERT INTO thread_follows (room_id, root, user_id, following, read_seq) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (room_id, root, user_id) DO UPDATE SET following = EXCLUDED.following, read_seq = EXCLUDED.read_seq`,
  // Through the partial index of replies (events_thread); $3 null: every follower row.
  recountFollows: `UPDATE thread_follows f SET version = f.version + 1,
      unread = (SELECT count(*) FROM events e WHERE e.room_id = f.room_id AND e.thread = f.root
        AND e.seq > f.read_seq AND e.deleted = 0 AND e.user_id <> f.user_id)
    WHERE f.room_id = $1 AND f.root = $2 AND ($3::text[] IS NULL OR f.user_id = ANY($3::text[]))
    RETURNING f.*`,
  memberIdsByUsernames: `SELECT m.user_id FROM members m JOIN users u ON u.id = m.user_id
    WHERE m.room_id = $1 AND u.username = ANY($2::text[]) ORDER BY m.user_id`,
} as const;
