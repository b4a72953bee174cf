/** history and resume. */
import type { ClientFrameOf, ResumeResult } from '@parley/protocol';
import type { Peer } from '../hub/peer.js';
import { ack, requireReadable, type ChatContext } from './context.js';

const DEFAULT_PAGE = 50;
/** Events a resume reads at once: a history page's worth, after which it lets others run (ctx.pacer). */
const REPLAY_CHUNK = 200;

export async function history(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'history'>): Promise<void> {
  await requireReadable(ctx, peer, frame.room);
  const limit = Math.min(frame.limit ?? DEFAULT_PAGE, ctx.config.limits.historyPageMax);
  const page = await ctx.store.page(frame.room, {
    limit,
    ...(frame.before !== undefined ? { before: frame.before } : {}),
    ...(frame.after !== undefined ? { after: frame.after } : {}),
  });
  ack<'history'>(peer, frame.ref, page);
}

/**
 * Replays, per room, every event after the client's last seq, then acks with
 * a status per room. While a room's replay is read, that room's live events
 * are held back on this peer and released after it, minus what the
 * replay already covered: the client sees each event once, in order.
 *
 * One resume replays rooms until it has queued twice the outbound queue limit;
 * the rooms after that answer `too_far_behind` (the client pages forward
 * instead), so that a resume of many rooms, each far behind, cannot queue an
 * unbounded burst on one peer.
 */
export async function resume(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'resume'>): Promise<void> {
  const results: ResumeResult[] = [];
  const limit = ctx.config.limits.replayLimit;
  const budgetBytes = 2 * ctx.config.outboundQueueLimitBytes;
  let replayedBytes = 0;
  // The rooms the user is a member of, from the store: a join or leave through another node reaches this node's view a moment later.
  const member = new Set(await ctx.store.memberRoomIds(peer.user.id));
  for (const { room, after } of frame.rooms) {
    await ctx.pacer.pause(peer);
    if (!member.has(room)) {
      results.push({ room, status: 'not_found', latestSeq: 0 });
      continue;
    }
    peer.hold(room);
    let replayedUpTo = after;
    try {
      // The first chunk comes first: when it is short, it ends where the log did (the room's end
      // need not be read: one round trip less for a client a few events behind, most of them).
      const firstChunk = Math.min(REPLAY_CHUNK, limit + 1);
      let events = await ctx.store.eventsAfter(room, after, firstChunk);
      const latestSeq = events.length > 0 && events.length < firstChunk ? events.at(-1)!.seq : await ctx.store.latestSeq(room);
      if (latestSeq - after > limit || (replayedBytes >= budgetBytes && latestSeq > after)) {
        results.push({ room, status: 'too_far_behind', latestSeq });
        // Held live events are dropped: the client pages forward from `after` and finds them there.
        replayedUpTo = Number.MAX_SAFE_INTEGER;
        continue;
      }
      // Sent in chunks, each a unit of the peer's budget: a replay of thousands of events
      // does not hold the event loop in one go. The room's live events stay held meanwhile.
      let replayed = 0;
      let lastSeq = 0;
      for (;;) {
        const chunk = Math.min(REPLAY_CHUNK, limit + 1 - replayed);
        for (const event of events) {
          replayedBytes += peer.send({ type: 'event', event });
          replayedUpTo = lastSeq = event.seq;
        }
        replayed += events.length;
        if (events.length < chunk || replayed > limit) break;
        await ctx.pacer.pause(peer);
        events = await ctx.store.eventsAfter(room, replayedUpTo, Math.min(REPLAY_CHUNK, limit + 1 - replayed));
      }
      // The true end of the log, even when the client claims to be ahead of it (a restored database).
      results.push({ room, status: 'ok', latestSeq: Math.max(latestSeq, lastSeq) });
    } finally {
      peer.release(room, replayedUpTo);
    }
  }
  ack<'resume'>(peer, frame.ref, { rooms: results });
}
