/**
 * role, kick, ban, unban, timeout, room_settings: a room's moderation. The store
 * decides who may (store/rules/moderation-rules.ts) in the write's transaction;
 * here the result reaches everyone at once: the event on the room's topic (every
 * node, every member's connections, and the log a resuming client replays), and
 * for a kick or a ban the person's own connections leave the room on every node.
 */
import { MODERATION_LIMITS, type ClientFrameOf } from '@parley/protocol';
import type { Peer } from '../hub/peer.js';
import type { Actor } from '../store/store.js';
import { isServerAdmin } from './admins.js';
import { publishThreadUpdate } from './threads.js';
import { ack, publishEvent, publishToUser, takeRate, type ChatContext } from './context.js';

export function actorOf(ctx: ChatContext, peer: Peer): Actor {
  const actor: Actor = { id: peer.user.id, name: peer.user.name };
  if (isServerAdmin(ctx.config, peer.user)) actor.admin = true;
  return actor;
}

/** Whether the user with this id is a server admin (the store ranks them above every role). */
export async function isAdminId(ctx: ChatContext, userId: string): Promise<boolean> {
  if (ctx.config.admins.length === 0) return false;
  const user = await ctx.store.findUserById(userId);
  return user !== null && isServerAdmin(ctx.config, user);
}

/** Their connections, on every node, stop receiving the room and are told so. */
function removeFromRoom(ctx: ChatContext, userId: string, room: string): void {
  publishToUser(ctx, userId, { leaveRoom: room, frame: { type: 'room_left', room } });
}

export async function role(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'role'>): Promise<void> {
  takeRate(ctx.rates.moderation, peer.user.id);
  const event = await ctx.store.setRole({
    room: frame.room,
    actor: actorOf(ctx, peer),
    target: frame.user,
    targetAdmin: await isAdminId(ctx, frame.user),
    role: frame.role,
  });
  if (event) publishEvent(ctx, event);
  ack<'role'>(peer, frame.ref, { room: frame.room, seq: event?.seq ?? (await ctx.store.latestSeq(frame.room)) });
}

export async function kick(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'kick'>): Promise<void> {
  takeRate(ctx.rates.moderation, peer.user.id);
  const event = await ctx.store.kick({
    room: frame.room,
    actor: actorOf(ctx, peer),
    target: frame.user,
    targetAdmin: await isAdminId(ctx, frame.user),
    ...(frame.reason !== undefined ? { reason: frame.reason } : {}),
  });
  publishEvent(ctx, event);
  removeFromRoom(ctx, frame.user, frame.room);
  ack<'kick'>(peer, frame.ref, { room: frame.room, seq: event.seq });
}

export async function ban(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'ban'>): Promise<void> {
  takeRate(ctx.rates.moderation, peer.user.id);
  const now = Date.now();
  const { event, deleted } = await ctx.store.ban({
    room: frame.room,
    actor: actorOf(ctx, peer),
    target: frame.user,
    targetAdmin: await isAdminId(ctx, frame.user),
    ...(frame.durationMs !== undefined ? { until: now + frame.durationMs } : {}),
    ...(frame.deleteMessagesMs !== undefined ? { deleteSince: now - Math.min(frame.deleteMessagesMs, MODERATION_LIMITS.purgeMaxMs) } : {}),
    ...(frame.reason !== undefined ? { reason: frame.reason } : {}),
  });
  publishEvent(ctx, event);
  removeFromRoom(ctx, frame.user, frame.room);
  ack<'ban'>(peer, frame.ref, { room: frame.room, seq: event.seq, deleted });
  // Replies the ban deleted no longer count as unread in their threads (§25).
  const purged = event.kind === 'ban' ? (event.deleted ?? []) : [];
  if (purged.length > 0) for (const update of await ctx.store.recountThreads(frame.room, purged)) publishThreadUpdate(ctx, update);
}

export async function unban(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'unban'>): Promise<void> {
  takeRate(ctx.rates.moderation, peer.user.id);
  const event = await ctx.store.unban({
    room: frame.room,
    actor: actorOf(ctx, peer),
    target: frame.user,
    ...(frame.reason !== undefined ? { reason: frame.reason } : {}),
  });
  publishEvent(ctx, event);
  ack<'unban'>(peer, frame.ref, { room: frame.room, seq: event.seq });
}

export async function timeout(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'timeout'>): Promise<void> {
  takeRate(ctx.rates.moderation, peer.user.id);
  const until = frame.durationMs === 0 ? 0 : Date.now() + frame.durationMs;
  const event = await ctx.store.timeout({
    room: frame.room,
    actor: actorOf(ctx, peer),
    target: frame.user,
    targetAdmin: await isAdminId(ctx, frame.user),
    until,
    ...(frame.reason !== undefined ? { reason: frame.reason } : {}),
  });
  publishEvent(ctx, event);
  ack<'timeout'>(peer, frame.ref, { room: frame.room, seq: event.seq, until });
}

export async function roomSettings(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'room_settings'>): Promise<void> {
  takeRate(ctx.rates.moderation, peer.user.id);
  const { type: _type, ref, room, ...change } = frame;
  const event = await ctx.store.updateRoomSettings({ room, actor: actorOf(ctx, peer), ...change });
  if (event.kind !== 'settings') throw new Error('updateRoomSettings wrote no settings event');
  publishEvent(ctx, event);
  ack<'room_settings'>(peer, ref, { room, seq: event.seq, settings: event.settings });
}
