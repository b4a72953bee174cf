/**
 * The in-process bus: delivery is synchronous, inside `publish`, so it never
 * loses a payload and never says `resubscribed`. Nodes in one process (tests
 * of several nodes, as socket.io's cluster tests run) share a MemoryBroker;
 * a node on its own gets a broker of its own.
 */
import type { Bus, BusEvents } from './bus.js';

/** What several in-process nodes share: which of them subscribed to each topic. */
export class MemoryBroker {
  readonly #subscribers = new Map<string, Set<MemoryBus> | MemoryBus>();

  publish(topic: string, payload: string): void {
    const subscribers = this.#subscribers.get(topic);
    if (subscribers === undefined) return;
    if (subscribers instanceof Set) for (const bus of subscribers) bus.deliver(topic, payload);
    else subscribers.deliver(topic, payload);
  }

  subscribe(topic: string, bus: MemoryBus): void {
    const subscribers = this.#subscribers.get(topic);
    if (subscribers === undefined) this.#subscribers.set(topic, bus);
    else if (subscribers instanceof Set) subscribers.add(bus);
    else if (subscribers !== bus) this.#subscribers.set(topic, new Set([subscribers, bus]));
  }

  unsubscribe(topic: string, bus: MemoryBus): void {
    const subscribers = this.#subscribers.get(topic);
    if (subscribers === bus) this.#subscribers.delete(topic);
    else if (subscribers instanceof Set && subscribers.delete(bus) && subscribers.size === 0) this.#subscribers.delete(topic);
  }
}

export class MemoryBus implements Bus {
  readonly #broker: MemoryBroker;
  readonly #topics = new Set<string>();
  #events: BusEvents | null = null;

  constructor(broker = new MemoryBroker()) {
    this.#broker = broker;
  }

  async start(events: BusEvents): Promise<void> {
    this.#events = events;
  }

  publish(topic: string, payload: string): void {
    this.#broker.publish(topic, payload);
  }

  /** Called by the broker. */
  deliver(topic: string, payload: string): void {
    this.#events?.message(topic, payload);
  }

  async subscribe(topic: string): Promise<void> {
    if (this.#topics.has(topic)) return;
    this.#topics.add(topic);
    this.#broker.subscribe(topic, this);
  }

  async unsubscribe(topic: string): Promise<void> {
    if (this.#topics.delete(topic)) this.#broker.unsubscribe(topic, this);
  }

  async close(): Promise<void> {
    for (const topic of this.#topics) this.#broker.unsubscribe(topic, this);
    this.#topics.clear();
    this.#events = null;
  }
}
