/**
 * The bus over PostgreSQL's LISTEN/NOTIFY, for a cluster with no Redis: a
 * channel per topic (a node LISTENs only to the rooms it has members online
 * in), one connection listening, one notifying.
 *
 * A notification carries at most NOTIFY_MAX bytes: an event's frame rides
 * along when it fits, else the event goes as its seq alone (`e<seq>`) and
 * the nodes read it from the store (hub/room-feed.ts). A payload of another
 * kind that does not fit is dropped and reported. Notifications from one
 * connection arrive in the order they were sent. When the listening
 * connection comes back after breaking, every channel is listened to again
 * and only then is `resubscribed` reported.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { newClient } from '../store/postgres/connect.js';
import { PAYLOAD_SAFE_BYTES, type Bus, type BusEvents } from './bus.js';
import { decodeRoomMessage, encodeRoomMessage } from './messages.js';

export interface PostgresBusOptions {
  url: string;
  /** Put before every channel name: installations (or test runs) sharing one server stay apart. */
  prefix: string;
  /** Its connections' application name in pg_stat_activity. */
  clientName?: string;
}

/** PostgreSQL's limit is 8,000 bytes; a little is kept for the channel's name. */
const NOTIFY_MAX = PAYLOAD_SAFE_BYTES;
/** Channel names are identifiers: at most 63 bytes. */
const CHANNEL_MAX = 63;
const RECONNECT_MAX_MS = 1000;

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export class PostgresBus implements Bus {
  readonly #url: string;
  readonly #prefix: string;
  readonly #clientName: string;
  readonly #topics = new Set<string>();
  /** Channel → topic, for the channels this node listens to. */
  readonly #byChannel = new Map<string, string>();
  #events: BusEvents | null = null;
  #listener: pg.Client | null = null;
  #notifier: pg.Client | null = null;
  /** LISTEN and UNLISTEN go one after another on the listening connection. */
  #listening: Promise<unknown> = Promise.resolve();
  #reconnectTimer: NodeJS.Timeout | null = null;
  #attempts = 0;
  #closed = false;

  constructor(options: PostgresBusOptions) {
    this.#url = options.url;
    this.#prefix = options.prefix;
    this.#clientName = options.clientName ?? 'parley-bus';
  }

  async start(events: BusEvents): Promise<void> {
    this.#events = events;
    await Promise.all([this.#connectListener(), this.#connectNotifier()]);
  }

  publish(topic: string, payload: string): void {
    const sent = this.#fit(payload);
    if (sent === null) {
      this.#events?.error('postgres notify', new Error(`a ${Buffer.byteLength(payload)}-byte payload on ${topic} does not fit in a notification`));
      return;
    }
    const notifier = this.#notifier;
    if (notifier === null) {
      this.#events?.error('postgres notify', new Error('not connected'));
      return;
    }
    notifier.query('SELECT pg_notify($1, $2)', [this.#channel(topic), sent]).catch((error: Error) => this.#events?.error('postgres notify', error));
  }

  async subscribe(topic: string): Promise<void> {
    if (this.#topics.has(topic)) return;
    this.#topics.add(topic);
    const channel = this.#channel(topic);
    this.#byChannel.set(channel, topic);
    await this.#onListener(`LISTEN ${quoteIdentifier(channel)}`);
  }

  async unsubscribe(topic: string): Promise<void> {
    if (!this.#topics.delete(topic)) return;
    const channel = this.#channel(topic);
    this.#byChannel.delete(channel);
    await this.#onListener(`UNLISTEN ${quoteIdentifier(channel)}`);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#events = null;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    await Promise.all([this.#listener?.end().catch(() => undefined), this.#notifier?.end().catch(() => undefined)]);
  }

  /** The payload as sent: whole when it fits; an event as its seq alone when it does not; null when nothing can be sent. */
  #fit(payload: string): string | null {
    if (Buffer.byteLength(payload) <= NOTIFY_MAX) return payload;
    const message = decodeRoomMessage(payload);
    return message?.kind === 'event' ? encodeRoomMessage({ kind: 'event', seq: message.seq, frame: null }) : null;
  }

  /** A topic's channel: the prefixed topic, or its digest when that is too long for an identifier. */
  #channel(topic: string): string {
    const name = this.#prefix + topic;
    if (Buffer.byteLength(name) <= CHANNEL_MAX) return name;
    return `${this.#prefix.slice(0, 20)}${createHash('sha256').update(topic).digest('hex').slice(0, 40)}`;
  }

  /** Runs a LISTEN or UNLISTEN when the listening connection is up; else the reconnection does it. */
  #onListener(sql: string): Promise<void> {
    this.#listening = this.#listening.then(async () => {
      const listener = this.#listener;
      if (listener === null) return;
      await listener.query(sql).catch((error: Error) => this.#events?.error('postgres listen', error));
    });
    return this.#listening as Promise<void>;
  }

  async #connectNotifier(): Promise<void> {
    const client = newClient(this.#url, this.#clientName);
    client.on('error', (error) => {
      this.#events?.error('postgres notifier', error);
      if (this.#notifier === client) this.#notifier = null;
      if (!this.#closed) setTimeout(() => void this.#connectNotifier().catch(() => undefined), RECONNECT_MAX_MS).unref();
    });
    await client.connect();
    this.#notifier = client;
  }

  async #connectListener(): Promise<void> {
    const client = newClient(this.#url, this.#clientName);
    client.on('notification', (notification) => {
      const topic = this.#byChannel.get(notification.channel);
      if (topic !== undefined && notification.payload !== undefined) this.#events?.message(topic, notification.payload);
    });
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('the listening connection ended')));
    await client.connect();
    const reconnected = this.#attempts > 0;
    this.#listener = client;
    this.#attempts = 0;
    const channels = [...this.#byChannel.keys()];
    for (const channel of channels) await client.query(`LISTEN ${quoteIdentifier(channel)}`);
    if (reconnected) this.#events?.resubscribed();
  }

  #lost(client: pg.Client, error: Error): void {
    if (this.#listener !== client || this.#closed) return;
    this.#listener = null;
    this.#events?.error('postgres listener', error);
    client.end().catch(() => undefined);
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#reconnectTimer) return;
    const delay = Math.min(50 * 2 ** this.#attempts++, RECONNECT_MAX_MS);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      this.#connectListener().catch((error: Error) => {
        this.#events?.error('postgres listener', error);
        this.#scheduleReconnect();
      });
    }, delay);
    this.#reconnectTimer.unref();
  }
}
