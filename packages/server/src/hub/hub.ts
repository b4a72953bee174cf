/**
 * The local connections of this node, by room and by user, and fan-out.
 * The hub subscribes to a room's bus topic while it has a local connection in
 * that room and to a user's topic while that user has a local connection.
 * A broadcast is encoded once and the same bytes are queued on each recipient.
 */
import type { ServerFrame } from '@parley/protocol';
import type { Bus, BusHandler } from '../bus/bus.js';
import { roomTopic, userTopic } from '../bus/bus.js';
import { decodeRoomMessage, type UserMessage } from '../bus/messages.js';
import { CLOSE } from '@parley/protocol';
import { encodeTextFrame } from '../gateway/text-frame.js';
import type { Connection } from '../gateway/connection.js';
import type { Logger } from '../log.js';

interface Topic {
  connections: Set<Connection>;
  handler: BusHandler;
}

export class Hub {
  readonly #bus: Bus;
  readonly #log: Logger;
  readonly #rooms = new Map<string, Topic>();
  readonly #users = new Map<string, Topic>();
  readonly connections = new Set<Connection>();
  /** Called when a user message subscribes or unsubscribes a connection (presence must follow). */
  onMembershipChange: ((connection: Connection, room: string, joined: boolean) => void) | undefined;

  constructor(bus: Bus, log: Logger) {
    this.#bus = bus;
    this.#log = log;
  }

  add(connection: Connection, rooms: Iterable<string>): void {
    this.connections.add(connection);
    this.#attach(this.#users, userTopic(connection.user.id), connection, (payload) => this.#onUserMessage(connection.user.id, payload));
    for (const room of rooms) this.subscribe(connection, room);
  }

  remove(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    this.#detach(this.#users, userTopic(connection.user.id), connection);
    for (const room of connection.rooms) this.#detach(this.#rooms, roomTopic(room), connection);
    connection.rooms.clear();
  }

  subscribe(connection: Connection, room: string): void {
    if (connection.rooms.has(room)) return;
    connection.rooms.add(room);
    this.#attach(this.#rooms, roomTopic(room), connection, (payload) => this.#onRoomMessage(room, payload));
  }

  unsubscribe(connection: Connection, room: string): void {
    if (!connection.rooms.delete(room)) return;
    this.#detach(this.#rooms, roomTopic(room), connection);
  }

  #attach(map: Map<string, Topic>, topic: string, connection: Connection, handler: BusHandler): void {
    let entry = map.get(topic);
    if (!entry) {
      entry = { connections: new Set(), handler };
      map.set(topic, entry);
      this.#bus.subscribe(topic, handler);
    }
    entry.connections.add(connection);
  }

  #detach(map: Map<string, Topic>, topic: string, connection: Connection): void {
    const entry = map.get(topic);
    if (!entry) return;
    entry.connections.delete(connection);
    if (entry.connections.size === 0) {
      map.delete(topic);
      this.#bus.unsubscribe(topic, entry.handler);
    }
  }

  #onRoomMessage(room: string, payload: string): void {
    const entry = this.#rooms.get(roomTopic(room));
    const message = decodeRoomMessage(payload);
    if (!entry || !message) return;
    const bytes = encodeTextFrame(message.frame);
    switch (message.kind) {
      case 'event':
        for (const connection of entry.connections) connection.deliverEvent(room, message.seq, bytes);
        break;
      case 'typing':
        for (const connection of entry.connections) if (connection.user.id !== message.userId) connection.deliver(bytes);
        break;
      case 'presence':
        for (const connection of entry.connections) connection.deliver(bytes);
        break;
    }
  }

  #onUserMessage(userId: string, payload: string): void {
    const entry = this.#users.get(userTopic(userId));
    if (!entry) return;
    let message: UserMessage;
    try {
      message = JSON.parse(payload) as UserMessage;
    } catch (error) {
      this.#log.error({ err: error, userId }, 'unreadable user message on the bus');
      return;
    }
    for (const connection of [...entry.connections]) {
      if (message.joinRoom && !connection.rooms.has(message.joinRoom)) {
        this.subscribe(connection, message.joinRoom);
        this.onMembershipChange?.(connection, message.joinRoom, true);
      }
      if (message.leaveRoom && connection.rooms.has(message.leaveRoom)) {
        this.unsubscribe(connection, message.leaveRoom);
        this.onMembershipChange?.(connection, message.leaveRoom, false);
      }
      if (message.rename) connection.user = { ...connection.user, name: message.rename };
      if (message.endSession && connection.sessionHash === message.endSession) {
        connection.close(CLOSE.sessionEnded, 'session ended');
        continue;
      }
      if (message.frame) connection.send(message.frame as ServerFrame);
    }
  }
}
