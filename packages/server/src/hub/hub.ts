/**
 * The local peers of this node, by room and by user, and fan-out to them.
 * The hub subscribes to a room's bus topic while it has a local peer in that
 * room (and starts that room's feed, room-feed.ts), and to a user's topic
 * while that user has one. A room's event is serialized once and the same
 * frame is queued on each of its peers, in seq order, once.
 */
import { CLOSE, type PresenceFrame, type ServerFrame } from '@parley/protocol';
import type { Bus, BusEvents } from '../bus/bus.js';
import { EVERYONE_TOPIC, roomOfTopic, roomTopic, userOfTopic, userTopic } from '../bus/bus.js';
import { decodeRoomMessage, decodeUserMessage, type EveryoneMessage, type UserMessage } from '../bus/messages.js';
import type { Logger } from '../log.js';
import type { Peer } from './peer.js';
import { RoomFeed, type LogReader } from './room-feed.js';
import { SharedFrame } from './shared-frame.js';

/** The store's reads the hub needs: the feeds', and the ends of many rooms' logs at once. */
export interface HubReader extends LogReader {
  latestSeqs(roomIds: readonly string[]): Promise<Map<string, number>>;
}

export interface HubOptions {
  bus: Bus;
  reader: HubReader;
  log: Logger;
  /** How often each room's feed is checked against the store; 0: never (a bus that cannot lose a payload). */
  checkIntervalMs: number;
  /** A failure the hub survived, counted by the node (`where`: what failed). */
  onError?: (where: string, error: Error) => void;
}

/** The local peers of a room or of a user: the one, or a Set once there are two (a Set holding one would cost each user online one more Set). */
type Local = Peer | Set<Peer>;

/** Adds `peer` to `key`'s; true when it is the first (the topic must be subscribed). */
function attach(map: Map<string, Local>, key: string, peer: Peer): boolean {
  const local = map.get(key);
  if (local === undefined) {
    map.set(key, peer);
    return true;
  }
  if (local instanceof Set) local.add(peer);
  else if (local !== peer) map.set(key, new Set([local, peer]));
  return false;
}

function holds(map: Map<string, Local>, key: string, peer: Peer): boolean {
  const local = map.get(key);
  return local === peer || (local instanceof Set && local.has(peer));
}

/** Removes `peer` from `key`'s; true when none is left (the topic must be unsubscribed). */
function detach(map: Map<string, Local>, key: string, peer: Peer): boolean {
  const local = map.get(key);
  if (local === undefined) return false;
  if (local instanceof Set) {
    if (!local.delete(peer) || local.size > 1) return false;
    const [last] = local;
    if (last !== undefined) {
      map.set(key, last);
      return false;
    }
  } else if (local !== peer) {
    return false;
  }
  map.delete(key);
  return true;
}

function each(local: Local | undefined, visit: (peer: Peer) => void): void {
  if (local === undefined) return;
  if (local instanceof Set) for (const peer of local) visit(peer);
  else visit(local);
}

/** A room this node has peers in: its feed, and when it is ready (subscribed and started). */
interface LocalRoom {
  feed: RoomFeed;
  ready: Promise<void>;
  /** The newest presence frame's version and count seen for the room. */
  presence: { version: number; online: number } | null;
}

export class Hub {
  readonly #bus: Bus;
  readonly #reader: HubReader;
  readonly #log: Logger;
  readonly #onError: (where: string, error: Error) => void;
  readonly #peersByRoom = new Map<string, Local>();
  readonly #peersByUser = new Map<string, Local>();
  readonly #rooms = new Map<string, LocalRoom>();
  #checkTimer: NodeJS.Timeout | null = null;
  /** Called when a user message subscribes or unsubscribes a peer (presence must follow). */
  onMembershipChange: ((peer: Peer, room: string, joined: boolean) => void) | undefined;
  /** Called after the bus was interrupted and is whole again: user messages may have been lost too. */
  onResubscribed: (() => void) | undefined;

  constructor(options: HubOptions) {
    this.#bus = options.bus;
    this.#reader = options.reader;
    this.#log = options.log;
    this.#onError = options.onError ?? (() => undefined);
    if (options.checkIntervalMs > 0) {
      this.#checkTimer = setInterval(() => void this.#checkFeeds(), options.checkIntervalMs);
      this.#checkTimer.unref();
    }
  }

  /** Subscribes to what every node hears (the everyone topic); call once the bus started. */
  start(): Promise<void> {
    return this.#bus.subscribe(EVERYONE_TOPIC);
  }

