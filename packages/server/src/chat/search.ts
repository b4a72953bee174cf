/** search: messages of the rooms the user may read (search/ holds the tokenizer both stores index with). */
import type { ClientFrameOf } from '@parley/protocol';
import type { Peer } from '../hub/peer.js';
import { highlightRanges, parseQuery } from '../search/tokenize.js';
import { ack, requireReadable, type ChatContext } from './context.js';

const DEFAULT_PAGE = 20;

export async function search(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'search'>): Promise<void> {
  if (frame.room !== undefined) await requireReadable(ctx, peer, frame.room);
  const clauses = parseQuery(frame.query);
  // A query of punctuation alone matches nothing.
  if (clauses.length === 0) {
    ack<'search'>(peer, frame.ref, { results: [], next: null });
    return;
  }
  const page = await ctx.store.searchMessages({
    userId: peer.user.id,
    clauses,
    room: frame.room,
    author: frame.author,
    since: frame.since,
    until: frame.until,
    before: frame.before,
    limit: frame.limit ?? DEFAULT_PAGE,
  });
  const results = page.hits.map(({ roomName, event }) => ({ roomName, event, highlights: highlightRanges(event.body, frame.query) }));
  ack<'search'>(peer, frame.ref, { results, next: page.next });
}
