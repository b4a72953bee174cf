/** join, leave, create, invite, dm, rooms, members. */
import { DIRECTORY_PAGE_MAX, ParleyError, type ClientFrameOf, type Member } from '@parley/protocol';
import type { Peer } from '../hub/peer.js';
import { dmRoomId, newId } from '../ids.js';
import { LOBBY_ID } from '../store/lobby.js';
import { ack, publishEvent, publishToEveryone, publishToUser, requireMember, requireReadable, roomsFor, summaryFor, takeRate, type ChatContext } from './context.js';
import { isServerAdmin } from './admins.js';

function userRef(peer: Peer) {
  return { id: peer.user.id, name: peer.user.name };
}

export async function join(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'join'>): Promise<void> {
  const room = await ctx.store.findRoom(frame.room);
  const member = room !== null && (await ctx.store.isMember(room.id, peer.user.id));
  if (!room || (!member && room.kind !== 'public')) throw new ParleyError('not_found', 'No such room.');
  if (!member) takeRate(ctx.rates.membership, peer.user.id);
  const event = member ? null : await ctx.store.join({ room: room.id, user: userRef(peer) });
  // Subscribe the user's connections first, from their join event on, so they receive it.
  publishToUser(ctx, peer.user.id, event ? { joinRoom: room.id, fromSeq: event.seq } : { joinRoom: room.id });
  if (event) publishEvent(ctx, event);
  const summary = await summaryFor(ctx, room.id, peer.user.id);
  ack<'join'>(peer, frame.ref, { room: summary, seq: event?.seq ?? summary.latestSeq });
  if (event) publishToUser(ctx, peer.user.id, { frame: { type: 'room', room: summary } });
}

export async function leave(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'leave'>): Promise<void> {
  await requireMember(ctx, peer, frame.room);
  const room = await ctx.store.findRoom(frame.room);
  if (!room) throw new ParleyError('not_found', 'No such room.');
  if (room.id === LOBBY_ID) throw new ParleyError('forbidden', 'Everyone stays in the lobby.');
  if (room.kind === 'dm') throw new ParleyError('forbidden', 'Direct messages cannot be left.');
  takeRate(ctx.rates.membership, peer.user.id);
  const event = await ctx.store.leave({ room: room.id, user: userRef(peer) });
  if (event) publishEvent(ctx, event);
  publishToUser(ctx, peer.user.id, { leaveRoom: room.id, frame: { type: 'room_left', room: room.id } });
  ack<'leave'>(peer, frame.ref, { room: room.id, seq: event?.seq ?? (await ctx.store.latestSeq(room.id)) });
}

/** The room a user who is not a member sees (their read marker and unread count are theirs alone). */
const NOBODY = '';

export async function create(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'create'>): Promise<void> {
  takeRate(ctx.rates.rooms, peer.user.id);
  // Everyone online hears of a new public room: those too are limited over all users.
  if (frame.kind === 'public') takeRate(ctx.rates.publicRooms, 'server');
  const { room, events } = await ctx.store.createRoom({ id: newId(), name: frame.name, kind: frame.kind, createdBy: userRef(peer) });
  publishToUser(ctx, peer.user.id, { joinRoom: room.id, fromSeq: 1 });
  for (const event of events) publishEvent(ctx, event);
  const summary = await summaryFor(ctx, room.id, peer.user.id);
  ack<'create'>(peer, frame.ref, { room: summary });
  publishToUser(ctx, peer.user.id, { frame: { type: 'room', room: summary } });
  if (room.kind === 'public') publishToEveryone(ctx, { type: 'room', room: await summaryFor(ctx, room.id, NOBODY) }, peer.user.id);
}

export async function invite(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'invite'>): Promise<void> {
  await requireMember(ctx, peer, frame.room);
  const room = await ctx.store.findRoom(frame.room);
  if (!room) throw new ParleyError('not_found', 'No such room.');
  if (room.kind === 'dm') throw new ParleyError('forbidden', 'Nobody can be invited to a direct message.');
  const target = await ctx.store.findUserByUsername(frame.username);
  if (!target) throw new ParleyError('user_not_found', `No user named "${frame.username}".`);
  takeRate(ctx.rates.rooms, peer.user.id);
  const byAdmin = isServerAdmin(ctx.config, peer.user);
  const event = await ctx.store.join({ room: room.id, user: { id: target.id, name: target.name }, by: userRef(peer), ...(byAdmin ? { byAdmin } : {}) });
  if (event) {
    publishToUser(ctx, target.id, { joinRoom: room.id, fromSeq: event.seq });
    publishEvent(ctx, event);
    publishToUser(ctx, target.id, { frame: { type: 'room', room: await summaryFor(ctx, room.id, target.id) } });
  }
  ack<'invite'>(peer, frame.ref, { room: room.id, seq: event?.seq ?? (await ctx.store.latestSeq(room.id)) });
}

export async function dm(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'dm'>): Promise<void> {
  const target = await ctx.store.findUserByUsername(frame.username);
  if (!target) throw new ParleyError('user_not_found', `No user named "${frame.username}".`);
  const me = peer.user;
  const id = dmRoomId(me.id, target.id);
  if (!(await ctx.store.findRoom(id))) {
    takeRate(ctx.rates.rooms, me.id);
    const members = target.id === me.id ? [] : [{ id: target.id, name: target.name }];
    try {
      const { events } = await ctx.store.createRoom({ id, name: 'dm', kind: 'dm', createdBy: userRef(peer), members });
      publishToUser(ctx, me.id, { joinRoom: id, fromSeq: 1 });
      publishToUser(ctx, target.id, { joinRoom: id, fromSeq: 1 });
      for (const event of events) publishEvent(ctx, event);
      if (target.id !== me.id) publishToUser(ctx, target.id, { frame: { type: 'room', room: await summaryFor(ctx, id, target.id) } });
    } catch (error) {
      // The other side opened the same DM at the same moment; theirs stands.
      if (!(await ctx.store.findRoom(id))) throw error;
    }
  }
  ack<'dm'>(peer, frame.ref, { room: await summaryFor(ctx, id, me.id) });
}

export async function directory(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'directory'>): Promise<void> {
  const limit = frame.limit ?? DIRECTORY_PAGE_MAX;
  const page = await ctx.store.directory(peer.user.id, { query: frame.query, after: frame.after, limit });
  const online = await ctx.presence.online(page.rooms.map((room) => room.id));
  ack<'directory'>(peer, frame.ref, { rooms: page.rooms.map((room, i) => ({ ...room, online: online[i]!.online })), next: page.next });
}

export async function rooms(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'rooms'>): Promise<void> {
  ack<'rooms'>(peer, frame.ref, { rooms: await roomsFor(ctx, peer.user.id) });
}

export async function members(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'members'>): Promise<void> {
  await requireReadable(ctx, peer, frame.room);
  const stored = await ctx.store.listMembers(frame.room);
  const online = await ctx.presence.isOnline(stored.map((m) => m.user.id));
  const list: Member[] = stored.map((m, i) => {
    const member: Member = { user: m.user, role: m.role, online: online[i]! };
    if (m.timedOutUntil !== undefined) member.timedOutUntil = m.timedOutUntil;
    return member;
  });
  ack<'members'>(peer, frame.ref, { room: frame.room, members: list });
}
