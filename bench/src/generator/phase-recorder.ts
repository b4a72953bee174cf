/**
 * Counts and timings of one load phase. Messages are numbered globally
 * (unique ids across phases); this phase owns [firstIndex, firstIndex + total).
 * Only messages from `measuredFrom` on (after the warm-up) enter the
 * histograms and the loss count; every delivery that arrives inside the CPU
 * window counts toward CPU per delivery.
 */
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from './job.js';

function histogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
}

/** Resolution and range of LatencyRecorder's buckets, in microseconds. */
const BUCKET_MICROS = 10;
const BUCKETED_UP_TO_MICROS = 10_000_000;

/**
 * Records latencies into an HdrHistogram at a fraction of the cost of
 * recording each one there directly: a recorded value only increments a
 * 10 µs bucket (values past 10 s go straight to the histogram), and the
 * buckets enter the histogram once, when it is read. The generator records
 * every delivery, a million a second at the top of S3, so this matters.
 */
export class LatencyRecorder {
  readonly #buckets = new Uint32Array(BUCKETED_UP_TO_MICROS / BUCKET_MICROS);
  readonly #histogram = histogram();
  #pending = false;

  record(micros: number): void {
    if (micros < BUCKETED_UP_TO_MICROS) {
      this.#buckets[(micros / BUCKET_MICROS) | 0]!++;
      this.#pending = true;
    } else {
      this.#histogram.recordValue(Math.round(micros));
    }
  }

  /** The histogram of everything recorded so far (each bucketed value at its bucket's midpoint). */
  histogram(): hdr.Histogram {
    if (this.#pending) {
      const buckets = this.#buckets;
      for (let i = 0; i < buckets.length; i++) {
        if (buckets[i] !== 0) this.#histogram.recordValueWithCount(i * BUCKET_MICROS + BUCKET_MICROS / 2, buckets[i]!);
      }
      buckets.fill(0);
      this.#pending = false;
    }
    return this.#histogram;
  }
}

export function summarize(recorder: LatencyRecorder): LatencySummary {
  const h = recorder.histogram();
  const ms = (micros: number) => Math.round(micros) / 1000;
  return {
    count: h.totalCount,
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.maxValue),
    mean: ms(h.mean),
  };
}

export class PhaseRecorder {
  readonly counts: Uint16Array;
  readonly acked: Uint8Array;
  readonly sentMicros: Float64Array;
  readonly fanout = new LatencyRecorder();
  /** With `split`: the fan-out latencies again, to recipients on the sender's node and on another one. */
  readonly fanoutSameNode = new LatencyRecorder();
  readonly fanoutCrossNode = new LatencyRecorder();
  readonly ack = new LatencyRecorder();
  /** How late each measured message left the generator after its scheduled time. */
  readonly sendLag = new LatencyRecorder();
  /** performance.now() when the CPU window opened; deliveries from then on count. */
  windowStart = Number.POSITIVE_INFINITY;
  deliveriesInWindow = 0;
  measuredDeliveries = 0;
  measuredAcks = 0;
  /** Deliveries of messages outside this phase (late ones from an earlier phase). */
  strays = 0;
  errorFrames = 0;

  constructor(
    readonly firstIndex: number,
    readonly total: number,
    readonly measuredFrom: number,
    readonly membersPerMessage: number,
    /** With several nodes: user i is on node i mod nodes, and `senderOf(k)` sent the phase's message k. */
    readonly split: { nodes: number; senderOf: (k: number) => number } | null = null,
  ) {
    this.counts = new Uint16Array(total);
    this.acked = new Uint8Array(total);
    this.sentMicros = new Float64Array(total);
  }

  get measuredMessages(): number {
    return this.total - this.measuredFrom;
  }

  get complete(): boolean {
    return this.measuredDeliveries >= this.measuredMessages * this.membersPerMessage && this.measuredAcks >= this.measuredMessages;
  }

  /** Message `index` was sent `lagMicros` after its scheduled time `scheduledMicros`. */
  onSent(index: number, scheduledMicros: number, lagMicros: number): void {
    const i = index - this.firstIndex;
    if (i < 0 || i >= this.total) return;
    this.sentMicros[i] = scheduledMicros;
    if (i >= this.measuredFrom) this.sendLag.record(Math.max(1, lagMicros));
  }

  onDelivery(index: number, sentMicros: number, receivedAt: number, receiver: number): void {
    const i = index - this.firstIndex;
    if (i < 0 || i >= this.total) {
      this.strays++;
      return;
    }
    this.counts[i]!++;
    if (receivedAt >= this.windowStart) this.deliveriesInWindow++;
    if (i >= this.measuredFrom) {
      this.measuredDeliveries++;
      const micros = Math.max(1, receivedAt * 1000 - sentMicros);
      this.fanout.record(micros);
      const split = this.split;
      if (split !== null) {
        const same = receiver % split.nodes === split.senderOf(i) % split.nodes;
        (same ? this.fanoutSameNode : this.fanoutCrossNode).record(micros);
      }
    }
  }

  onAck(index: number, receivedAt: number): void {
    const i = index - this.firstIndex;
    if (i < 0 || i >= this.total || this.acked[i] === 1) return;
    this.acked[i] = 1;
    if (i >= this.measuredFrom) {
      this.measuredAcks++;
      this.ack.record(Math.max(1, receivedAt * 1000 - this.sentMicros[i]!));
    }
  }

  /** Exact accounting over the measured messages. */
  tally(): { expected: number; delivered: number; lost: number; duplicates: number; unacked: number } {
    const m = this.membersPerMessage;
    let delivered = 0;
    let duplicates = 0;
    let unacked = 0;
    for (let i = this.measuredFrom; i < this.total; i++) {
      const c = this.counts[i]!;
      delivered += Math.min(c, m);
      duplicates += Math.max(0, c - m);
      if (this.acked[i] === 0) unacked++;
    }
    const expected = this.measuredMessages * m;
    return { expected, delivered, lost: expected - delivered, duplicates, unacked };
  }
}
