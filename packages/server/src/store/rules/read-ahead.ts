/**
 * What a batch of writes will read, known before its rules run: the rooms
 * they lock, the memberships (with limits) they check there, and the client
 * ids of the messages they append. A store whose every read costs a round
 * trip (PostgreSQL) reads these in a few statements at the start of the
 * batch's transaction (WriteTx.readAhead) instead of several per write.
 * Only a hint: a read it did not foresee is made as usual.
 */
import type { WriteRequest } from './write-ops.js';

export interface ReadAhead {
  /** Rooms to lock, ascending (the order every writer locks rooms in). */
  rooms: string[];
  /** Memberships and limits to read, after the rooms are locked. */
  members: Array<{ room: string; user: string }>;
  /** Messages to look up by their idempotency key. */
  messages: Array<{ room: string; user: string; clientId: string }>;
}

/** The first argument of the writes that act in one room: the room, and who acts there. */
type RoomWriteArg = { room?: unknown; user?: { id?: unknown }; actor?: { id?: unknown }; clientId?: unknown };

export function readAheadOf(writes: readonly WriteRequest[]): ReadAhead {
  const rooms = new Set<string>();
  const members = new Map<string, { room: string; user: string }>();
  const messages: ReadAhead['messages'] = [];
  for (const { op, args } of writes) {
    let room: unknown;
    let user: unknown;
    if (op === 'setReadMarker') [room, user] = args as [unknown, unknown];
    else {
      const first = args[0] as RoomWriteArg | undefined;
      room = first?.room;
      user = first?.user?.id ?? first?.actor?.id;
      if (op === 'appendMessage' && typeof room === 'string' && typeof user === 'string' && typeof first?.clientId === 'string') {
        messages.push({ room, user, clientId: first.clientId });
      }
    }
    if (typeof room !== 'string') continue;
    rooms.add(room);
    if (typeof user === 'string') members.set(`${room}\u0000${user}`, { room, user });
  }
  return { rooms: [...rooms].sort(), members: [...members.values()], messages };
}
