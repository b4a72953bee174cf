/**
 * Applying log events to a room's timeline. Messages arrive in their current
 * state (edits, deletion and reactions already applied) and the later edit,
 * delete and reaction events are replayed too, so every operation here is
 * idempotent: applying a room's events in order always lands on the same state.
 */
import { THREAD_PARTICIPANTS_MAX, type LinkPreview, type MessageEvent, type Reactions, type RoomEvent } from '@parley/protocol';
import type { MessageItem, TimelineItem } from './types.js';

export function toMessageItem(event: MessageEvent): MessageItem {
  return { ...event, deleted: event.deleted ?? false, reactions: event.reactions ?? {} };
}

/** Whether the event is listed in the timeline itself (rather than applied to a message). */
export function isListed(event: RoomEvent): event is TimelineItem & RoomEvent {
  return event.kind !== 'edit' && event.kind !== 'delete' && event.kind !== 'reaction' && event.kind !== 'preview';
}

export function toTimelineItem(event: RoomEvent): TimelineItem | null {
  if (event.kind === 'message') return toMessageItem(event);
  return isListed(event) ? event : null;
}

/** Index of the item with `seq` in a timeline sorted by seq, or -1. */
export function findIndex(items: readonly TimelineItem[], seq: number): number {
  let low = 0;
  let high = items.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const at = items[middle]!.seq;
    if (at === seq) return middle;
    if (at < seq) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

function withReaction(reactions: Reactions, emoji: string, userId: string, on: boolean): Reactions {
  const users = reactions[emoji] ?? [];
  const has = users.includes(userId);
  if (has === on) return reactions;
  const next = { ...reactions };
  if (on) next[emoji] = [...users, userId];
  else {
    const rest = users.filter((id) => id !== userId);
    if (rest.length > 0) next[emoji] = rest;
    else delete next[emoji];
  }
  return next;
}

/** A deleted message as the server serves it: no text, reactions or preview. */
function tombstone(message: MessageItem): MessageItem {
  const { preview: _preview, ...rest } = message;
  return { ...rest, body: '', deleted: true, reactions: {} };
}

/** Whether two previews are the same (a message read after a preview event already carries its preview). */
function samePreview(a: LinkPreview | undefined, b: LinkPreview | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.url === b.url && a.title === b.title && a.description === b.description && a.siteName === b.siteName && a.image === b.image;
}

/**
 * The message `event` changes (edit, delete, reaction) as it becomes after the
 * event, or null when the event changes no message or the message is not loaded.
 */
export function applyToMessage(message: MessageItem, event: RoomEvent): MessageItem | null {
  switch (event.kind) {
    case 'edit':
      if (message.deleted) return null;
      return { ...message, body: event.body, editedTs: event.ts };
    case 'delete':
      if (message.deleted) return null;
      return { ...tombstone(message), ...(event.moderated ? { moderated: true as const } : {}) };
    case 'ban':
      // A ban that deleted the banned person's recent messages names them.
      if (message.deleted || !event.deleted?.includes(message.seq)) return null;
      return { ...tombstone(message), moderated: true };
    case 'reaction': {
      if (message.deleted) return null;
      const reactions = withReaction(message.reactions, event.emoji, event.user.id, event.on);
      return reactions === message.reactions ? null : { ...message, reactions };
    }
    case 'preview': {
      // Set, not merged: each preview event states the message's whole preview (none: taken off).
      if (message.deleted || samePreview(message.preview, event.preview)) return null;
      const { preview: _was, ...rest } = message;
      return event.preview ? { ...rest, preview: event.preview } : rest;
    }
    default:
      return null;
  }
}

/** The seq of the message an edit, delete, reaction or preview event targets; null for other kinds. */
export function targetOf(event: RoomEvent): number | null {
  return event.kind === 'edit' || event.kind === 'delete' || event.kind === 'reaction' || event.kind === 'preview' ? event.target : null;
}

/** The seqs of the messages an event changes: its target, or the messages a ban deleted. */
export function targetsOf(event: RoomEvent): readonly number[] {
  const target = targetOf(event);
  if (target !== null) return [target];
  return event.kind === 'ban' ? (event.deleted ?? []) : [];
}

/**
 * A page of a room's log read on its own — a room not followed, such as a public room
 * previewed before joining — as timeline items, with the page's edits, deletions and
 * reactions applied to the messages it holds.
 */
export function timelineOf(events: readonly RoomEvent[]): TimelineItem[] {
  const items: TimelineItem[] = [];
  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    const item = toTimelineItem(event);
    if (item) items.push(item);
    if (event.kind === 'message' && event.thread !== undefined) {
      const index = findIndex(items, event.thread);
      const root = index >= 0 ? items[index] : undefined;
      const changed = root?.kind === 'message' ? applyReply(root as MessageItem, event) : null;
      if (changed) items[index] = changed;
    }
    for (const target of targetsOf(event)) {
      const index = findIndex(items, target);
      const message = index >= 0 ? items[index] : undefined;
      const changed = message?.kind === 'message' ? applyToMessage(message as MessageItem, event) : null;
      if (changed) items[index] = changed;
    }
  }
  return items;
}

/** Whether a message is a reply kept in its thread (not also sent to the room): main timelines leave it out (§25). */
export function inThreadOnly(message: Pick<MessageEvent, 'thread' | 'alsoInRoom'>): boolean {
  return message.thread !== undefined && message.alsoInRoom !== true;
}

/**
 * The root as it becomes after a reply in its thread, or null when the reply is already counted
 * (its seq is not above `replies.lastSeq`: the root was read after it).
 */
export function applyReply(root: MessageItem, reply: MessageEvent): MessageItem | null {
  const info = root.replies;
  if (info && reply.seq <= info.lastSeq) return null;
  const participants = info?.participants ?? [];
  const known = participants.some((p) => p.id === reply.user.id) || participants.length >= THREAD_PARTICIPANTS_MAX;
  return {
    ...root,
    replies: {
      count: (info?.count ?? 0) + 1,
      lastSeq: reply.seq,
      lastTs: reply.ts,
      participants: known ? participants : [...participants, { id: reply.user.id, name: reply.user.name }],
    },
  };
}
