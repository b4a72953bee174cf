/**
 * The writer's prepared statements for moderation, reports, blocks and server
 * administration (the WriteTx methods of rules/write-tx.ts that write-tx.ts
 * delegates here), kept apart so that each file stays one screenful of SQL.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { AuditRow, BanRow, MemberLimitsRow, MemberRow, ReportRow } from '../sql/schema.js';

type Params = unknown[] | [Record<string, unknown>];

export class ModerationStatements {
  readonly member: Statement<[string, string], MemberRow>;
  readonly limits: Statement<[string, string], MemberLimitsRow>;
  readonly setRoomSettings: Statement<[string | null, string]>;
  readonly deleteRoom: ReadonlyArray<Statement<[string]>>;
  readonly setMemberRole: Statement<[string, string, string]>;
  readonly memberIds: Statement<[string], string>;
  readonly banOf: Statement<[string, string], BanRow>;
  readonly putBan: Statement<[BanRow]>;
  readonly deleteBan: Statement<[string, string]>;
  readonly setMutedUntil: Statement<[{ room_id: string; user_id: string; value: number | null }]>;
  readonly setLastPostAt: Statement<[{ room_id: string; user_id: string; value: number }]>;
  readonly recentMessageSeqs: Statement<[string, string, number, number], number>;
  readonly removeMessage: Statement<[string, number]>;
  readonly insertAudit: Statement<[Omit<AuditRow, 'id'>]>;
  readonly insertReport: Statement<[Omit<ReportRow, 'id' | 'resolved_by_id' | 'resolved_by_name' | 'resolved_at'>]>;
  readonly reportById: Statement<[number], ReportRow>;
  readonly openReportOf: Statement<[string, number, string], ReportRow>;
  readonly resolveReport: Statement<[string, string, number, number]>;
  readonly blocks: Statement<[string, string], 1>;
  readonly blockCount: Statement<[string], number>;
  readonly insertBlock: Statement<[{ user_id: string; blocked_id: string; created_at: number }]>;
  readonly deleteBlock: Statement<[string, string]>;
  readonly blockedByPeer: Statement<[{ room: string; sender: string }], 1>;
  readonly setUserDisabled: Statement<[number, string]>;
  readonly revokeUserSessions: Statement<[string, number], string>;
  readonly deleteUser: ReadonlyArray<Statement<[{ user: string }]>>;

  constructor(db: Database) {
    const prepare = <P extends Params, R = void>(sql: string) => db.prepare(sql) as unknown as Statement<P, R>;
    this.member = prepare(`SELECT * FROM members WHERE room_id = ? AND user_id = ?`);
    this.limits = prepare(`SELECT * FROM member_limits WHERE room_id = ? AND user_id = ?`);
    this.setRoomSettings = prepare(`UPDATE rooms SET settings = ? WHERE id = ?`);
    // Children first: reactions reference events, which reference the room.
    this.deleteRoom = [
      'DELETE FROM reactions WHERE room_id = ?',
      'DELETE FROM thread_follows WHERE room_id = ?',
      'DELETE FROM threads WHERE room_id = ?',
      'DELETE FROM events WHERE room_id = ?',
      'DELETE FROM members WHERE room_id = ?',
      'DELETE FROM bans WHERE room_id = ?',
      'DELETE FROM member_limits WHERE room_id = ?',
      'DELETE FROM reports WHERE room_id = ?',
      'DELETE FROM webhook_deliveries WHERE room_id = ?',
      'DELETE FROM webhooks WHERE room_id = ?',
      'DELETE FROM rooms WHERE id = ?',
    ].map((sql) => prepare<[string]>(sql));
    this.setMemberRole = prepare(`UPDATE members SET role = ? WHERE room_id = ? AND user_id = ?`);
    this.memberIds = prepare<[string], string>(`SELECT user_id FROM members WHERE room_id = ? ORDER BY user_id`).pluck();
    this.banOf = prepare(`SELECT * FROM bans WHERE room_id = ? AND user_id = ?`);
    this.putBan = prepare(`INSERT INTO bans (room_id, user_id, until, created_at) VALUES (@room_id, @user_id, @until, @created_at)
      ON CONFLICT (room_id, user_id) DO UPDATE SET until = excluded.until, created_at = excluded.created_at`);
    this.deleteBan = prepare(`DELETE FROM bans WHERE room_id = ? AND user_id = ?`);
    this.setMutedUntil = prepare(`INSERT INTO member_limits (room_id, user_id, muted_until) VALUES (@room_id, @user_id, @value)
      ON CONFLICT (room_id, user_id) DO UPDATE SET muted_until = excluded.muted_until`);
    this.setLastPostAt = prepare(`INSERT INTO member_limits (room_id, user_id, last_post_at) VALUES (@room_id, @user_id, @value)
      ON CONFLICT (room_id, user_id) DO UPDATE SET last_post_at = excluded.last_post_at`);
    this.recentMessageSeqs = prepare<[string, string, number, number], number>(`SELECT seq FROM events
      WHERE room_id = ? AND kind = 'message' AND deleted = 0 AND user_id = ? AND ts >= ? ORDER BY seq DESC LIMIT ?`).pluck();
    this.removeMessage = prepare(`UPDATE events SET body = '', deleted = 1, data = '{"moderated":true}' WHERE room_id = ? AND seq = ?`);
    this.insertAudit = prepare(`INSERT INTO audit (room_id, ts, actor_id, actor_name, action, target_id, target_name, reason, details)
      VALUES (@room_id, @ts, @actor_id, @actor_name, @action, @target_id, @target_name, @reason, @details)`);
    this.insertReport = prepare(`INSERT INTO reports (room_id, target, author_id, author_name, reporter_id, reporter_name, reason, created_at)
      VALUES (@room_id, @target, @author_id, @author_name, @reporter_id, @reporter_name, @reason, @created_at)`);
    this.reportById = prepare(`SELECT * FROM reports WHERE id = ?`);
    this.openReportOf = prepare(`SELECT * FROM reports WHERE room_id = ? AND target = ? AND reporter_id = ? AND resolved_at IS NULL`);
    this.resolveReport = prepare(`UPDATE reports SET resolved_by_id = ?, resolved_by_name = ?, resolved_at = ? WHERE id = ?`);
    this.blocks = prepare<[string, string], 1>(`SELECT 1 FROM blocks WHERE user_id = ? AND blocked_id = ?`).pluck();
    this.blockCount = prepare<[string], number>(`SELECT count(*) FROM blocks WHERE user_id = ?`).pluck();
    this.insertBlock = prepare(`INSERT INTO blocks (user_id, blocked_id, created_at) VALUES (@user_id, @blocked_id, @created_at)`);
    this.deleteBlock = prepare(`DELETE FROM blocks WHERE user_id = ? AND blocked_id = ?`);
    this.blockedByPeer = prepare<[{ room: string; sender: string }], 1>(`SELECT 1 FROM members m
      JOIN blocks b ON b.user_id = m.user_id AND b.blocked_id = @sender WHERE m.room_id = @room AND m.user_id <> @sender`).pluck();
    this.setUserDisabled = prepare(`UPDATE users SET disabled = ? WHERE id = ?`);
    this.revokeUserSessions = prepare<[string, number], string>(`UPDATE sessions SET revoked = 1
      WHERE user_id = ? AND revoked = 0 AND expires_at > ? RETURNING token_hash`).pluck();
    this.deleteUser = [
      'DELETE FROM sessions WHERE user_id = @user',
      'DELETE FROM blocks WHERE user_id = @user OR blocked_id = @user',
      'DELETE FROM bans WHERE user_id = @user',
      'DELETE FROM member_limits WHERE user_id = @user',
      'DELETE FROM thread_follows WHERE user_id = @user',
      'UPDATE rooms SET created_by = NULL WHERE created_by = @user',
      'DELETE FROM users WHERE id = @user',
    ].map((sql) => prepare<[{ user: string }]>(sql));
  }
}
