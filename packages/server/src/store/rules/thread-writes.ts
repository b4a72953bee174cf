/**
 * The rules of threads (protocol.md §25), shared by every store: what a reply does to its
 * thread and to who follows it, following by hand, reading a thread, and counting again.
 *
 * Who follows a thread: the root's author (from the first reply on, unless they unfollowed),
 * everyone who replied, every member a reply mentions (@username, or an edit of the reply adds),
 * and anyone who followed it by hand. Each follower's unread count is counted again from the log
 * (`recountFollows`) whenever the thread or their marker changes, and every such change bumps the
 * row's version, so the newest state a client holds is always a count of the log.
 */
import { ParleyError, THREAD_PARTICIPANTS_MAX, mentionedUsernames, type MessageEvent, type ThreadInfo, type ThreadState, type UserRef } from '@parley/protocol';
import type { EventRow } from '../sql/schema.js';
import { toThreadInfo, toThreadState } from '../sql/thread-rows.js';
import type { WriteTx } from './write-tx.js';
import { requireMember } from './membership.js';

/** A thread after a change: its info, and the view of each of its follower rows (each a newer version). */
export interface ThreadUpdate {
  room: string;
  root: number;
  info: ThreadInfo;
  states: Array<{ userId: string; state: ThreadState }>;
}

/**
 * The root a reply to `target` goes to: `target` itself when it is a live message that is no
 * reply; a reply's own root otherwise (threads are one level deep, as Slack's).
 */
export async function threadRootFor(tx: WriteTx, room: string, target: number): Promise<EventRow> {
  const row = await tx.eventBySeq(room, target);
  if (!row || row.kind !== 'message' || row.deleted) throw new ParleyError('not_found', 'No such message.');
  if (row.thread === null) return row;
  const root = await tx.eventBySeq(room, row.thread);
  if (!root) throw new ParleyError('not_found', 'No such message.');
  return root;
}

/** A message that may have a thread: a message of the room that is no reply. */
async function rootMessage(tx: WriteTx, room: string, root: number): Promise<EventRow> {
  const row = await tx.eventBySeq(room, root);
  if (!row || row.kind !== 'message' || row.thread !== null) throw new ParleyError('not_found', 'No such thread.');
  return row;
}

async function update(tx: WriteTx, room: string, root: number, info: ThreadInfo, userIds: readonly string[] | null): Promise<ThreadUpdate> {
  const rows = await tx.recountFollows(room, root, userIds);
  return { room, root, info, states: rows.map((row) => ({ userId: row.user_id, state: toThreadState(row, info) })) };
}

/** After a reply was appended: the thread's info, and who follows it now. */
export async function recordReply(tx: WriteTx, reply: MessageEvent, root: EventRow): Promise<ThreadUpdate> {
  const { room, seq, ts } = reply;
  const author = reply.user;
  const thread = await tx.threadOf(room, root.seq);
  const participants = toThreadInfo(thread, root.seq).participants;
  if (!participants.some((p) => p.id === author.id) && participants.length < THREAD_PARTICIPANTS_MAX) {
    participants.push({ id: author.id, name: author.name });
  }
  const row = { room_id: room, root: root.seq, replies: (thread?.replies ?? 0) + 1, last_seq: seq, last_ts: ts, participants: JSON.stringify(participants) };
  await tx.putThread(row);
  // The replier has read the thread up to their reply.
  const own = await tx.followOf(room, root.seq, author.id);
  await tx.putFollow({ room_id: room, root: root.seq, user_id: author.id, following: 1, read_seq: Math.max(own?.read_seq ?? 0, seq) });
  // The root's author follows from the first reply on, unless they unfollowed (their row stays, following 0).
  if (root.user_id !== author.id && (await tx.followOf(room, root.seq, root.user_id)) === null && (await tx.memberOf(room, root.user_id)) !== null) {
    await tx.putFollow({ room_id: room, root: root.seq, user_id: root.user_id, following: 1, read_seq: root.seq });
  }
  await followMentioned(tx, room, root.seq, author.id, mentionedUsernames(reply.body));
  return update(tx, room, root.seq, toThreadInfo(row, root.seq), null);
}

