import type { Bus, BusHandler } from './bus.js';

/** The single-process bus: delivery is synchronous, inside `publish`. */
export class MemoryBus implements Bus {
  /** A topic's handler, or its handlers once it has more than one (a Set per topic would cost each user online one). */
  readonly #topics = new Map<string, BusHandler | Set<BusHandler>>();

  publish(topic: string, payload: string): void {
    const handlers = this.#topics.get(topic);
    if (handlers === undefined) return;
    if (typeof handlers === 'function') handlers(payload, topic);
    else for (const handler of handlers) handler(payload, topic);
  }

  subscribe(topic: string, handler: BusHandler): void {
    const handlers = this.#topics.get(topic);
    if (handlers === undefined) this.#topics.set(topic, handler);
    else if (typeof handlers !== 'function') handlers.add(handler);
    else if (handlers !== handler) this.#topics.set(topic, new Set([handlers, handler]));
  }

  unsubscribe(topic: string, handler: BusHandler): void {
    const handlers = this.#topics.get(topic);
    if (handlers === undefined) return;
    if (typeof handlers === 'function') {
      if (handlers === handler) this.#topics.delete(topic);
    } else if (handlers.delete(handler) && handlers.size === 0) {
      this.#topics.delete(topic);
    }
  }

  async close(): Promise<void> {
    this.#topics.clear();
  }
}
