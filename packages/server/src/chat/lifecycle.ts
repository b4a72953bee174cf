/**
 * A peer's life on this node: its opening (the hub subscribes its rooms, it
 * comes online, it gets its `welcome`), its closing, the presence changes its
 * memberships make, and what the node does when the bus was interrupted
 * (user messages may have been lost: each local user's rooms and sessions
 * are read again from the store).
 */
import { CLOSE, type UserRef, type WelcomeFrame } from '@parley/protocol';
import type { Peer } from '../hub/peer.js';
import { roomsFor, summaryFor, type ChatContext } from './context.js';
import { isServerAdmin } from './admins.js';

/** Users whose names one read of presenceChanged asks for. */
const NAMES_BATCH = 500;

export class PeerLifecycle {
  readonly #ctx: ChatContext;

  constructor(ctx: ChatContext) {
    this.#ctx = ctx;
    ctx.hub.onMembershipChange = (peer, room, joined) => void this.#membershipChanged(peer, room, joined);
    ctx.hub.onResubscribed = () => void this.#reconcile();
  }

  /**
   * Registers an authenticated peer and sends its `welcome`. The welcome is read after the
   * peer's rooms are live on this node, so that everything committed after the welcome reaches
   * it live, and everything before is its resume's to replay.
   */
  async open(peer: Peer): Promise<void> {
    const ctx = this.#ctx;
    const roomIds = await ctx.store.memberRoomIds(peer.user.id);
    // Closed while we read: its close handler already ran and found nothing to remove.
    if (peer.closed) return;
    await ctx.hub.add(peer, roomIds);
    if (peer.closed) {
      this.close(peer);
      return;
    }
    ctx.metrics.connections.inc();
    const user = userRef(peer);
    for (const room of await ctx.presence.connected(user.id, roomIds)) ctx.presenceNotifier.changed(room, user, 'online');
    // Read together: on a busy node each read waits for a batch (store/postgres/read-batch.ts).
    const [rooms, blocked] = await Promise.all([roomsFor(ctx, peer.user.id), ctx.store.blockedBy(peer.user.id)]);
    const welcome: WelcomeFrame = {
      type: 'welcome',
      user: peer.user,
      rooms,
      limits: { ...ctx.config.limits },
      heartbeat: { ...ctx.config.heartbeat },
      serverTime: Date.now(),
    };
    if (isServerAdmin(ctx.config, peer.user)) welcome.admin = true;
    if (blocked.length > 0) welcome.blocked = blocked;
    peer.welcome(welcome);
  }

  close(peer: Peer): void {
    const ctx = this.#ctx;
    if (!ctx.hub.remove(peer)) return;
    ctx.metrics.connections.dec();
    const user = userRef(peer);
    void ctx.presence.disconnected(user.id).then((rooms) => {
      for (const room of rooms) ctx.presenceNotifier.changed(room, user, 'offline');
    });
  }

  /**
   * Presence changed without a connection opening or closing here: users whose node died went
   * offline, or this node's users are back after presence lost them. Tell their rooms.
   */
  async presenceChanged(changes: ReadonlyArray<{ userId: string; rooms: readonly string[] }>, status: 'online' | 'offline'): Promise<void> {
    const ctx = this.#ctx;
    // A dead node's users come in one list, thousands at once: their names are read a batch at a time, not one by one.
    for (let i = 0; i < changes.length; i += NAMES_BATCH) {
      const batch = changes.slice(i, i + NAMES_BATCH);
      const names = new Map((await ctx.store.findUsersByIds(batch.map((change) => change.userId))).map((user) => [user.id, user.name]));
      for (const { userId, rooms } of batch) {
        const ref = { id: userId, name: names.get(userId) ?? userId };
        for (const room of rooms) ctx.presenceNotifier.changed(room, ref, status);
      }
    }
  }

  async #membershipChanged(peer: Peer, room: string, joined: boolean): Promise<void> {
    const ctx = this.#ctx;
    const user = userRef(peer);
    const changed = joined ? await ctx.presence.joined(room, user.id) : await ctx.presence.left(room, user.id);
    if (changed) ctx.presenceNotifier.changed(room, user, joined ? 'online' : 'offline');
  }

  /**
   * After the bus was interrupted: the user messages this node missed may have been joins,
   * leaves, renames or logouts. Each local user's rooms, name and sessions are read again.
   */
  async #reconcile(): Promise<void> {
    const ctx = this.#ctx;
    for (const userId of [...ctx.hub.users()]) {
      try {
        const [rooms, user] = await Promise.all([ctx.store.memberRoomIds(userId), ctx.store.findUserById(userId)]);
        const wanted = new Set(rooms);
        for (const peer of ctx.hub.peersOf(userId)) {
          if (user && peer.user.name !== user.name) peer.user = { ...peer.user, name: user.name };
          for (const room of peer.rooms) {
            if (wanted.has(room)) continue;
            ctx.hub.unsubscribe(peer, room);
            void this.#membershipChanged(peer, room, false);
            peer.send({ type: 'room_left', room });
          }
          for (const room of wanted) {
            if (ctx.hub.has(peer, room)) continue;
            await ctx.hub.subscribe(peer, room);
            void this.#membershipChanged(peer, room, true);
            peer.send({ type: 'room', room: await summaryFor(ctx, room, userId) });
          }
          if (peer.sessionHash !== null) {
            const session = await ctx.store.findSession(peer.sessionHash);
            if (!session || session.revoked || session.expiresAt <= Date.now()) peer.close(CLOSE.sessionEnded, 'session ended');
          }
        }
      } catch (error) {
        ctx.log.error({ err: error, userId }, 'could not reconcile a user after a bus interruption');
      }
    }
  }
}

function userRef(peer: Peer): UserRef {
  return { id: peer.user.id, name: peer.user.name };
}
