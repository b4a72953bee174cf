/**
 * The chat logic: a connection's life (welcome, presence) and the dispatch of
 * each validated frame to its handler. Every handler authorizes the frame
 * itself; every failure becomes one `error` frame addressed to the request.
 */
import { ParleyError, type ClientFrame, type ClientFrameType, type WelcomeFrame } from '@parley/protocol';
import type { Connection } from '../gateway/connection.js';
import type { StoredUser } from '../store/store.js';
import { LOBBY_ID } from '../store/lobby.js';
import { publishEvent, roomsFor, type ChatContext } from './context.js';
import * as messages from './messages.js';
import * as rooms from './rooms.js';
import * as historyHandlers from './history.js';
import * as profile from './profile.js';

/** `queued` is for `send`: called once its write is queued in the store (see Chat.handle); the others ignore it. */
type Handler<T extends ClientFrameType> = (
  ctx: ChatContext,
  connection: Connection,
  frame: Extract<ClientFrame, { type: T }>,
  queued?: () => void,
) => Promise<void>;

const HANDLERS: { [T in ClientFrameType]: Handler<T> } = {
  auth: async () => {
    throw new ParleyError('invalid_frame', 'Already authenticated.');
  },
  ping: async (_ctx, connection, frame) => {
    connection.reply(frame.ref === undefined ? { type: 'pong' } : { type: 'pong', ref: frame.ref });
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
  rename: profile.rename,
};

export class Chat {
  readonly ctx: ChatContext;

  constructor(ctx: ChatContext) {
    this.ctx = ctx;
    ctx.hub.onMembershipChange = (connection, room, joined) => {
      const user = { id: connection.user.id, name: connection.user.name };
      const changed = joined ? ctx.presence.joined(room, user.id) : ctx.presence.left(room, user.id);
      if (changed) ctx.presenceNotifier.changed(room, user, joined ? 'online' : 'offline');
    };
  }

  /** Registers an authenticated connection and sends its `welcome`. */
  async open(connection: Connection): Promise<void> {
    const { ctx } = this;
    const roomIds = await ctx.store.memberRoomIds(connection.user.id);
    // Closed while we read (possible with a store whose reads take I/O turns, e.g. over a
    // network): its close handler already ran and found nothing to remove.
    if (connection.closed) return;
    ctx.hub.add(connection, roomIds);
    ctx.metrics.connections.inc();
    const user = { id: connection.user.id, name: connection.user.name };
    for (const room of ctx.presence.connected(user.id, roomIds)) ctx.presenceNotifier.changed(room, user, 'online');
    const welcome: WelcomeFrame = {
      type: 'welcome',
      user: connection.user,
      rooms: await roomsFor(ctx, connection.user.id),
      limits: { ...ctx.config.limits },
      heartbeat: { ...ctx.config.heartbeat },
      serverTime: Date.now(),
    };
    connection.welcome(welcome);
  }

  close(connection: Connection): void {
    const { ctx } = this;
    if (!ctx.hub.remove(connection)) return;
    ctx.metrics.connections.dec();
    const user = { id: connection.user.id, name: connection.user.name };
    for (const room of ctx.presence.disconnected(user.id)) ctx.presenceNotifier.changed(room, user, 'offline');
  }

  /**
   * Handles one frame; every failure becomes an error frame. For a `send`,
   * `queued` is called as soon as its write is queued in the store, before it
   * is committed: the gateway starts the connection's next send then (see
   * SocketSession), and the store keeps writes in call order.
   */
  async handle(connection: Connection, frame: ClientFrame, queued?: () => void, earlier?: Promise<void>): Promise<void> {
    try {
      await (HANDLERS[frame.type] as Handler<typeof frame.type>)(this.ctx, connection, frame, queued);
    } catch (error) {
      // A send may fail while the sends before it wait for their commit: its error waits for
      // their acks (`earlier` settles once every frame before it is answered), so replies keep
      // request order.
      if (earlier) await earlier;
      const ref = frame.type === 'send' ? frame.id : 'ref' in frame ? (frame.ref ?? null) : null;
      this.sendError(connection, ref, error);
    }
  }

  sendError(connection: Connection, ref: string | null, error: unknown): void {
    const parleyError = error instanceof ParleyError ? error : new ParleyError('internal');
    if (!(error instanceof ParleyError)) {
      this.ctx.log.error({ err: error, user: connection.user.id }, 'request failed');
    }
    this.ctx.metrics.frameErrors.inc({ code: parleyError.code });
    connection.reply({ type: 'error', ref, ...parleyError.toBody() });
  }

  /** Adds a new user to the lobby. */
  async onUserCreated(user: StoredUser): Promise<void> {
    const event = await this.ctx.store.join({ room: LOBBY_ID, user: { id: user.id, name: user.name } });
    if (event) publishEvent(this.ctx, event);
  }
}
