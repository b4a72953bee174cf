/** join, leave, create, invite, dm, rooms, members. */
import { ParleyError, type ClientFrameOf, type Member } from '@parley/protocol';
import type { Connection } from '../gateway/connection.js';
import { dmRoomId, newId } from '../ids.js';
import { LOBBY_ID } from '../store/lobby.js';
import { ack, publishEvent, publishToUser, requireMember, roomsFor, summaryFor, takeRate, type ChatContext } from './context.js';

function userRef(connection: Connection) {
  return { id: connection.user.id, name: connection.user.name };
}

export async function join(ctx: ChatContext, connection: Connection, frame: ClientFrameOf<'join'>): Promise<void> {
  const room = await ctx.store.findRoom(frame.room);
  const member = ctx.hub.has(connection, frame.room) || (room !== null && (await ctx.store.isMember(room.id, connection.user.id)));
  if (!room || (!member && room.kind !== 'public')) throw new ParleyError('not_found', 'No such room.');
  if (!member) takeRate(ctx.rates.membership, connection.user.id);
  const event = member ? null : await ctx.store.join({ room: room.id, user: userRef(connection) });
  // Subscribe the user's connections first, so they receive their own join event.
  publishToUser(ctx, connection.user.id, { joinRoom: room.id });
  if (event) publishEvent(ctx, event);
  const summary = await summaryFor(ctx, room.id, connection.user.id);
  ack<'join'>(connection, frame.ref, { room: summary, seq: event?.seq ?? summary.latestSeq });
  if (event) publishToUser(ctx, connection.user.id, { frame: { type: 'room', room: summary } });
}

export async function leave(ctx: ChatContext, connection: Connection, frame: ClientFrameOf<'leave'>): Promise<void> {
  await requireMember(ctx, connection, frame.room);
  const room = await ctx.store.findRoom(frame.room);
  if (!room) throw new ParleyError('not_found', 'No such room.');
  if (room.id === LOBBY_ID) throw new ParleyError('forbidden', 'Everyone stays in the lobby.');
  if (room.kind === 'dm') throw new ParleyError('forbidden', 'Direct messages cannot be left.');
  takeRate(ctx.rates.membership, connection.user.id);
  const event = await ctx.store.leave({ room: room.id, user: userRef(connection) });
  if (event) publishEvent(ctx, event);
  publishToUser(ctx, connection.user.id, { leaveRoom: room.id, frame: { type: 'room_left', room: room.id } });
  ack<'leave'>(connection, frame.ref, { room: room.id, seq: event?.seq ?? (await ctx.store.latestSeq(room.id)) });
}

export async function create(ctx: ChatContext, connection: Connection, frame: ClientFrameOf<'create'>): Promise<void> {
  takeRate(ctx.rates.rooms, connection.user.id);
  const { room, events } = await ctx.store.createRoom({ id: newId(), name: frame.name, kind: frame.kind, createdBy: userRef(connection) });
  publishToUser(ctx, connection.user.id, { joinRoom: room.id });
  for (const event of events) publishEvent(ctx, event);
  const summary = await summaryFor(ctx, room.id, connection.user.id);
  ack<'create'>(connection, frame.ref, { room: summary });
  publishToUser(ctx, connection.user.id, { frame: { type: 'room', room: summary } });
}

export async function invite(ctx: ChatContext, connection: Connection, frame: ClientFrameOf<'invite'>): Promise<void> {
  await requireMember(ctx, connection, frame.room);
  const room = await ctx.store.findRoom(frame.room);
  if (!room) throw new ParleyError('not_found', 'No such room.');
  if (room.kind === 'dm') throw new ParleyError('forbidden', 'Nobody can be invited to a direct message.');
  const target = await ctx.store.findUserByUsername(frame.username);
  if (!target) throw new ParleyError('user_not_found', `No user named "${frame.username}".`);
  takeRate(ctx.rates.rooms, connection.user.id);
  const event = await ctx.store.join({ room: room.id, user: { id: target.id, name: target.name }, by: userRef(connection) });
  if (event) {
    publishToUser(ctx, target.id, { joinRoom: room.id });
    publishEvent(ctx, event);
    publishToUser(ctx, target.id, { frame: { type: 'room', room: await summaryFor(ctx, room.id, target.id) } });
  }
  ack<'invite'>(connection, frame.ref, { room: room.id, seq: event?.seq ?? (await ctx.store.latestSeq(room.id)) });
}

export async function dm(ctx: ChatContext, connection: Connection, frame: ClientFrameOf<'dm'>): Promise<void> {
  const target = await ctx.store.findUserByUsername(frame.username);
  if (!target) throw new ParleyError('user_not_found', `No user named "${frame.username}".`);
  const me = connection.user;
  const id = dmRoomId(me.id, target.id);
  if (!(await ctx.store.findRoom(id))) {
    takeRate(ctx.rates.rooms, me.id);
    const members = target.id === me.id ? [] : [{ id: target.id, name: target.name }];
    try {
      const { events } = await ctx.store.createRoom({ id, name: 'dm', kind: 'dm', createdBy: userRef(connection), members });
      publishToUser(ctx, me.id, { joinRoom: id });
      publishToUser(ctx, target.id, { joinRoom: id });
      for (const event of events) publishEvent(ctx, event);
      if (target.id !== me.id) publishToUser(ctx, target.id, { frame: { type: 'room', room: await summaryFor(ctx, id, target.id) } });
    } catch (error) {
      // The other side opened the same DM at the same moment; theirs stands.
      if (!(await ctx.store.findRoom(id))) throw error;
    }
  }
  ack<'dm'>(connection, frame.ref, { room: await summaryFor(ctx, id, me.id) });
}

export async function rooms(ctx: ChatContext, connection: Connection, frame: ClientFrameOf<'rooms'>): Promise<void> {
  ack<'rooms'>(connection, frame.ref, { rooms: await roomsFor(ctx, connection.user.id) });
}

export async function members(ctx: ChatContext, connection: Connection, frame: ClientFrameOf<'members'>): Promise<void> {
  await requireReadable(ctx, connection, frame.room);
  const stored = await ctx.store.listMembers(frame.room);
  const list: Member[] = stored.map((m) => ({ user: m.user, role: m.role, online: ctx.presence.isOnline(m.user.id) }));
  ack<'members'>(connection, frame.ref, { room: frame.room, members: list });
}

/** Members may read any of their rooms; anyone may read a public room. */
export async function requireReadable(ctx: ChatContext, connection: Connection, roomId: string): Promise<void> {
  if (ctx.hub.has(connection, roomId)) return;
  const room = await ctx.store.findRoom(roomId);
  if (room?.kind !== 'public') throw new ParleyError('not_found', 'No such room.');
}
