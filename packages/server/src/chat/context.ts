/** What every chat command handler works with, and the small helpers they share. */
import { ParleyError, type MessageEvent, type RoomEvent, type RoomSummary, type Results, type RequestType, type ServerFrame } from '@parley/protocol';
import type { Store } from '../store/store.js';
import type { MessageLink } from '../link-previews/previewer.js';
import type { Bus } from '../bus/bus.js';
import { EVERYONE_TOPIC, roomTopic, userTopic } from '../bus/bus.js';
import { encodeRoomMessage, encodeUserMessage, type UserMessage } from '../bus/messages.js';
import type { Hub } from '../hub/hub.js';
import type { Presence } from '../presence/presence.js';
import type { PresenceNotifier } from '../hub/presence-notifier.js';
import type { RateLimiter, RateLimits } from '../limits/rate-limiter.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Peer } from '../hub/peer.js';
import type { Metrics } from '../metrics.js';

/** Lets a long request give the event loop back between its parts (gateway/work-scheduler.ts). */
export interface Pacer {
  /** Resolves when `peer` may go on; undefined: go on now. */
  pause(peer: Peer): Promise<void> | undefined;
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
  /** Told of each new message, and of each edit that changed a message's first link, to fetch that link's preview (link-previews/); null when previews are off. */
  linkPreviews?: { messageStored(event: MessageEvent): void; linkEdited(link: MessageLink): void } | null;
}

export function ack<K extends RequestType>(peer: Peer, ref: string, result: Results[K]): void {
  peer.reply({ type: 'ack', ref, ...result } as never);
}

/** Publishes a stored event to the room's topic: every node with members of the room online gets it. */
export function publishEvent(ctx: ChatContext, event: RoomEvent): void {
  const frame = JSON.stringify({ type: 'event', event });
  ctx.bus.publish(roomTopic(event.room), encodeRoomMessage({ kind: 'event', seq: event.seq, frame }));
}

/** Answers a request with the error it failed with: a ParleyError as it is, anything else as `internal` (and logged). */
export function replyError(ctx: ChatContext, peer: Peer, ref: string | null, error: unknown): void {
  const parleyError = error instanceof ParleyError ? error : new ParleyError('internal');
  if (!(error instanceof ParleyError)) ctx.log.error({ err: error, user: peer.user.id }, 'request failed');
  ctx.metrics.frameErrors.inc({ code: parleyError.code });
  peer.reply({ type: 'error', ref, ...parleyError.toBody() });
}

/** Tells every connected user, on every node, but `except` (their own connections are told otherwise). */
export function publishToEveryone(ctx: ChatContext, frame: ServerFrame, except?: string): void {
  ctx.bus.publish(EVERYONE_TOPIC, encodeUserMessage(except === undefined ? { frame } : { frame, except }));
}

export function publishToUser(ctx: ChatContext, userId: string, message: UserMessage): void {
  ctx.bus.publish(userTopic(userId), encodeUserMessage(message));
}

/** The bucket of a user's messages, edits, deletions and reactions: a bot has its own rule (BOT_MESSAGES_PER_MINUTE). */
export function takeMessageRate(ctx: ChatContext, user: { id: string; kind: string }): void {
  takeRate(user.kind === 'bot' ? ctx.rates.botMessages : ctx.rates.messages, user.id);
}

export function takeRate(limiter: RateLimiter, key: string): void {
  const wait = limiter.take(key);
  if (wait > 0) throw new ParleyError('rate_limited', `Slow down: retry in ${Math.ceil(wait / 1000)} s.`, wait);
}

/**
 * Authorizes a frame that touches a room the peer must be a member of, against
 * the store (never this node's view, which a join or leave through another
 * node reaches a moment later). Rooms the user may not see are `not_found`,
 * whether or not they exist, so guessing ids reveals nothing. (Writes do not
 * call this: the store checks the membership in the write's own transaction.)
 */
export async function requireMember(ctx: ChatContext, peer: Peer, roomId: string): Promise<void> {
  if (await ctx.store.isMember(roomId, peer.user.id)) return;
  const room = await ctx.store.findRoom(roomId);
  if (room?.kind === 'public') throw new ParleyError('not_member', 'Join the room first.');
  throw new ParleyError('not_found', 'No such room.');
}

/** Members may read any of their rooms; anyone may read a public room. */
export async function requireReadable(ctx: ChatContext, peer: Peer, roomId: string): Promise<void> {
  if (await ctx.store.isMember(roomId, peer.user.id)) return;
  const room = await ctx.store.findRoom(roomId);
  if (room?.kind !== 'public') throw new ParleyError('not_found', 'No such room.');
}

/** A room as the given user sees it, with the live online count. */
export async function summaryFor(ctx: ChatContext, roomId: string, userId: string): Promise<RoomSummary> {
  const stored = await ctx.store.roomSummaryFor(roomId, userId);
  if (!stored) throw new ParleyError('not_found', 'No such room.');
  const [counted] = await ctx.presence.online([roomId]);
  return { ...stored, online: counted?.online ?? 0 };
}

export async function roomsFor(ctx: ChatContext, userId: string): Promise<RoomSummary[]> {
  const rooms = await ctx.store.listRoomsFor(userId);
  const online = await ctx.presence.online(rooms.map((room) => room.id));
  return rooms.map((room, i) => ({ ...room, online: online[i]!.online }));
}
