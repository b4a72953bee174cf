/**
 * report, resolve_report, reports, audit, bans, block: what members tell the
 * moderators, what moderators read, and blocking. Reads check the reader's rank
 * against the store, never this node's view.
 */
import { MODERATION_LIMITS, MODERATOR_LEVEL, ParleyError, SERVER_ADMIN_LEVEL, roleLevel, type ClientFrameOf } from '@parley/protocol';
import type { Peer } from '../hub/peer.js';
import { isServerAdmin } from './admins.js';
import { ack, publishToUser, requireMember, takeRate, type ChatContext } from './context.js';
import { actorOf } from './moderation.js';

/** The reader must be a member of the room ranked moderator or above (or a server admin who is a member). */
async function requireStaff(ctx: ChatContext, peer: Peer, roomId: string): Promise<void> {
  const role = await ctx.store.memberRole(roomId, peer.user.id);
  if (role === null) await requireMember(ctx, peer, roomId);
  const level = role === null ? -1 : isServerAdmin(ctx.config, peer.user) ? SERVER_ADMIN_LEVEL : roleLevel(role);
  if (level < MODERATOR_LEVEL) throw new ParleyError('forbidden', "Only the room's moderators may see this.");
}

export async function report(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'report'>): Promise<void> {
  takeRate(ctx.rates.reports, peer.user.id);
  const stored = await ctx.store.report({
    room: frame.room,
    user: { id: peer.user.id, name: peer.user.name },
    target: frame.target,
    ...(frame.reason !== undefined ? { reason: frame.reason } : {}),
  });
  // To each moderator, admin and owner of the room, on every node.
  for (const userId of await ctx.store.staffIds(frame.room)) publishToUser(ctx, userId, { frame: { type: 'report', report: stored } });
  ack<'report'>(peer, frame.ref, { report: stored });
}

export async function resolveReport(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'resolve_report'>): Promise<void> {
  takeRate(ctx.rates.moderation, peer.user.id);
  const resolved = await ctx.store.resolveReport({
    room: frame.room,
    actor: actorOf(ctx, peer),
    report: frame.report,
    ...(frame.reason !== undefined ? { reason: frame.reason } : {}),
  });
  ack<'resolve_report'>(peer, frame.ref, { report: resolved });
  // The other moderators' lists of open reports drop it.
  for (const userId of await ctx.store.staffIds(frame.room)) publishToUser(ctx, userId, { frame: { type: 'report', report: resolved } });
}

export async function reports(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'reports'>): Promise<void> {
  await requireStaff(ctx, peer, frame.room);
  ack<'reports'>(peer, frame.ref, { room: frame.room, reports: await ctx.store.openReports(frame.room, MODERATION_LIMITS.reportsMax) });
}

export async function audit(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'audit'>): Promise<void> {
  await requireStaff(ctx, peer, frame.room);
  const page = await ctx.store.auditLog({
    room: frame.room,
    limit: frame.limit ?? 50,
    ...(frame.before !== undefined ? { before: frame.before } : {}),
  });
  ack<'audit'>(peer, frame.ref, { room: frame.room, ...page });
}

export async function bans(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'bans'>): Promise<void> {
  await requireStaff(ctx, peer, frame.room);
  ack<'bans'>(peer, frame.ref, { room: frame.room, bans: await ctx.store.listBans(frame.room) });
}

export async function block(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'block'>): Promise<void> {
  takeRate(ctx.rates.moderation, peer.user.id);
  await ctx.store.setBlock({ user: peer.user.id, blocked: frame.user, on: frame.on });
  const users = await ctx.store.blockedBy(peer.user.id);
  ack<'block'>(peer, frame.ref, { users });
  // Every connection of the user, this one too (after the ack), on every node.
  publishToUser(ctx, peer.user.id, { frame: { type: 'blocks', users } });
}
