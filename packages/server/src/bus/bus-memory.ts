import type { Bus, BusHandler } from './bus.js';

/** The single-process bus: delivery is synchronous, inside `publish`. */
export class MemoryBus implements Bus {
  readonly #topics = new Map<string, Set<BusHandler>>();

  publish(topic: string, payload: string): void {
    const handlers = this.#topics.get(topic);
    if (!handlers) return;
    for (const handler of handlers) handler(payload);
  }

  subscribe(topic: string, handler: BusHandler): void {
    let handlers = this.#topics.get(topic);
    if (!handlers) this.#topics.set(topic, (handlers = new Set()));
    handlers.add(handler);
  }

  unsubscribe(topic: string, handler: BusHandler): void {
    const handlers = this.#topics.get(topic);
    if (!handlers) return;
    handlers.delete(handler);
    if (handlers.size === 0) this.#topics.delete(topic);
  }

  async close(): Promise<void> {
    this.#topics.clear();
  }
}
