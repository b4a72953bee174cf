/** send, edit, delete, react, read, typing. */
import { ParleyError, type ClientFrameOf, type TypingFrame } from '@parley/protocol';
import { TYPING } from '@parley/protocol';
import { roomTopic } from '../bus/bus.js';
import { encodeRoomMessage } from '../bus/messages.js';
import type { Peer } from '../hub/peer.js';
import { ack, publishEvent, publishToUser, replyError, requireMember, takeMessageRate, takeRate, type ChatContext } from './context.js';
import { isServerAdmin } from './admins.js';
import { isAdminId } from './moderation.js';
import { publishThreadUpdate } from './threads.js';

/** When each peer last had a typing frame forwarded, per room (the server-side throttle). */
const lastTyping = new WeakMap<Peer, Map<string, number>>();

/** `withFiles`: the message carries attachments, and may then have no text at all (an empty body). */
function checkBody(ctx: ChatContext, body: string, withFiles = false): void {
  if (body.length > ctx.config.limits.maxBodyChars) {
    throw new ParleyError('body_too_long', `Messages are at most ${ctx.config.limits.maxBodyChars} characters.`);
  }
  if (body.trim().length === 0 && !(withFiles && body === '')) throw new ParleyError('invalid_frame', 'The message is empty.');
}

/**
 * `queued` is called once the message's write is queued in the store (see Chat.handle). Writes
 * are not checked here for membership: the store checks it in the write's own transaction.
 */
export async function send(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'send'>, queued?: () => void): Promise<void> {
  checkBody(ctx, frame.body, frame.attachments !== undefined);
  takeMessageRate(ctx, peer.user);
  const user = { id: peer.user.id, name: peer.user.name };
  const admin = isServerAdmin(ctx.config, peer.user);
  const bot = peer.user.kind === 'bot';
  const message = {
    room: frame.room,
    user,
    clientId: frame.id,
    body: frame.body,
    ...(admin ? { admin } : {}),
    ...(bot ? { bot } : {}),
    ...(frame.thread !== undefined ? { thread: frame.thread, alsoInRoom: frame.alsoInRoom === true } : {}),
    ...(frame.replyTo !== undefined ? { replyTo: frame.replyTo } : {}),
  };
  const stored = ctx.store.appendMessage(frame.attachments ? { ...message, attachments: frame.attachments } : message);
  queued?.();
  let result: Awaited<typeof stored>;
  try {
    result = await stored;
  } catch (error) {
    // Answered here, as an ack would be: the store settles a connection's sends in call order,
    // so their acks and errors go out in request order (protocol §6.3).
    replyError(ctx, peer, frame.id, error);
    return;
  }
  const { event, duplicate } = result;
  ack<'send'>(peer, frame.id, { room: event.room, seq: event.seq, ts: event.ts, duplicate });
  // Receivers stop showing the sender as typing when the message lands; the next typing frame must pass.
  lastTyping.get(peer)?.delete(frame.room);
  if (!duplicate) {
    ctx.metrics.messages.inc();
    publishEvent(ctx, event);
    if (result.thread) publishThreadUpdate(ctx, result.thread);
    ctx.linkPreviews?.messageStored(event);
  }
}

export async function edit(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'edit'>): Promise<void> {
  checkBody(ctx, frame.body);
  takeMessageRate(ctx, peer.user);
  const user = { id: peer.user.id, name: peer.user.name };
  const admin = isServerAdmin(ctx.config, peer.user);
  const { event, thread, preview, link } = await ctx.store.editMessage({ room: frame.room, user, target: frame.target, body: frame.body, ...(admin ? { admin } : {}) });
  ack<'edit'>(peer, frame.ref, { room: event.room, seq: event.seq });
  publishEvent(ctx, event);
  if (preview) publishEvent(ctx, preview);
  if (thread) publishThreadUpdate(ctx, thread);
  if (link !== undefined) ctx.linkPreviews?.linkEdited({ room: event.room, target: frame.target, url: link });
}

/** Deletes one's own message, or (a moderator) someone else's: the store decides which it may be. */
export async function remove(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'delete'>): Promise<void> {
  takeMessageRate(ctx, peer.user);
  const user = { id: peer.user.id, name: peer.user.name };
  // A server admin's message ranks above every role: whose it is matters only when it is not one's own.
  const message = ctx.config.admins.length > 0 ? await ctx.store.findMessage(frame.room, frame.target) : null;
  const authorAdmin = message !== null && message.user.id !== user.id && (await isAdminId(ctx, message.user.id));
  const event = await ctx.store.deleteMessage({
    room: frame.room,
    user,
    target: frame.target,
    ...(isServerAdmin(ctx.config, peer.user) ? { admin: true } : {}),
    ...(authorAdmin ? { authorAdmin } : {}),
    ...(frame.reason !== undefined ? { reason: frame.reason } : {}),
  });
  ack<'delete'>(peer, frame.ref, { room: event.room, seq: event.seq });
  publishEvent(ctx, event);
  // A deleted reply no longer counts as unread for its thread's followers.
  for (const update of await ctx.store.recountThreads(frame.room, [frame.target])) publishThreadUpdate(ctx, update);
}

export async function react(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'react'>): Promise<void> {
  takeMessageRate(ctx, peer.user);
  const user = { id: peer.user.id, name: peer.user.name };
  const admin = isServerAdmin(ctx.config, peer.user);
  const event = await ctx.store.react({ room: frame.room, user, target: frame.target, emoji: frame.emoji, on: frame.on, ...(admin ? { admin } : {}) });
  // Already in that state: nothing new was stored; the ack names the current end of the log.
  const seq = event?.seq ?? (await ctx.store.latestSeq(frame.room));
  ack<'react'>(peer, frame.ref, { room: frame.room, seq });
  if (event) publishEvent(ctx, event);
}

export async function read(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'read'>): Promise<void> {
  await requireMember(ctx, peer, frame.room);
  const seq = await ctx.store.setReadMarker(frame.room, peer.user.id, frame.seq);
  ack<'read'>(peer, frame.ref, { room: frame.room, seq });
  // The user's other tabs and devices clear the room's badge now, not at their next welcome.
  // Every peer of the user gets it, this one too (after the ack): the bus's user topic
  // has no notion of which peer asked, and a marker the client already holds changes nothing.
  publishToUser(ctx, peer.user.id, { frame: { type: 'read', room: frame.room, seq } });
}

/** Typing is ephemeral: never stored, sent to the room's other members only, throttled per user and room. */
export async function typing(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'typing'>): Promise<void> {
  await requireMember(ctx, peer, frame.room);
  let rooms = lastTyping.get(peer);
  if (!rooms) lastTyping.set(peer, (rooms = new Map()));
  const now = Date.now();
  // Half the client's throttle: a well-behaved client is never dropped, a chatty one is.
  if (now - (rooms.get(frame.room) ?? 0) < TYPING.throttleMs / 2) return;
  takeRate(ctx.rates.typing, peer.user.id);
  rooms.set(frame.room, now);
  const out: TypingFrame = { type: 'typing', room: frame.room, user: { id: peer.user.id, name: peer.user.name } };
  ctx.bus.publish(roomTopic(frame.room), encodeRoomMessage({ kind: 'typing', userId: peer.user.id, frame: JSON.stringify(out) }));
}
