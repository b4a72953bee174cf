/**
 * The writes to rooms, members and the event log. Each runs synchronously in
 * its own savepoint inside a group-commit transaction (group-commit.ts), so a
 * throw here undoes everything the write did, including the seq it took.
 */
import { ParleyError, type MessageEvent, type RoomEvent, type UserRef } from '@parley/protocol';
import type { NewRoom, StoredRoom, StoredUser } from '../store.js';
import { LOBBY_ID, LOBBY_NAME } from '../lobby.js';
import { SERVER_USER } from '../server-user.js';
import { groupReactions, toRoomEvent, toStoredUser, type EventData } from './rows.js';
import type { EventRow } from './schema.js';
import type { Statements } from './statements.js';

const LOBBY: NewRoom = Object.freeze({ id: LOBBY_ID, name: LOBBY_NAME, kind: 'public', createdBy: null });

type NewEvent =
  | { kind: 'message'; clientId: string; body: string }
  | { kind: 'edit'; target: number; body: string }
  | { kind: 'delete'; target: number }
  | { kind: 'reaction'; target: number; data: EventData['reaction'] }
  | { kind: 'join'; data: EventData['join'] | null }
  | { kind: 'leave' }
  | { kind: 'rename'; data: EventData['rename'] }
  | { kind: 'created'; data: EventData['created'] };

/** Takes the room's next seq and inserts the event; `not_found` if the room does not exist. */
function appendEvent(s: Statements, room: string, user: UserRef, ts: number, event: NewEvent): RoomEvent {
  const seq = s.nextSeq.get(room);
  if (seq === undefined) throw new ParleyError('not_found', 'No such room.');
  const row: EventRow = {
    room_id: room,
    seq,
    ts,
    kind: event.kind,
    user_id: user.id,
    user_name: user.name,
    client_id: event.kind === 'message' ? event.clientId : null,
    body: event.kind === 'message' || event.kind === 'edit' ? event.body : null,
    target: 'target' in event ? event.target : null,
    data: 'data' in event && event.data !== null ? JSON.stringify(event.data) : null,
    edited_ts: null,
    deleted: 0,
  };
  s.insertEvent.run(row);
  return toRoomEvent(row);
}

/** The message at `target`, which must be a message that is not deleted. */
function liveMessage(s: Statements, room: string, target: number): EventRow {
  const row = s.eventBySeq.get(room, target);
  if (!row || row.kind !== 'message' || row.deleted) throw new ParleyError('not_found', 'No such message.');
  return row;
}

function authoredMessage(s: Statements, room: string, target: number, user: UserRef): EventRow {
  const row = liveMessage(s, room, target);
  if (row.user_id !== user.id) throw new ParleyError('forbidden', 'Only its author may change a message.');
  return row;
}

/** A message row in its current state, with its reactions. */
export function readMessage(s: Statements, row: EventRow): MessageEvent {
  const reactions = row.deleted ? undefined : groupReactions(s.reactionsInRange.all(row.room_id, row.seq, row.seq)).get(row.seq);
  return toRoomEvent(row, reactions) as MessageEvent;
}

export function appendMessage(
  s: Statements,
  input: { room: string; user: UserRef; clientId: string; body: string },
): { event: MessageEvent; duplicate: boolean } {
  const stored = s.messageByClientId.get(input.room, input.user.id, input.clientId);
  if (stored) return { event: readMessage(s, stored), duplicate: true };
  const event = appendEvent(s, input.room, input.user, Date.now(), { kind: 'message', clientId: input.clientId, body: input.body });
  return { event: event as MessageEvent, duplicate: false };
}

export function editMessage(s: Statements, input: { room: string; user: UserRef; target: number; body: string }): RoomEvent {
  authoredMessage(s, input.room, input.target, input.user);
  const ts = Date.now();
  const event = appendEvent(s, input.room, input.user, ts, { kind: 'edit', target: input.target, body: input.body });
  s.editMessage.run({ room_id: input.room, seq: input.target, body: input.body, edited_ts: ts });
  return event;
}

/** Tombstones the message: its body, the bodies of its edits and its reactions are erased. */
export function deleteMessage(s: Statements, input: { room: string; user: UserRef; target: number }): RoomEvent {
  const message = authoredMessage(s, input.room, input.target, input.user);
  const event = appendEvent(s, input.room, input.user, Date.now(), { kind: 'delete', target: input.target });
  s.tombstoneMessage.run(input.room, input.target);
  s.deleteReactionsOf.run(input.room, input.target);
  if (message.edited_ts !== null) s.eraseEditBodies.run(input.room, input.target);
  return event;
}

