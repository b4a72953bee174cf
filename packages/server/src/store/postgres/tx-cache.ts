/**
 * What a PostgreSQL write transaction (write-tx.ts) knows without asking the
 * database: the rows of the rooms it has locked, with its own writes applied;
 * the memberships and limits it read in them since; the messages it looked up
 * or appended by idempotency key; and the events it appended to locked rooms
 * and has not sent yet.
 *
 * Why what it keeps stays true: every rule locks a room's row before it reads
 * or writes a membership, a limit or a message there (rules/write-tx.ts), so
 * once this transaction holds the lock, those rows change only through it
 * until it ends — and each of its own changes is applied here, or forgets
 * what it touched. A locked room's next seq is its last_seq plus one, so an
 * append to it needs no round trip: the events wait in `pending` and go in
 * one statement before any other statement, and before COMMIT.
 */
import type { NewEventRow } from '../rules/write-tx.js';
import type { EventRow, MemberLimitsRow, MemberRow, RoomRow } from '../sql/schema.js';

export interface MemberState {
  member: MemberRow | null;
  limits: MemberLimitsRow | null;
}

const pairKey = (room: string, user: string): string => `${room}\u0000${user}`;
const messageKey = (room: string, user: string, clientId: string): string => `${room}\u0000${user}\u0000${clientId}`;

export class TxCache {
  /** Locked rooms' rows. */
  readonly #rooms = new Map<string, RoomRow>();
  readonly #members = new Map<string, MemberState>();
  /** Messages by (room, author, client id); null: known not to exist. */
  readonly #messages = new Map<string, EventRow | null>();
  #pending: EventRow[] = [];

  lockedRoom(room: string): RoomRow | undefined {
    return this.#rooms.get(room);
  }
  locked(row: RoomRow): void {
    this.#rooms.set(row.id, row);
  }
  memberState(room: string, user: string): MemberState | undefined {
    return this.#members.get(pairKey(room, user));
  }
  setMemberState(room: string, user: string, state: MemberState): void {
    this.#members.set(pairKey(room, user), state);
  }
  message(room: string, user: string, clientId: string): EventRow | null | undefined {
    return this.#messages.get(messageKey(room, user, clientId));
  }
  setMessage(room: string, user: string, clientId: string, row: EventRow | null): void {
    this.#messages.set(messageKey(room, user, clientId), row);
  }

  /** Appends to a locked room: its seq, taken here; the event waits in `pending`. Null when the room is not locked. */
  append(event: NewEventRow): number | null {
    const room = this.#rooms.get(event.room_id);
    if (room === undefined) return null;
    const seq = room.last_seq + 1;
    room.last_seq = seq;
    const row: EventRow = { ...event, seq, edited_ts: null, deleted: 0 };
    this.#pending.push(row);
    if (row.client_id !== null) this.setMessage(row.room_id, row.user_id, row.client_id, row);
    return seq;
  }
  /** An append made by a statement (to a room not locked before it): the room is locked now, at that seq. */
  appended(roomId: string, seq: number): void {
    const room = this.#rooms.get(roomId);
    if (room !== undefined) room.last_seq = seq;
  }

  get hasPending(): boolean {
    return this.#pending.length > 0;
  }

  /** The appends not yet sent, which are then taken to be sent; with each room's last seq. */
  takePending(): { events: EventRow[]; lastSeqs: Map<string, number> } | null {
    if (this.#pending.length === 0) return null;
    const events = this.#pending;
    this.#pending = [];
    const lastSeqs = new Map<string, number>();
    for (const event of events) lastSeqs.set(event.room_id, event.seq);
    return { events, lastSeqs };
  }

  // This transaction's own changes.
  memberAdded(room: string, user: string): void {
    this.#members.delete(pairKey(room, user));
    const row = this.#rooms.get(room);
    if (row) row.member_count += 1;
  }
  memberRemoved(room: string, user: string): void {
    this.#members.delete(pairKey(room, user));
    const row = this.#rooms.get(room);
    if (row) row.member_count -= 1;
  }
  memberChanged(room: string, user: string): void {
    this.#members.delete(pairKey(room, user));
  }
  lastPostAt(room: string, user: string, ts: number): void {
    const state = this.#members.get(pairKey(room, user));
    if (state === undefined) return;
    state.limits = { room_id: room, user_id: user, muted_until: state.limits?.muted_until ?? null, last_post_at: ts };
  }
  settings(room: string, settings: string | null): void {
    const row = this.#rooms.get(room);
    if (row) row.settings = settings;
  }
  /** Messages of the room changed (edited, deleted): forgotten, read again when asked. */
  messagesChanged(room: string): void {
    const prefix = `${room}\u0000`;
    for (const key of this.#messages.keys()) if (key.startsWith(prefix)) this.#messages.delete(key);
  }
  /** A room or a user gone, or anything this cache cannot follow: all of it forgotten but the locks' rows' seqs. */
  forgetRows(): void {
    this.#members.clear();
    this.#messages.clear();
  }
  roomDeleted(room: string): void {
    this.#rooms.delete(room);
    this.forgetRows();
  }
}
