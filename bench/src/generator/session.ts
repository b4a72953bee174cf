/**
 * The generator's connections to one target: opening many of them with a
 * bounded number in flight, waiting for the server to go quiet, and routing
 * every connection's deliveries and acks to the phase being measured.
 */
import { performance } from 'node:perf_hooks';
import { BenchConnection, type ConnectionSink, type Traffic } from './bench-connection.js';
import type { GeneratorJob, SetupResult, WindowEdge } from './job.js';
import type { PhaseRecorder } from './phase-recorder.js';
import { inPool } from './pool.js';
import { protocolFor, type WireProtocol } from './protocols.js';

/** Source addresses the connections are spread over, so ephemeral ports never run short. */
const SOURCE_ADDRESSES = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];
const CONNECT_TIMEOUT_MS = 30_000;
const QUIET_MS = 500;
const LOGIN_CONCURRENCY = 32;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Session {
  readonly connections: BenchConnection[] = [];
  readonly traffic: Traffic = { frames: 0, lastFrameAt: 0, check: null };
  readonly closes: Record<string, number> = {};
  private readonly protocol: WireProtocol;
  private recorder: PhaseRecorder | null = null;
  private readonly sink: ConnectionSink;

  constructor(
    readonly job: GeneratorJob,
    /** Told when a load phase starts (before its warm-up) and when its measured window closes. */
    readonly onWindow: (edge: WindowEdge) => void,
  ) {
    this.protocol = protocolFor(job.protocol, job.host, job.port);
    this.sink = {
      onDelivery: (index, sentMicros, receivedAt) => this.recorder?.onDelivery(index, sentMicros, receivedAt),
      onAck: (index, receivedAt) => this.recorder?.onAck(index, receivedAt),
      onErrorFrame: () => {
        if (this.recorder) this.recorder.errorFrames++;
      },
      onClose: (code) => {
        const key = String(code ?? 'no close frame');
        this.closes[key] = (this.closes[key] ?? 0) + 1;
      },
    };
  }

  get lobby(): string {
    return this.protocol.lobby;
  }

  /** Routes deliveries and acks to `recorder` from now on. */
  install(recorder: PhaseRecorder): void {
    this.recorder = recorder;
  }

  /** Creates the sessions of users [0, count) where the target needs it; see WireProtocol.logIn. */
  async logIn(count: number): Promise<void> {
    await this.protocol.logIn(Array.from({ length: count }, (_, i) => i), LOGIN_CONCURRENCY);
  }

  /** Opens connections until there are `count` (their users must have logged in). */
  async connectUpTo(count: number): Promise<void> {
    const indexes = Array.from({ length: count - this.connections.length }, (_, i) => this.connections.length + i);
    const opened = await inPool(indexes, this.job.connectConcurrency, (index) =>
      BenchConnection.open(this.protocol, index, {
        host: this.job.host,
        port: this.job.port,
        localAddress: SOURCE_ADDRESSES[index % SOURCE_ADDRESSES.length]!,
        timeoutMs: CONNECT_TIMEOUT_MS,
        traffic: this.traffic,
        sink: this.sink,
      }),
    );
    this.connections.push(...opened);
  }

  /** Waits until no frame has arrived for QUIET_MS, at most `settleTimeoutMs`; returns whether it got quiet. */
  async settle(): Promise<boolean> {
    const until = performance.now() + this.job.settleTimeoutMs;
    while (performance.now() < until) {
      if (performance.now() - this.traffic.lastFrameAt >= QUIET_MS) return true;
      await sleep(50);
    }
    return false;
  }

  /** Logs in and connects `count` users and lets the server settle, timing both. */
  async setUp(count: number): Promise<SetupResult> {
    const began = performance.now();
    await this.logIn(count);
    const loggedIn = performance.now();
    await this.connectUpTo(count);
    const connected = performance.now();
    const settled = await this.settle();
    return this.setupResult(loggedIn - began, connected - loggedIn, performance.now() - connected, settled);
  }

  setupResult(loginMs: number, connectMs: number, settleMs: number, settled: boolean): SetupResult {
    return {
      connections: this.connections.length,
      loginMs: Math.round(loginMs),
      connectMs: Math.round(connectMs),
      settleMs: Math.round(settleMs),
      settled,
      framesDuringSetup: this.traffic.frames,
      closes: this.closes,
    };
  }
}
