/** history and resume. */
import type { ClientFrameOf, ResumeResult } from '@parley/protocol';
import type { Connection } from '../gateway/connection.js';
import { ack, type ChatContext } from './context.js';
import { requireReadable } from './rooms.js';

const DEFAULT_PAGE = 50;
/** Events a resume reads at once: a history page's worth, after which it lets others run (ctx.pacer). */
const REPLAY_CHUNK = 200;

export async function history(ctx: ChatContext, connection: Connection, frame: ClientFrameOf<'history'>): Promise<void> {
  await requireReadable(ctx, connection, frame.room);
  const limit = Math.min(frame.limit ?? DEFAULT_PAGE, ctx.config.limits.historyPageMax);
  const page = await ctx.store.page(frame.room, {
    limit,
    ...(frame.before !== undefined ? { before: frame.before } : {}),
    ...(frame.after !== undefined ? { after: frame.after } : {}),
  });
  ack<'history'>(connection, frame.ref, page);
}

/**
 * Replays, per room, every event after the client's last seq, then acks with
 * a status per room. While a room's replay is read, that room's live events
 * are held back on this connection and released after it, minus what the
 * replay already covered: the client sees each event once, in order.
 *
 * One resume replays rooms until it has queued twice the outbound queue limit;
 * the rooms after that answer `too_far_behind` (the client pages forward
 * instead), so that a resume of many rooms, each far behind, cannot queue an
 * unbounded burst on one connection.
 */
export async function resume(ctx: ChatContext, connection: Connection, frame: ClientFrameOf<'resume'>): Promise<void> {
  const results: ResumeResult[] = [];
  const limit = ctx.config.limits.replayLimit;
  const budgetBytes = 2 * ctx.config.outboundQueueLimitBytes;
  let replayedBytes = 0;
  for (const { room, after } of frame.rooms) {
    await ctx.pacer.pause(connection);
    if (!ctx.hub.has(connection, room)) {
      results.push({ room, status: 'not_found', latestSeq: 0 });
      continue;
    }
    connection.hold(room);
    let replayedUpTo = after;
    try {
      const latestSeq = await ctx.store.latestSeq(room);
      if (latestSeq - after > limit || (replayedBytes >= budgetBytes && latestSeq > after)) {
        results.push({ room, status: 'too_far_behind', latestSeq });
        // Held live events are dropped: the client pages forward from `after` and finds them there.
        replayedUpTo = Number.MAX_SAFE_INTEGER;
        continue;
      }
      // Read in chunks, each a unit of the connection's budget: a replay of thousands of events
      // does not hold the event loop in one go. The room's live events stay held meanwhile.
      let replayed = 0;
      let lastSeq = 0;
      for (;;) {
        const chunk = Math.min(REPLAY_CHUNK, limit + 1 - replayed);
        const events = await ctx.store.eventsAfter(room, replayedUpTo, chunk);
        for (const event of events) {
          replayedBytes += connection.send({ type: 'event', event });
          replayedUpTo = lastSeq = event.seq;
        }
        replayed += events.length;
        if (events.length < chunk || replayed > limit) break;
        await ctx.pacer.pause(connection);
      }
      // The true end of the log, even when the client claims to be ahead of it (a restored database).
      results.push({ room, status: 'ok', latestSeq: Math.max(latestSeq, lastSeq) });
    } finally {
      connection.release(room, replayedUpTo);
    }
  }
  ack<'resume'>(connection, frame.ref, { rooms: results });
}
