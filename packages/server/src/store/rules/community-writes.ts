/**
 * What members do about one another besides moderating: report a message to the
 * room's moderators (and a moderator resolving the report), and block a person.
 */
import { MODERATION_LIMITS, ParleyError, type Report, type UserRef } from '@parley/protocol';
import { parseSettings, toReport } from '../sql/rows.js';
import { writeAudit } from './audit.js';
import { requireMember } from './membership.js';
import { levelOf, requireModeratedRoom, requirePermission, type Actor } from './moderation-rules.js';
import type { WriteTx } from './write-tx.js';

/** Reports a live message; a second report of the same message by the same member, while open, returns the first. */
export async function report(tx: WriteTx, input: { room: string; user: UserRef; target: number; reason?: string }): Promise<Report> {
  const locked = await requireMember(tx, input.room, input.user.id);
  requireModeratedRoom(locked.room);
  const message = await tx.eventBySeq(input.room, input.target);
  if (!message || message.kind !== 'message' || message.deleted) throw new ParleyError('not_found', 'No such message.');
  const open = await tx.openReportOf(input.room, input.target, input.user.id);
  if (open) return toReport(open);
  const row = {
    room_id: input.room,
    target: input.target,
    author_id: message.user_id,
    author_name: message.user_name,
    reporter_id: input.user.id,
    reporter_name: input.user.name,
    reason: input.reason ?? null,
    created_at: Date.now(),
  };
  const id = await tx.insertReport(row);
  return toReport({ ...row, id, resolved_by_id: null, resolved_by_name: null, resolved_at: null });
}

/** Resolves an open report (needs `delete_others`); one already resolved is returned as it is, and nothing is written. */
export async function resolveReport(tx: WriteTx, input: { room: string; actor: Actor; report: number; reason?: string }): Promise<Report> {
  const locked = await requireMember(tx, input.room, input.actor.id);
  requireModeratedRoom(locked.room);
  requirePermission(parseSettings(locked.room.settings), 'delete_others', levelOf(locked.member, input.actor.admin));
  const row = await tx.reportById(input.report);
  if (!row || row.room_id !== input.room) throw new ParleyError('not_found', 'No such report.');
  if (row.resolved_at !== null) return toReport(row);
  const ts = Date.now();
  const by = { id: input.actor.id, name: input.actor.name };
  await tx.resolveReport(row.id, by, ts);
  await writeAudit(tx, {
    room: input.room,
    ts,
    actor: by,
    action: 'resolve_report',
    target: { id: row.author_id, name: row.author_name },
    reason: input.reason,
    details: { report: row.id, seq: row.target },
  });
  return toReport({ ...row, resolved_by_id: by.id, resolved_by_name: by.name, resolved_at: ts });
}

/** Blocks or unblocks a user; idempotent. */
export async function setBlock(tx: WriteTx, input: { user: string; blocked: string; on: boolean }): Promise<void> {
  if (input.user === input.blocked) throw new ParleyError('forbidden', 'You cannot block yourself.');
  if (!(await tx.userById(input.blocked))) throw new ParleyError('user_not_found', 'No such user.');
  const present = await tx.blocks(input.user, input.blocked);
  if (present === input.on) return;
  if (!input.on) return tx.deleteBlock(input.user, input.blocked);
  if ((await tx.blockCount(input.user)) >= MODERATION_LIMITS.blocksMax) {
    throw new ParleyError('forbidden', `You block ${MODERATION_LIMITS.blocksMax} people already: unblock someone first.`);
  }
  await tx.insertBlock({ user_id: input.user, blocked_id: input.blocked, created_at: Date.now() });
}
