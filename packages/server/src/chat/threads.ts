/** replies, threads, follow, thread_read (protocol.md §25), and telling followers of a thread's changes. */
import { ParleyError, THREADS_LIST_MAX, type ClientFrameOf, type ThreadState } from '@parley/protocol';
import type { Peer } from '../hub/peer.js';
import type { ThreadUpdate } from '../store/store.js';
import { ack, publishToUser, requireReadable, takeRate, type ChatContext } from './context.js';

const DEFAULT_PAGE = 200;

/** Each follower row's new state to every connection of its user, on every node (they keep the highest version). */
export function publishThreadUpdate(ctx: ChatContext, update: ThreadUpdate): void {
  for (const { userId, state } of update.states) publishThreadState(ctx, userId, state);
}

function publishThreadState(ctx: ChatContext, userId: string, thread: ThreadState): void {
  publishToUser(ctx, userId, { frame: { type: 'thread', thread } });
}

export async function replies(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'replies'>): Promise<void> {
  await requireReadable(ctx, peer, frame.room);
  const query = { after: frame.after ?? 0, limit: frame.limit ?? DEFAULT_PAGE };
  const page = await ctx.store.replies(frame.room, frame.root, query, peer.user.id);
  if (!page) throw new ParleyError('not_found', 'No such thread.');
  ack<'replies'>(peer, frame.ref, page);
}

export async function threads(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'threads'>): Promise<void> {
  const list = await ctx.store.followedThreads(peer.user.id, frame.limit ?? THREADS_LIST_MAX);
  ack<'threads'>(peer, frame.ref, { threads: list });
}

export async function follow(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'follow'>): Promise<void> {
  takeRate(ctx.rates.messages, peer.user.id);
  const user = { id: peer.user.id, name: peer.user.name };
  const thread = await ctx.store.followThread({ room: frame.room, root: frame.root, user, on: frame.on });
  ack<'follow'>(peer, frame.ref, { thread });
  publishThreadState(ctx, peer.user.id, thread);
}

/** As `read` for rooms: every connection of the user (this one too, after the ack) learns the new marker. */
export async function threadRead(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'thread_read'>): Promise<void> {
  const user = { id: peer.user.id, name: peer.user.name };
  const thread = await ctx.store.readThread({ room: frame.room, root: frame.root, user, seq: frame.seq });
  ack<'thread_read'>(peer, frame.ref, { thread });
  publishThreadState(ctx, peer.user.id, thread);
}
