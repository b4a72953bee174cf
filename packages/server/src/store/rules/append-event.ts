/**
 * Appending to a room's event log: what each kind of event writes to its row. Every write rule
 * appends through here.
 */
import type { RoomEvent, UserRef } from '@parley/protocol';
import { toRoomEvent, type EventData } from '../sql/rows.js';
import type { NewEventRow, WriteTx } from './write-tx.js';

export type NewEvent =
  | { kind: 'message'; clientId: string; body: string; data: EventData['message'] | null; thread?: number; alsoInRoom?: boolean }
  | { kind: 'edit'; target: number; body: string }
  | { kind: 'delete'; target: number; data: EventData['delete'] | null }
  | { kind: 'reaction'; target: number; data: EventData['reaction'] }
  | { kind: 'join'; data: EventData['join'] | null }
  | { kind: 'leave' }
  | { kind: 'rename'; data: EventData['rename'] }
  | { kind: 'created'; data: EventData['created'] }
  | { kind: 'role'; data: EventData['role'] }
  | { kind: 'kick'; data: EventData['kick'] }
  | { kind: 'ban'; data: EventData['ban'] }
  | { kind: 'unban'; data: EventData['unban'] }
  | { kind: 'timeout'; data: EventData['timeout'] }
  | { kind: 'settings'; data: EventData['settings'] }
  /** No data: the message's preview was taken off. */
  | { kind: 'preview'; target: number; data: EventData['preview'] | null };

/** Appends the event to the room's log with the room's next seq. */
export async function appendEvent(tx: WriteTx, room: string, user: UserRef, ts: number, event: NewEvent): Promise<RoomEvent> {
  const row: NewEventRow = {
    room_id: room,
    ts,
    kind: event.kind,
    user_id: user.id,
    user_name: user.name,
    client_id: event.kind === 'message' ? event.clientId : null,
    body: event.kind === 'message' || event.kind === 'edit' ? event.body : null,
    target: 'target' in event ? event.target : null,
    data: 'data' in event && event.data !== null ? JSON.stringify(event.data) : null,
    thread: event.kind === 'message' ? (event.thread ?? null) : null,
    also_in_room: event.kind === 'message' && event.alsoInRoom ? 1 : 0,
  };
  const seq = await tx.appendEvent(row);
  return toRoomEvent({ ...row, seq, edited_ts: null, deleted: 0 });
}