  /** The bus events the hub handles: start the bus with them. */
  readonly busEvents: BusEvents = {
    message: (topic, payload) => {
      const room = roomOfTopic(topic);
      if (room !== null) return this.#onRoomMessage(room, payload);
      const user = userOfTopic(topic);
      if (user !== null) return this.#onUserMessage(user, payload);
      if (topic === EVERYONE_TOPIC) this.#onEveryoneMessage(payload);
    },
    resubscribed: () => {
      this.#log.warn('bus resubscribed: reading what this node missed from the store');
      void this.#checkFeeds();
      this.onResubscribed?.();
    },
    error: (where, error) => this.#onError(where, error),
  };

  /**
   * Registers a peer with its user's rooms; resolves once every one of its rooms' topics is
   * live and its feed started, so that everything committed after that reaches the peer.
   */
  async add(peer: Peer, rooms: Iterable<string>): Promise<void> {
    const userId = peer.user.id;
    const ready: Array<Promise<void>> = [];
    if (attach(this.#peersByUser, userId, peer)) ready.push(this.#bus.subscribe(userTopic(userId)));
    // The rooms in one array: subscribing them one by one would copy the array once per room.
    peer.rooms = [...new Set([...peer.rooms, ...rooms])];
    for (const room of peer.rooms) ready.push(this.#attachToRoom(peer, room));
    await Promise.all(ready);
  }

  /** Removes an added peer; false when it was not added (or already removed). */
  remove(peer: Peer): boolean {
    const userId = peer.user.id;
    if (!holds(this.#peersByUser, userId, peer)) return false;
    if (detach(this.#peersByUser, userId, peer)) this.#unsubscribe(userTopic(userId));
    for (const room of peer.rooms) this.#detachFromRoom(peer, room);
    peer.rooms = [];
    return true;
  }

  /** Whether `peer` receives `room`'s frames: a lookup in the room's peers, whatever the number of rooms. */
  has(peer: Peer, room: string): boolean {
    return holds(this.#peersByRoom, room, peer);
  }

  /** `peer` receives `room` from now on; `fromSeq`: and the room's events from that seq on (its join event). */
  subscribe(peer: Peer, room: string, fromSeq?: number): Promise<void> {
    if (this.has(peer, room)) return Promise.resolve();
    // concat and toSpliced make arrays of the exact length; push would leave spare slots.
    peer.rooms = peer.rooms.concat(room);
    return this.#attachToRoom(peer, room, fromSeq);
  }

  unsubscribe(peer: Peer, room: string): void {
    const index = peer.rooms.indexOf(room);
    if (index < 0) return;
    peer.rooms = peer.rooms.toSpliced(index, 1);
    this.#detachFromRoom(peer, room);
  }

  /** The peers of a user on this node (for a logout, a rename). */
  peersOf(userId: string): Peer[] {
    const peers: Peer[] = [];
    each(this.#peersByUser.get(userId), (peer) => peers.push(peer));
    return peers;
  }

  /** Every user with a peer on this node. */
  users(): IterableIterator<string> {
    return this.#peersByUser.keys();
  }

  close(): void {
    if (this.#checkTimer) clearInterval(this.#checkTimer);
    this.#checkTimer = null;
    for (const { feed } of this.#rooms.values()) feed.close();
    this.#rooms.clear();
  }

  #attachToRoom(peer: Peer, room: string, fromSeq?: number): Promise<void> {
    if (!attach(this.#peersByRoom, room, peer)) {
      const local = this.#rooms.get(room);
      // The room's feed may have delivered the peer's join event (`fromSeq`) before the peer came: what it missed is read for it alone.
      if (local && fromSeq !== undefined) return local.ready.then(() => this.#catchUpPeer(peer, room, fromSeq, local.feed.last ?? 0));
      return local?.ready ?? Promise.resolve();
    }
    const feed = new RoomFeed(room, this.#reader, (seq, frame) => this.#deliverEvent(room, seq, frame), (error) => this.#onError('room feed', error));
    const ready = (async () => {
      await this.#bus.subscribe(roomTopic(room));
      feed.start(fromSeq !== undefined ? fromSeq - 1 : await this.#reader.latestSeq(room));
      if (fromSeq !== undefined) feed.catchUp(await this.#reader.latestSeq(room));
    })().catch((error: unknown) => {
      this.#onError('room subscribe', error as Error);
      // Without a subscription the feed still follows the store, through the periodic check.
      feed.start(fromSeq !== undefined ? fromSeq - 1 : Number.MAX_SAFE_INTEGER);
    });
    this.#rooms.set(room, { feed, ready, presence: null });
    return ready;
  }

  #detachFromRoom(peer: Peer, room: string): void {
    if (!detach(this.#peersByRoom, room, peer)) return;
    this.#rooms.get(room)?.feed.close();
    this.#rooms.delete(room);
    this.#unsubscribe(roomTopic(room));
  }

  #unsubscribe(topic: string): void {
    this.#bus.unsubscribe(topic).catch((error: unknown) => this.#onError('bus unsubscribe', error as Error));
  }

  /** Sends one peer the room's events from `fromSeq` up to `delivered`, which the feed delivered before the peer came. */
  async #catchUpPeer(peer: Peer, room: string, fromSeq: number, delivered: number): Promise<void> {
    if (delivered < fromSeq) return;
    const events = await this.#reader.eventsAfter(room, fromSeq - 1, delivered - fromSeq + 1);
    for (const event of events) {
      if (!this.has(peer, room)) return;
      peer.deliverEvent(room, event.seq, new SharedFrame(JSON.stringify({ type: 'event', event })));
    }
  }

  #deliverEvent(room: string, seq: number, frame: SharedFrame): void {
    each(this.#peersByRoom.get(room), (peer) => peer.deliverEvent(room, seq, frame));
  }

  #onRoomMessage(room: string, payload: string): void {
    const local = this.#rooms.get(room);
    const message = decodeRoomMessage(payload);
    if (!local || !message) return;
    switch (message.kind) {
      case 'event':
        local.feed.accept(message.seq, message.frame === null ? null : new SharedFrame(message.frame));
        return;
      case 'typing': {
        const frame = new SharedFrame(message.frame);
        each(this.#peersByRoom.get(room), (peer) => {
          if (peer.user.id !== message.userId) peer.deliver(frame);
        });
        return;
      }
      case 'presence': {
        const frame = this.#newestPresence(local, message.version, message.frame);
        each(this.#peersByRoom.get(room), (peer) => peer.deliver(frame));
        return;
      }
    }
  }

  /**
   * Presence frames of one room come from every node, and may arrive out of order: a frame
   * older than one already delivered keeps its changes but carries the newer count.
   */
  #newestPresence(local: LocalRoom, version: number, json: string): SharedFrame {
    const seen = local.presence;
    if (seen === null || version >= seen.version) {
      const online = (JSON.parse(json) as PresenceFrame).online;
      local.presence = { version, online };
      return new SharedFrame(json);
    }
    return new SharedFrame(JSON.stringify({ ...(JSON.parse(json) as PresenceFrame), online: seen.online }));
  }

  #onUserMessage(userId: string, payload: string): void {
    const local = this.#peersByUser.get(userId);
    if (!local) return;
    const message: UserMessage | null = decodeUserMessage(payload);
    if (!message) {
      this.#log.error({ userId }, 'unreadable user message on the bus');
      return;
    }
    const frame = message.frame ? new SharedFrame(JSON.stringify(message.frame as ServerFrame)) : null;
    // A copy: closing a peer below removes it from the Set.
    for (const peer of local instanceof Set ? [...local] : [local]) {
      if (message.joinRoom && !this.has(peer, message.joinRoom)) {
        this.subscribe(peer, message.joinRoom, message.fromSeq).catch((error: unknown) => this.#onError('room subscribe', error as Error));
        this.onMembershipChange?.(peer, message.joinRoom, true);
      }
      if (message.leaveRoom && this.has(peer, message.leaveRoom)) {
        this.unsubscribe(peer, message.leaveRoom);
        this.onMembershipChange?.(peer, message.leaveRoom, false);
      }
      if (message.rename) peer.user = { ...peer.user, name: message.rename };
      if (message.profile) peer.user = { ...message.profile };
      if (message.endSession && peer.sessionHash === message.endSession) {
        peer.close(CLOSE.sessionEnded, 'session ended');
        continue;
      }
      if (frame) peer.deliver(frame);
    }
  }

  #onEveryoneMessage(payload: string): void {
    const message = decodeUserMessage(payload) as EveryoneMessage | null;
    if (!message?.frame) return;
    const frame = new SharedFrame(JSON.stringify(message.frame));
    for (const [userId, local] of this.#peersByUser) {
      if (userId !== message.except) each(local, (peer) => peer.deliver(frame));
    }
  }

  /** Reads the end of every local room's log and has each feed catch up with it. */
  async #checkFeeds(): Promise<void> {
    const rooms = [...this.#rooms.keys()];
    for (let i = 0; i < rooms.length; i += 1000) {
      const chunk = rooms.slice(i, i + 1000);
      try {
        const latest = await this.#reader.latestSeqs(chunk);
        for (const room of chunk) {
          const seq = latest.get(room);
          if (seq !== undefined) this.#rooms.get(room)?.feed.catchUp(seq);
        }
      } catch (error) {
        this.#onError('feed check', error as Error);
      }
    }
  }
}
