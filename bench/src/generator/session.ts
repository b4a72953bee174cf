/**
 * The generator's connections to one target: opening many of them with a
 * bounded number in flight, waiting for the server to go quiet, and routing
 * every connection's deliveries and acks to the phase being measured. The
 * connections that send live in the sender thread (sender-thread.ts); the
 * session opens them and hands their events to the same phase.
 */
import { performance } from 'node:perf_hooks';
import { BenchConnection, CONNECT_TIMEOUT_MS, sourceAddress, type ConnectionSink, type Traffic } from './bench-connection.js';
import { portOf, type GeneratorJob, type SetupResult, type WindowEdge } from './job.js';
import type { PhaseRecorder } from './phase-recorder.js';
import { inPool } from './pool.js';
import { protocolFor, type WireProtocol } from './protocols.js';
import type { SendSchedule } from './sender-messages.js';
import { SenderThread } from './sender-thread.js';

const QUIET_MS = 500;
const LOGIN_CONCURRENCY = 32;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A sending user: its connection is opened in the sender thread. */
export interface SenderPlacement {
  index: number;
  room: string;
  /** Whether it must join `room` (false for the lobby, which every connection is in). */
  join: boolean;
}

export class Session {
  /** The main thread's connections, by user index. */
  readonly connections = new Map<number, BenchConnection>();
  readonly traffic: Traffic = { frames: 0, lastFrameAt: 0, check: null };
  readonly closes: Record<string, number> = {};
  private readonly protocol: WireProtocol;
  private recorder: PhaseRecorder | null = null;
  private readonly sink: ConnectionSink;
  private senderThread: SenderThread | null = null;
  private readonly senderIndexes = new Set<number>();
  private senderOrder: number[] = [];

  constructor(
    readonly job: GeneratorJob,
    /** Told when a load phase starts (before its warm-up) and when its measured window closes. */
    readonly onWindow: (edge: WindowEdge) => void,
  ) {
    this.protocol = protocolFor(job.protocol, job.host, (index) => portOf(job.ports, index));
    this.sink = {
      onDelivery: (index, sentMicros, receivedAt, receiver) => this.recorder?.onDelivery(index, sentMicros, receivedAt, receiver),
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

  get senderCount(): number {
    return this.senderIndexes.size;
  }

  /** The user that sends a phase's message k (see openSenders). */
  senderOf(k: number): number {
    return this.senderOrder[k % this.senderOrder.length]!;
  }

  /** Routes deliveries and acks to `recorder` from now on. */
  install(recorder: PhaseRecorder): void {
    this.recorder = recorder;
  }

  /** The main thread's connection of user `index`. */
  connection(index: number): BenchConnection {
    const connection = this.connections.get(index);
    if (!connection) throw new Error(`user ${index} has no connection in the main thread`);
    return connection;
  }

  /** Creates the sessions of users [0, count) where the target needs it; see WireProtocol.logIn. */
  async logIn(count: number): Promise<void> {
    await this.protocol.logIn(Array.from({ length: count }, (_, i) => i), LOGIN_CONCURRENCY);
  }

  /**
   * Marks users as senders, whose connections `openSenders` opens in the sender
   * thread; `connectUpTo` skips them. Call before either.
   */
  reserveSenders(indexes: readonly number[]): void {
    for (const index of indexes) this.senderIndexes.add(index);
  }

  /** Opens a main-thread connection for every user below `count` that has none and is not a sender (they must have logged in). */
  async connectUpTo(count: number): Promise<void> {
    const indexes: number[] = [];
    for (let index = 0; index < count; index++) if (!this.connections.has(index) && !this.senderIndexes.has(index)) indexes.push(index);
    const opened = await inPool(indexes, this.job.connectConcurrency, (index) =>
      BenchConnection.open(this.protocol, index, {
        host: this.job.host,
        port: portOf(this.job.ports, index),
        localAddress: sourceAddress(index),
        timeoutMs: CONNECT_TIMEOUT_MS,
        traffic: this.traffic,
        sink: this.sink,
      }),
    );
    opened.forEach((connection, i) => this.connections.set(indexes[i]!, connection));
  }

  /** Opens the reserved senders' connections in the sender thread; message k of a phase goes out on senders[k mod senders.length]. */
  async openSenders(senders: readonly SenderPlacement[]): Promise<void> {
    if (this.senderThread) throw new Error('the senders are already open');
    if (senders.some((s) => !this.senderIndexes.has(s.index))) throw new Error('every sender must be reserved first');
    this.senderOrder = senders.map((s) => s.index);
    this.senderThread = await SenderThread.open(
      {
        protocol: this.job.protocol,
        host: this.job.host,
        ports: this.job.ports,
        connectConcurrency: this.job.connectConcurrency,
        senders: senders.map((s) => ({ ...s, handshake: this.protocol.handshake(s.index) })),
      },
      { sink: this.sink, traffic: this.traffic, onSent: (index, scheduledMicros, lagMicros) => this.recorder?.onSent(index, scheduledMicros, lagMicros) },
    );
  }

  /** Runs one phase's send schedule in the sender thread. */
  send(schedule: Omit<SendSchedule, 'type'>): Promise<void> {
    if (!this.senderThread) return Promise.reject(new Error('no senders are open'));
    return this.senderThread.send(schedule);
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

  /** Logs in users [0, count), opens users [0, senders) as senders in the lobby and the rest here, and lets the server settle, timing it. */
  async setUp(count: number, senders: number): Promise<SetupResult> {
    const began = performance.now();
    await this.logIn(count);
    const loggedIn = performance.now();
    const placements = Array.from({ length: senders }, (_, index) => ({ index, room: this.lobby, join: false }));
    this.reserveSenders(placements.map((s) => s.index));
    await this.openSenders(placements);
    await this.connectUpTo(count);
    const connected = performance.now();
    const settled = await this.settle();
    return this.setupResult(loggedIn - began, connected - loggedIn, performance.now() - connected, settled);
  }

  setupResult(loginMs: number, connectMs: number, settleMs: number, settled: boolean): SetupResult {
    return {
      connections: this.connections.size + (this.senderThread ? this.senderIndexes.size : 0),
      loginMs: Math.round(loginMs),
      connectMs: Math.round(connectMs),
      settleMs: Math.round(settleMs),
      settled,
      framesDuringSetup: this.traffic.frames,
      closes: this.closes,
    };
  }

  /** Closes every connection and the sender thread. */
  async close(): Promise<void> {
    await this.senderThread?.close();
    await Promise.all([...this.connections.values()].map((connection) => connection.close()));
  }
}