export function react(
  s: Statements,
  input: { room: string; user: UserRef; target: number; emoji: string; on: boolean },
): RoomEvent | null {
  const { room, user, target, emoji, on } = input;
  liveMessage(s, room, target);
  const present = s.reactionExists.get(room, target, user.id, emoji) !== undefined;
  if (present === on) return null;
  const event = appendEvent(s, room, user, Date.now(), { kind: 'reaction', target, data: { emoji, on } });
  if (on) s.insertReaction.run({ room_id: room, target, user_id: user.id, emoji, seq: event.seq });
  else s.deleteReaction.run(room, target, user.id, emoji);
  return event;
}

/** Appends the join event and adds the member; their read marker starts at the join (earlier history is not unread). */
function addMember(s: Statements, room: string, user: UserRef, role: 'owner' | 'member', by: UserRef | null, ts: number): RoomEvent {
  const event = appendEvent(s, room, user, ts, { kind: 'join', data: by ? { by: { id: by.id, name: by.name } } : null });
  s.insertMember.run({ room_id: room, user_id: user.id, role, read_seq: event.seq, joined_at: ts });
  return event;
}

export function join(s: Statements, input: { room: string; user: UserRef; by?: UserRef }): RoomEvent | null {
  if (!s.roomById.get(input.room)) throw new ParleyError('not_found', 'No such room.');
  if (s.isMember.get(input.room, input.user.id) !== undefined) return null;
  return addMember(s, input.room, input.user, 'member', input.by ?? null, Date.now());
}

export function leave(s: Statements, input: { room: string; user: UserRef }): RoomEvent | null {
  if (!s.roomById.get(input.room)) throw new ParleyError('not_found', 'No such room.');
  if (s.isMember.get(input.room, input.user.id) === undefined) return null;
  s.deleteMember.run(input.room, input.user.id);
  return appendEvent(s, input.room, input.user, Date.now(), { kind: 'leave' });
}

export function setReadMarker(s: Statements, roomId: string, userId: string, seq: number): number {
  const marker = s.advanceReadMarker.get({ room_id: roomId, user_id: userId, seq });
  if (marker === undefined) throw new ParleyError('not_found', 'Not a member of that room.');
  return marker;
}

/** Case-insensitive uniqueness key of a public or private room's name. */
function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

export function createRoom(s: Statements, room: NewRoom): { room: StoredRoom; events: RoomEvent[] } {
  const key = room.kind === 'dm' ? null : nameKey(room.name);
  if (key !== null && s.roomNameKeyExists.get(key) !== undefined) throw new ParleyError('name_taken', 'A room with that name exists.');
  const ts = Date.now();
  const creator = room.createdBy;
  s.insertRoom.run({ id: room.id, name: room.name, name_key: key, kind: room.kind, created_by: creator?.id ?? null, created_at: ts });
  const events = [
    appendEvent(s, room.id, creator ?? SERVER_USER, ts, { kind: 'created', data: { name: room.name, roomKind: room.kind } }),
  ];
  const added = new Set<string>();
  if (creator) {
    events.push(addMember(s, room.id, creator, 'owner', null, ts));
    added.add(creator.id);
  }
  for (const member of room.members ?? []) {
    if (added.has(member.id)) continue;
    events.push(addMember(s, room.id, member, 'member', creator, ts));
    added.add(member.id);
  }
  const stored: StoredRoom = { id: room.id, name: room.name, kind: room.kind, createdBy: creator?.id ?? null, createdAt: ts };
  return { room: stored, events };
}

/** Creates the lobby unless it exists. */
export function ensureLobby(s: Statements): void {
  if (!s.roomById.get(LOBBY.id)) createRoom(s, LOBBY);
}

export function renameUser(s: Statements, userId: string, name: string): { user: StoredUser; events: RoomEvent[] } {
  const row = s.userById.get(userId);
  if (!row) throw new ParleyError('not_found', 'No such user.');
  const user = toStoredUser({ ...row, name });
  if (row.name === name) return { user, events: [] };
  s.setUserName.run({ id: userId, name });
  const ts = Date.now();
  const ref = { id: userId, name };
  const events = s.memberRoomIds
    .all(userId)
    .map((room) => appendEvent(s, room, ref, ts, { kind: 'rename', data: { from: row.name, to: name } }));
  return { user, events };
}
