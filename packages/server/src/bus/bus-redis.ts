/**
 * The bus over Redis pub/sub: one channel per topic (`<prefix>room:<id>`,
 * `<prefix>user:<id>`), so a node receives only the rooms it has local
 * members in, and Redis sends each payload once to each subscribed node.
 *
 * Two connections: one in subscriber mode, one for PUBLISH. Publishing never
 * queues while Redis is unreachable (the offline queue is off): a publish then
 * fails at once and is reported, the event it carried being in the store
 * already. When the subscriber connection comes back (Redis restarted, or
 * the connection was killed), every subscription is made again, and only
 * once they are all live does the bus report `resubscribed`.
 *
 * Commands asked for in one turn of the event loop go to Redis together: the
 * publishes in one write (ioredis's auto-pipelining), the subscriptions as one
 * SUBSCRIBE — a node taking over a dead node's clients subscribes thousands of
 * user topics within a second.
 */
import { Redis } from 'ioredis';
import type { Bus, BusEvents } from './bus.js';

export interface RedisBusOptions {
  url: string;
  /** Put before every channel name: installations (or test runs) sharing one Redis stay apart. */
  prefix: string;
  /** The connections' client name in Redis (CLIENT LIST). */
  clientName?: string;
}

/** Reconnect after 50 ms, doubling up to 1 s: a node must catch up soon after Redis returns. */
const retryStrategy = (attempt: number): number => Math.min(50 * 2 ** (attempt - 1), 1000);

export class RedisBus implements Bus {
  readonly #prefix: string;
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  /** Topics this node wants, whether or not the subscriber connection is up right now. */
  readonly #topics = new Set<string>();
  #events: BusEvents | null = null;
  /** The channels to subscribe at the end of this turn, and the promise each of their callers waits on. */
  #toSubscribe: { channels: string[]; live: Promise<void> } | null = null;
  #everReady = false;
  #closed = false;

  constructor(options: RedisBusOptions) {
    this.#prefix = options.prefix;
    const common = { lazyConnect: true, retryStrategy, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName: options.clientName ?? 'parley-bus' };
    this.#publisher = new Redis(options.url, { ...common, enableAutoPipelining: true });
    // Subscriptions are made again by resubscribe(), which knows when they are all live.
    this.#subscriber = new Redis(options.url, { ...common, autoResubscribe: false });
  }

  async start(events: BusEvents): Promise<void> {
    this.#events = events;
    for (const [where, connection] of [['redis publisher', this.#publisher], ['redis subscriber', this.#subscriber]] as const) {
      connection.on('error', (error: Error) => this.#events?.error(where, error));
    }
    this.#subscriber.on('message', (channel: string, payload: string) => {
      if (channel.startsWith(this.#prefix)) this.#events?.message(channel.slice(this.#prefix.length), payload);
    });
    this.#subscriber.on('ready', () => {
      if (!this.#everReady) {
        this.#everReady = true;
        return;
      }
      void this.#resubscribe();
    });
    await Promise.all([this.#publisher.connect(), this.#subscriber.connect()]);
  }

  publish(topic: string, payload: string): void {
    this.#publisher.publish(this.#prefix + topic, payload).catch((error: Error) => this.#events?.error('redis publish', error));
  }

  /**
   * While Redis is unreachable the topic is only noted: the subscriptions are all made again when
   * it is back, and `resubscribed` then tells the node to catch up from the store. A node keeps
   * serving meanwhile instead of waiting for Redis.
   */
  async subscribe(topic: string): Promise<void> {
    if (this.#topics.has(topic)) return;
    this.#topics.add(topic);
    if (this.#subscriber.status !== 'ready') return;
    if (this.#toSubscribe === null) {
      const channels: string[] = [];
      const live = new Promise<void>((resolve) =>
        setImmediate(() => {
          this.#toSubscribe = null;
          resolve(this.#subscribeNow(channels));
        }),
      );
      this.#toSubscribe = { channels, live };
    }
    this.#toSubscribe.channels.push(this.#prefix + topic);
    await this.#toSubscribe.live;
  }

  async #subscribeNow(channels: readonly string[]): Promise<void> {
    // A topic unsubscribed within the same turn (or the bus closed) is gone from #topics.
    const wanted = channels.filter((channel) => this.#topics.has(channel.slice(this.#prefix.length)));
    if (wanted.length === 0 || this.#subscriber.status !== 'ready') return;
    await this.#subscriber.subscribe(...wanted).catch((error: Error) => this.#events?.error('redis subscribe', error));
  }

  async unsubscribe(topic: string): Promise<void> {
    if (!this.#topics.delete(topic) || this.#subscriber.status !== 'ready') return;
    await this.#subscriber.unsubscribe(this.#prefix + topic).catch((error: Error) => this.#events?.error('redis unsubscribe', error));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#events = null;
    this.#topics.clear();
    await Promise.all([this.#publisher.quit().catch(() => undefined), this.#subscriber.quit().catch(() => undefined)]);
  }

  /** After the subscriber connection came back: every topic again, then `resubscribed`. */
  async #resubscribe(): Promise<void> {
    const channels = [...this.#topics].map((topic) => this.#prefix + topic);
    try {
      for (let i = 0; i < channels.length; i += 1000) await this.#subscriber.subscribe(...channels.slice(i, i + 1000));
      this.#events?.resubscribed();
    } catch (error) {
      // The connection broke again: its next 'ready' tries again.
      this.#events?.error('redis resubscribe', error as Error);
    }
  }
}
