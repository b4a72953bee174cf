/** rename. */
import type { ClientFrameOf } from '@parley/protocol';
import type { Peer } from '../hub/peer.js';
import { toSummary } from '../auth/accounts.js';
import { ack, publishEvent, publishToUser, takeRate, type ChatContext } from './context.js';

export async function rename(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'rename'>): Promise<void> {
  takeRate(ctx.rates.rename, peer.user.id);
  const { user, events } = await ctx.store.renameUser(peer.user.id, frame.name);
  const summary = toSummary(user);
  publishToUser(ctx, user.id, { rename: user.name, frame: { type: 'user', user: summary } });
  for (const event of events) publishEvent(ctx, event);
  ack<'rename'>(peer, frame.ref, { user: summary });
}
