/** What every chat command handler works with, and the small helpers they share. */
import { ParleyError, type RoomEvent, type RoomSummary, type Results, type RequestType } from '@parley/protocol';
import type { Store } from '../store/store.js';
import type { Bus } from '../bus/bus.js';
import { roomTopic, userTopic } from '../bus/bus.js';
import { encodeRoomMessage, type UserMessage } from '../bus/messages.js';
import type { Hub } from '../hub/hub.js';
import type { Presence } from '../presence/presence.js';
import type { PresenceNotifier } from '../hub/presence-notifier.js';
import type { RateLimiter, RateLimits } from '../limits/rate-limiter.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Connection } from '../gateway/connection.js';
import type { Metrics } from '../metrics.js';

/** Lets a long request give the event loop back between its parts (gateway/work-scheduler.ts). */
export interface Pacer {
  /** Resolves when `connection` may go on; undefined: go on now. */
  pause(connection: Connection): Promise<void> | undefined;
}

export interface ChatContext {
  store: Store;
  pacer: Pacer;
  bus: Bus;
  hub: Hub;
  presence: Presence;
  presenceNotifier: PresenceNotifier;
  rates: RateLimits;
  config: Config;
  log: Logger;
  metrics: Metrics;
}

export function ack<K extends RequestType>(connection: Connection, ref: string, result: Results[K]): void {
  connection.reply({ type: 'ack', ref, ...result } as never);
}

/** Publishes a stored event to the room's topic: every node with members of the room online gets it. */
export function publishEvent(ctx: ChatContext, event: RoomEvent): void {
  const frame = JSON.stringify({ type: 'event', event });
  ctx.bus.publish(roomTopic(event.room), encodeRoomMessage({ kind: 'event', seq: event.seq, frame }));
}

export function publishToUser(ctx: ChatContext, userId: string, message: UserMessage): void {
  ctx.bus.publish(userTopic(userId), JSON.stringify(message));
}

export function takeRate(limiter: RateLimiter, key: string): void {
  const wait = limiter.take(key);
  if (wait > 0) throw new ParleyError('rate_limited', `Slow down: retry in ${Math.ceil(wait / 1000)} s.`, wait);
}

/**
 * Authorizes a frame that touches a room the connection must be a member of.
 * Rooms the user may not see are `not_found`, whether or not they exist, so
 * guessing ids reveals nothing.
 */
export async function requireMember(ctx: ChatContext, connection: Connection, roomId: string): Promise<void> {
  if (ctx.hub.has(connection, roomId)) return;
  const room = await ctx.store.findRoom(roomId);
  if (room?.kind === 'public') throw new ParleyError('not_member', 'Join the room first.');
  throw new ParleyError('not_found', 'No such room.');
}

/** A room as the given user sees it, with the live online count. */
export async function summaryFor(ctx: ChatContext, roomId: string, userId: string): Promise<RoomSummary> {
  const stored = await ctx.store.roomSummaryFor(roomId, userId);
  if (!stored) throw new ParleyError('not_found', 'No such room.');
  return { ...stored, online: ctx.presence.onlineCount(roomId) };
}

export async function roomsFor(ctx: ChatContext, userId: string): Promise<RoomSummary[]> {
  const rooms = await ctx.store.listRoomsFor(userId);
  return rooms.map((room) => ({ ...room, online: ctx.presence.onlineCount(room.id) }));
}