/**
 * After a reply's edit (`reply`: its row before the edit): the members its new text mentions and
 * its old text did not follow the thread, as if the reply had mentioned them from the start; null
 * when that makes nobody follow. A mention the reply had already does not bring back someone who
 * unfollowed since.
 */
export async function recordEditedReply(tx: WriteTx, reply: EventRow, body: string): Promise<ThreadUpdate | null> {
  const root = reply.thread;
  if (root === null) return null;
  const before = new Set(mentionedUsernames(reply.body ?? ''));
  const added = mentionedUsernames(body).filter((name) => !before.has(name));
  if (added.length === 0) return null;
  const followers = await followMentioned(tx, reply.room_id, root, reply.user_id, added);
  if (followers.length === 0) return null;
  return update(tx, reply.room_id, root, toThreadInfo(await tx.threadOf(reply.room_id, root), root), followers);
}

/** The room's members named in `usernames` (but the author) follow the thread, again if they had unfollowed; returns who now does. */
async function followMentioned(tx: WriteTx, room: string, root: number, authorId: string, usernames: readonly string[]): Promise<string[]> {
  const followers: string[] = [];
  for (const userId of await tx.memberIdsByUsernames(room, usernames)) {
    if (userId === authorId) continue;
    const existing = await tx.followOf(room, root, userId);
    if (existing?.following === 1) continue;
    await tx.putFollow({ room_id: room, root, user_id: userId, following: 1, read_seq: existing?.read_seq ?? root });
    followers.push(userId);
  }
  return followers;
}

/** Follows or unfollows a thread by hand; a new follower starts with every reply so far read. */
export async function followThread(tx: WriteTx, input: { room: string; root: number; user: UserRef; on: boolean }): Promise<ThreadState> {
  await requireMember(tx, input.room, input.user.id);
  await rootMessage(tx, input.room, input.root);
  const thread = await tx.threadOf(input.room, input.root);
  const existing = await tx.followOf(input.room, input.root, input.user.id);
  const readSeq = existing?.read_seq ?? thread?.last_seq ?? input.root;
  await tx.putFollow({ room_id: input.room, root: input.root, user_id: input.user.id, following: input.on ? 1 : 0, read_seq: readSeq });
  const { states } = await update(tx, input.room, input.root, toThreadInfo(thread, input.root), [input.user.id]);
  return states[0]!.state;
}

/** Moves the user's read marker in the thread forward to min(seq, its newest reply); never back. */
export async function readThread(tx: WriteTx, input: { room: string; root: number; user: UserRef; seq: number }): Promise<ThreadState> {
  await requireMember(tx, input.room, input.user.id);
  await rootMessage(tx, input.room, input.root);
  const thread = await tx.threadOf(input.room, input.root);
  const existing = await tx.followOf(input.room, input.root, input.user.id);
  const readSeq = Math.max(existing?.read_seq ?? input.root, Math.min(input.seq, thread?.last_seq ?? input.root));
  await tx.putFollow({ room_id: input.room, root: input.root, user_id: input.user.id, following: existing?.following ?? 0, read_seq: readSeq });
  const { states } = await update(tx, input.room, input.root, toThreadInfo(thread, input.root), [input.user.id]);
  return states[0]!.state;
}

/**
 * Counts again the unread of every follower of the threads the messages `seqs` are replies in
 * (after they were deleted, by their authors, a moderator or a ban); one update per thread.
 */
export async function recountThreads(tx: WriteTx, room: string, seqs: readonly number[]): Promise<ThreadUpdate[]> {
  if ((await tx.lockRoom(room, '')) === null) return [];
  const roots = new Set<number>();
  for (const seq of seqs) {
    const row = await tx.eventBySeq(room, seq);
    if (row?.thread != null) roots.add(row.thread);
  }
  const updates: ThreadUpdate[] = [];
  for (const root of [...roots].sort((a, b) => a - b)) {
    const thread = await tx.threadOf(room, root);
    if (thread !== null) updates.push(await update(tx, room, root, toThreadInfo(thread, root), null));
  }
  return updates;
}
