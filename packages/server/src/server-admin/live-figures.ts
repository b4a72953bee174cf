/**
 * The admin view's live figures of this node: connections, messages stored per
 * second, and delivery latency — from an event's time (taken in its write
 * transaction) to its arrival here from the bus, ready for fan-out: the commit
 * and the bus, as the parley_delivery_latency_seconds histogram counts it too.
 */
import type { AdminStats } from '@parley/protocol';
import type { Metrics } from '../metrics.js';

/** Messages per second are averaged over this many one-second samples. */
const RATE_WINDOW = 10;
/** Latencies of the last minute, at most this many (the newest kept). */
const LATENCY_WINDOW_MS = 60_000;
const LATENCY_SAMPLES = 10_000;

export class LiveFigures {
  readonly #metrics: Metrics;
  readonly #started = Date.now();
  /** Cumulative message counts, one a second, oldest first. */
  readonly #counts: number[] = [];
  readonly #timer: NodeJS.Timeout;
  /** Ring of [arrival time, latency ms]. */
  readonly #latencies: Array<[number, number]> = [];
  #next = 0;

  constructor(metrics: Metrics) {
    this.#metrics = metrics;
    this.#timer = setInterval(() => void this.#sample(), 1000);
    this.#timer.unref();
  }

  /** An event stored at `ts` (server clock) arrived for fan-out now. */
  delivered(ts: number, now = Date.now()): void {
    const latency = Math.max(0, now - ts);
    this.#metrics.deliveryLatency.observe(latency / 1000);
    if (this.#latencies.length < LATENCY_SAMPLES) this.#latencies.push([now, latency]);
    else this.#latencies[this.#next] = [now, latency];
    this.#next = (this.#next + 1) % LATENCY_SAMPLES;
  }

  async #sample(): Promise<void> {
    const value = (await this.#metrics.messages.get()).values[0]?.value ?? 0;
    this.#counts.push(value);
    if (this.#counts.length > RATE_WINDOW + 1) this.#counts.shift();
  }

  async figures(store: { counts(): Promise<{ users: number; rooms: number }>; sizeBytes(): Promise<number> }): Promise<AdminStats> {
    const connections = (await this.#metrics.connections.get()).values[0]?.value ?? 0;
    const counts = this.#counts;
    const messagesPerSecond = counts.length < 2 ? 0 : (counts.at(-1)! - counts[0]!) / (counts.length - 1);
    const since = Date.now() - LATENCY_WINDOW_MS;
    const recent = this.#latencies.filter(([at]) => at >= since).map(([, ms]) => ms).sort((a, b) => a - b);
    const at = (q: number) => recent[Math.min(recent.length - 1, Math.floor(q * recent.length))]!;
    const [{ users, rooms }, storeBytes] = await Promise.all([store.counts(), store.sizeBytes()]);
    return {
      connections,
      messagesPerSecond: Math.round(messagesPerSecond * 10) / 10,
      storeBytes,
      deliveryLatencyMs: recent.length === 0 ? null : { p50: at(0.5), p99: at(0.99), count: recent.length },
      users,
      rooms,
      uptimeSeconds: Math.round((Date.now() - this.#started) / 1000),
    };
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
