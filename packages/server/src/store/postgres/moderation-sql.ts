/**
 * The PostgreSQL writer's statements for moderation, reports, blocks and
 * server administration (the WriteTx methods of ../rules/write-tx.ts), named
 * and prepared like the others (write-tx.ts). Several rows' writes are one
 * statement each (data-modifying CTEs), one round trip.
 */
export const MODERATION_SQL = {
  // The room's row FOR NO KEY UPDATE (the lock appendEvent's UPDATE takes). The membership is read by the
  // next statement: one joined to this would come from the snapshot taken before the lock was granted
  // (PostgreSQL re-reads only the locked row), and miss a leave that committed while it waited.
  lockRoom: `SELECT * FROM rooms WHERE id = $1 FOR NO KEY UPDATE`,
  memberAndLimits: `SELECT m.role AS m_role, m.read_seq AS m_read_seq, m.joined_at AS m_joined_at,
      l.room_id IS NOT NULL AS l_found, l.muted_until AS l_muted_until, l.last_post_at AS l_last_post_at
    FROM (SELECT 1) AS one
    LEFT JOIN members m ON m.room_id = $1 AND m.user_id = $2
    LEFT JOIN member_limits l ON l.room_id = $1 AND l.user_id = $2`,
  setRoomSettings: `UPDATE rooms SET settings = $2 WHERE id = $1`,
  // Children first: reactions reference events, which reference the room.
  deleteRoomRows: `WITH
      reactions_gone AS (DELETE FROM reactions WHERE room_id = $1),
      follows_gone AS (DELETE FROM thread_follows WHERE room_id = $1),
      threads_gone AS (DELETE FROM threads WHERE room_id = $1),
      members_gone AS (DELETE FROM members WHERE room_id = $1),
      bans_gone AS (DELETE FROM bans WHERE room_id = $1),
      limits_gone AS (DELETE FROM member_limits WHERE room_id = $1),
      reports_gone AS (DELETE FROM reports WHERE room_id = $1),
      webhooks_gone AS (DELETE FROM webhooks WHERE room_id = $1),
      deliveries_gone AS (DELETE FROM webhook_deliveries WHERE room_id = $1),
      events_gone AS (DELETE FROM events WHERE room_id = $1)
    DELETE FROM rooms WHERE id = $1`,
  memberOf: `SELECT * FROM members WHERE room_id = $1 AND user_id = $2`,
  setMemberRole: `UPDATE members SET role = $3 WHERE room_id = $1 AND user_id = $2`,
  memberIds: `SELECT user_id FROM members WHERE room_id = $1 ORDER BY user_id`,
  banOf: `SELECT * FROM bans WHERE room_id = $1 AND user_id = $2`,
  putBan: `INSERT INTO bans (room_id, user_id, until, created_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (room_id, user_id) DO UPDATE SET until = excluded.until, created_at = excluded.created_at`,
  deleteBan: `DELETE FROM bans WHERE room_id = $1 AND user_id = $2`,
  setMutedUntil: `INSERT INTO member_limits (room_id, user_id, muted_until) VALUES ($1, $2, $3)
    ON CONFLICT (room_id, user_id) DO UPDATE SET muted_until = excluded.muted_until`,
  setLastPostAt: `INSERT INTO member_limits (room_id, user_id, last_post_at) VALUES ($1, $2, $3)
    ON CONFLICT (room_id, user_id) DO UPDATE SET last_post_at = excluded.last_post_at`,
  recentMessageSeqs: `SELECT seq FROM events
    WHERE room_id = $1 AND kind = 'message' AND deleted = 0 AND user_id = $2 AND ts >= $3 ORDER BY seq DESC LIMIT $4`,
  removeMessages: `WITH
      gone AS (UPDATE events SET body = '', deleted = 1, data = '{"moderated":true}' WHERE room_id = $1 AND seq = ANY($2::bigint[])),
      reactions_gone AS (DELETE FROM reactions WHERE room_id = $1 AND target = ANY($2::bigint[]))
    UPDATE events SET body = '' WHERE room_id = $1 AND kind = 'edit' AND target = ANY($2::bigint[])`,
  insertAudit: `INSERT INTO audit (room_id, ts, actor_id, actor_name, action, target_id, target_name, reason, details)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
  insertReport: `INSERT INTO reports (room_id, target, author_id, author_name, reporter_id, reporter_name, reason, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
  reportById: `SELECT * FROM reports WHERE id = $1`,
  openReportOf: `SELECT * FROM reports WHERE room_id = $1 AND target = $2 AND reporter_id = $3 AND resolved_at IS NULL`,
  resolveReport: `UPDATE reports SET resolved_by_id = $2, resolved_by_name = $3, resolved_at = $4 WHERE id = $1`,
  blocks: `SELECT 1 FROM blocks WHERE user_id = $1 AND blocked_id = $2`,
  blockCount: `SELECT count(*) AS n FROM blocks WHERE user_id = $1`,
  insertBlock: `INSERT INTO blocks (user_id, blocked_id, created_at) VALUES ($1, $2, $3)`,
  deleteBlock: `DELETE FROM blocks WHERE user_id = $1 AND blocked_id = $2`,
  blockedByPeer: `SELECT 1 FROM members m JOIN blocks b ON b.user_id = m.user_id AND b.blocked_id = $2
    WHERE m.room_id = $1 AND m.user_id <> $2`,
  setUserDisabled: `UPDATE users SET disabled = $2 WHERE id = $1`,
  revokeUserSessions: `UPDATE sessions SET revoked = 1 WHERE user_id = $1 AND revoked = 0 AND expires_at > $2 RETURNING token_hash`,
  deleteUserRows: `WITH
      sessions_gone AS (DELETE FROM sessions WHERE user_id = $1),
      blocks_gone AS (DELETE FROM blocks WHERE user_id = $1 OR blocked_id = $1),
      bans_gone AS (DELETE FROM bans WHERE user_id = $1),
      limits_gone AS (DELETE FROM member_limits WHERE user_id = $1),
      follows_gone AS (DELETE FROM thread_follows WHERE user_id = $1),
      rooms_kept AS (UPDATE rooms SET created_by = NULL WHERE created_by = $1)
    DELETE FROM users WHERE id = $1`,
} as const;
