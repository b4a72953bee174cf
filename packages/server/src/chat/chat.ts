/**
 * The chat logic: the dispatch of each validated frame to its handler, and a
 * peer's life (lifecycle.ts). Every handler authorizes the frame itself
 * (against the store, never this node's view); every failure becomes one
 * `error` frame addressed to the request.
 */
import { ParleyError, type ClientFrame, type ClientFrameType } from '@parley/protocol';
import type { Peer } from '../hub/peer.js';
import type { StoredUser } from '../store/store.js';
import { LOBBY_ID } from '../store/lobby.js';
import { publishEvent, replyError, type ChatContext } from './context.js';
import { PeerLifecycle } from './lifecycle.js';
import * as messages from './messages.js';
import * as rooms from './rooms.js';
import * as historyHandlers from './history.js';
import * as profile from './profile.js';
import * as moderation from './moderation.js';
import * as community from './community.js';
import * as threads from './threads.js';
import * as searchHandlers from './search.js';
import * as people from './people.js';
import * as webhooks from './webhooks.js';

/** `queued` is for `send`: called once its write is queued in the store (see Chat.handle); the others ignore it. */
type Handler<T extends ClientFrameType> = (
  ctx: ChatContext,
  peer: Peer,
  frame: Extract<ClientFrame, { type: T }>,
  queued?: () => void,
) => Promise<void>;

const HANDLERS: { [T in ClientFrameType]: Handler<T> } = {
  auth: async () => {
    throw new ParleyError('invalid_frame', 'Already authenticated.');
  },
  ping: async (_ctx, peer, frame) => {
    peer.reply(frame.ref === undefined ? { type: 'pong' } : { type: 'pong', ref: frame.ref });
  },
  resume: historyHandlers.resume,
  history: historyHandlers.history,
  send: messages.send,
  edit: messages.edit,
  delete: messages.remove,
  react: messages.react,
  read: messages.read,
  typing: messages.typing,
  join: rooms.join,
  leave: rooms.leave,
  create: rooms.create,
  invite: rooms.invite,
  dm: rooms.dm,
  rooms: rooms.rooms,
  members: rooms.members,
  directory: rooms.directory,
  rename: profile.rename,
  role: moderation.role,
  kick: moderation.kick,
  ban: moderation.ban,
  unban: moderation.unban,
  timeout: moderation.timeout,
  room_settings: moderation.roomSettings,
  report: community.report,
  resolve_report: community.resolveReport,
  reports: community.reports,
  audit: community.audit,
  bans: community.bans,
  block: community.block,
  // threads (§25)
  replies: threads.replies,
  threads: threads.threads,
  follow: threads.follow,
  thread_read: threads.threadRead,
  // search
  search: searchHandlers.search,
  // people
  people: people.people,
  profile: people.profile,
  webhook_create: webhooks.create,
  webhooks: webhooks.list,
  webhook_revoke: webhooks.revoke,
  webhook_deliveries: webhooks.deliveries,
};

export class Chat {
  readonly ctx: ChatContext;
  readonly #lifecycle: PeerLifecycle;

  constructor(ctx: ChatContext) {
    this.ctx = ctx;
    this.#lifecycle = new PeerLifecycle(ctx);
  }

  /** Registers an authenticated peer and sends its `welcome` (lifecycle.ts). */
  open(peer: Peer): Promise<void> {
    return this.#lifecycle.open(peer);
  }

  close(peer: Peer): void {
    this.#lifecycle.close(peer);
  }

  /** Presence changed without a connection opening or closing here (lifecycle.ts): tell the rooms. */
  presenceChanged(changes: ReadonlyArray<{ userId: string; rooms: readonly string[] }>, status: 'online' | 'offline'): Promise<void> {
    return this.#lifecycle.presenceChanged(changes, status);
  }

  /**
   * Handles one frame; every failure becomes an error frame. For a `send`,
   * `queued` is called as soon as its write is queued in the store, before it
   * is committed: the gateway starts the peer's next send then (see
   * SocketSession), and the store keeps writes in call order.
   */
  async handle(peer: Peer, frame: ClientFrame, queued?: () => void, earlier?: Promise<void>): Promise<void> {
    try {
      await (HANDLERS[frame.type] as Handler<typeof frame.type>)(this.ctx, peer, frame, queued);
    } catch (error) {
      // A send may fail while the sends before it wait for their commit: its error waits for
      // their acks (`earlier` settles once every frame before it is answered), so replies keep
      // request order.
      if (earlier) await earlier;
      const ref = frame.type === 'send' ? frame.id : 'ref' in frame ? (frame.ref ?? null) : null;
      this.sendError(peer, ref, error);
    }
  }

  sendError(peer: Peer, ref: string | null, error: unknown): void {
    replyError(this.ctx, peer, ref, error);
  }

  /** Adds a new user to the lobby. */
  async onUserCreated(user: StoredUser): Promise<void> {
    const event = await this.ctx.store.join({ room: LOBBY_ID, user: { id: user.id, name: user.name } });
    if (event) publishEvent(this.ctx, event);
  }
}
