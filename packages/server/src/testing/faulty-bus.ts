/**
 * A bus that loses and reorders what it is told to, for testing what the hub
 * does about it (the Bus contract allows both: bus.ts). It is a MemoryBus
 * node whose publishes pass through `rules` first.
 */
import { MemoryBroker, MemoryBus } from '../bus/bus-memory.js';
import type { Bus, BusEvents } from '../bus/bus.js';

type Match = (topic: string, payload: string) => boolean;

export class FaultyBus implements Bus {
  readonly #inner: MemoryBus;
  #drop: Match | null = null;
  #hold: Match | null = null;
  readonly #held: Array<[string, string]> = [];
  #events: BusEvents | null = null;

  constructor(broker = new MemoryBroker()) {
    this.#inner = new MemoryBus(broker);
  }

  /** Publishes matching `match` are lost from now on (null: none). */
  dropWhen(match: Match | null): void {
    this.#drop = match;
  }

  /** Publishes matching `match` wait until `releaseHeld` (null: none). */
  holdWhen(match: Match | null): void {
    this.#hold = match;
  }

  /** Sends the held publishes, in the order they were made. */
  releaseHeld(): void {
    for (const [topic, payload] of this.#held.splice(0)) this.#inner.publish(topic, payload);
  }

  /** Tells the node its subscriptions are live again after an interruption. */
  resubscribed(): void {
    this.#events?.resubscribed();
  }

  start(events: BusEvents): Promise<void> {
    this.#events = events;
    return this.#inner.start(events);
  }

  publish(topic: string, payload: string): void {
    if (this.#drop?.(topic, payload)) return;
    if (this.#hold?.(topic, payload)) {
      this.#held.push([topic, payload]);
      return;
    }
    this.#inner.publish(topic, payload);
  }

  subscribe(topic: string): Promise<void> {
    return this.#inner.subscribe(topic);
  }

  unsubscribe(topic: string): Promise<void> {
    return this.#inner.unsubscribe(topic);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
