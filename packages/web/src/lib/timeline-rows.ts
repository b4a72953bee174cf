/**
 * Turns a room's timeline (and the messages still on their way) into the rows
 * the message list draws: a divider per day, an "unread" divider, and each
 * message marked as the start of an author group or as a continuation.
 */
import { dayKey, type TimeOptions } from './time.js';

export interface EntryLike {
  kind: string;
  seq: number;
  ts: number;
  user: { id: string };
  /** Messages only: the sender's id, stable from the moment it was sent. */
  id?: string;
}

export interface PendingLike {
  id: string;
  createdAt: number;
}

export type Row<E, P> =
  | { type: 'day'; key: string; ts: number }
  | { type: 'unread'; key: string }
  | { type: 'message'; key: string; entry: E; startsGroup: boolean }
  | { type: 'notice'; key: string; entry: E }
  | { type: 'pending'; key: string; pending: P; startsGroup: boolean };

/** Consecutive messages by one author within this gap share a header. */
export const GROUP_GAP_MS = 5 * 60_000;

export interface RowsInput<E, P> {
  entries: readonly E[];
  pending: readonly P[];
  selfId: string;
  /** Draw the unread divider before the first message by someone else with seq above this. */
  unreadAfter?: number;
  time: TimeOptions;
}

export function buildRows<E extends EntryLike, P extends PendingLike>(input: RowsInput<E, P>): Array<Row<E, P>> {
  const rows: Array<Row<E, P>> = [];
  let lastDay = '';
  let lastAuthor: string | null = null;
  let lastTs = 0;
  let unreadPlaced = input.unreadAfter === undefined;

  const place = (ts: number, author: string | null): boolean => {
    const day = dayKey(ts, input.time);
    let starts = true;
    if (day !== lastDay) {
      rows.push({ type: 'day', key: `day-${day}`, ts });
      lastDay = day;
    } else if (author !== null && author === lastAuthor && ts - lastTs <= GROUP_GAP_MS) {
      starts = false;
    }
    lastAuthor = author;
    lastTs = ts;
    return starts;
  };

  for (const entry of input.entries) {
    if (entry.kind !== 'message') {
      place(entry.ts, null);
      rows.push({ type: 'notice', key: `seq-${entry.seq}`, entry });
      continue;
    }
    if (!unreadPlaced && entry.seq > input.unreadAfter! && entry.user.id !== input.selfId) {
      rows.push({ type: 'unread', key: 'unread' });
      unreadPlaced = true;
      // The divider breaks the group so the first unread message shows its author.
      lastAuthor = null;
    }
    const startsGroup = place(entry.ts, entry.user.id);
    rows.push({ type: 'message', key: entry.id ? `msg-${entry.id}` : `seq-${entry.seq}`, entry, startsGroup });
  }
  const stored = new Set(input.entries.map((entry) => entry.id).filter((id) => id !== undefined));
  for (const pending of input.pending) {
    // An acked message can be in both lists for a moment; the stored copy wins.
    if (stored.has(pending.id)) continue;
    const startsGroup = place(pending.createdAt, input.selfId);
    rows.push({ type: 'pending', key: `msg-${pending.id}`, pending, startsGroup });
  }
  return rows;
}
