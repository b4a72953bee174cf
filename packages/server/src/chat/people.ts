/** people, profile (protocol §27): finding people by name, and one person's card. */
import { PEOPLE_MAX, ParleyError, type ClientFrameOf, type Person, type UserSummary } from '@parley/protocol';
import type { Peer } from '../hub/peer.js';
import { ack, requireReadable, type ChatContext } from './context.js';

async function withPresence(ctx: ChatContext, users: readonly UserSummary[]): Promise<Person[]> {
  const online = await ctx.presence.isOnline(users.map((u) => u.id));
  return users.map((user, i) => ({ ...user, online: online[i]! }));
}

export async function people(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'people'>): Promise<void> {
  if (frame.room !== undefined) await requireReadable(ctx, peer, frame.room);
  const users = await ctx.store.findPeople({ userId: peer.user.id, query: frame.query, room: frame.room, limit: frame.limit ?? PEOPLE_MAX });
  ack<'people'>(peer, frame.ref, { users: await withPresence(ctx, users) });
}

export async function profile(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'profile'>): Promise<void> {
  const user = await ctx.store.visiblePerson(peer.user.id, frame.user);
  // Someone the user shares no room with is as unknown as someone who does not exist.
  if (!user) throw new ParleyError('user_not_found', 'No such user.');
  const [person] = await withPresence(ctx, [user]);
  ack<'profile'>(peer, frame.ref, { user: person! });
}
