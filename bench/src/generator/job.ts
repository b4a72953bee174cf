/**
 * What the orchestrator (run.ts) asks of the load generator process, and what
 * it gets back. Sent over the IPC channel as plain JSON.
 */

import type { ProcessMatch } from '../proc-stats.js';

export type Protocol = 'parley' | 'socketio' | 'raw';

/** Processes whose CPU counts with the servers' (PostgreSQL's backends, Redis), each group reported on its own. */
export interface Companion {
  name: string;
  match: ProcessMatch;
}

/** S senders publish at a total rate R for a while; every member of the room receives each message. */
export interface FanoutScenario {
  kind: 'fanout';
  connections: number;
  senders: number;
  rate: number;
  warmupMs: number;
  measureMs: number;
}

/** Like fanout, rising R step by step until p99 or loss breaks the limit. */
export interface RampScenario {
  kind: 'ramp';
  connections: number;
  senders: number;
  startRate: number;
  factor: number;
  maxSteps: number;
  /** Bisection steps between the last passing and the first failing rate. */
  refineSteps: number;
  warmupMs: number;
  measureMs: number;
  p99LimitMs: number;
}

/** Connections that log in, join and stay idle; resident memory at two counts gives the cost per connection. */
export interface IdleScenario {
  kind: 'idle';
  connections: number;
  /** A first checkpoint: memory per connection is the slope between it and `connections`. */
  checkpoint: number;
  settleMs: number;
}

/** Many rooms; senders in each; every message acked (persisted first, for Parley). */
export interface RoomsScenario {
  kind: 'rooms';
  rooms: number;
  membersPerRoom: number;
  sendersPerRoom: number;
  rate: number;
  warmupMs: number;
  measureMs: number;
}

/**
 * One client floods the server with the most expensive requests it may send, written in one go,
 * while a bystander pings and another client posts: how long the others wait meanwhile. Parley only.
 */
export interface FloodScenario {
  kind: 'flood';
  /** Messages in the lobby before the flood, and their length in characters. */
  seedMessages: number;
  seedChars: number;
  /** History pages of the lobby (200 events each) in the flood. */
  historyFrames: number;
  /** Resumes of `resumeRooms` rooms each (the lobby from its start, the rest unknown ids). */
  resumeFrames: number;
  resumeRooms: number;
  /** `members` of the lobby and `rooms`, this many of each. */
  listFrames: number;
  /** The bystander pings every `pingIntervalMs` whether answered or not; the sender posts every `sendIntervalMs`. */
  pingIntervalMs: number;
  sendIntervalMs: number;
  /** Measured without the flood first, for comparison. */
  baselineMs: number;
  /** Longest the flood may take to be answered. */
  floodTimeoutMs: number;
}

export type Scenario = FanoutScenario | RampScenario | IdleScenario | RoomsScenario | FloodScenario;

export interface GeneratorJob {
  protocol: Protocol;
  host: string;
  /** One per server node; user i connects (and logs in) to ports[i mod ports.length]. */
  ports: number[];
  /** The server nodes' processes, in the order of `ports`; their CPU is summed. */
  serverPids: number[];
  companions: Companion[];
  /** The core the server is pinned to (null: not pinned), whose busy time is also measured. */
  serverCore: number | null;
  generatorCore: number | null;
  scenario: Scenario;
  /** Handshakes (and logins) in flight at once while connecting. */
  connectConcurrency: number;
  /** How long the server may stay busy (frames still arriving) after connecting or after a phase. */
  settleTimeoutMs: number;
  /** After the last scheduled send, how long to wait for missing deliveries and acks. */
  drainMs: number;
  /** Body length in characters. */
  bodyChars: number;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export interface GeneratorLoad {
  /** Fraction of one core the generator used during the window (user + system, both threads and V8's). */
  cpu: number;
  /** Busy share of the generator's core (softirq included), when pinned; null otherwise. */
  coreBusy: number | null;
  /** How late the sender thread sent the measured messages after their scheduled time (the generator's own delay, inside every latency). */
  sendLagMs: LatencySummary;
  /** Of the main thread, which reads every connection but the senders'. */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
}

/** One companion group's CPU over the measured window. */
export interface CompanionCpu {
  name: string;
  /** Processes of the group read at the window's end. */
  processes: number;
  cpuMs: number;
  /** Fraction of one core. */
  cpu: number;
  microsPerDelivery: number;
}

export interface PhaseResult {
  rate: number;
  /** Every message of the phase, warm-up included (what Redis's counters cover). */
  phaseMessages: number;
  /** Server nodes the clients were spread over. */
  nodes: number;
  senders: number;
  membersPerMessage: number;
  /** Messages scheduled inside the measured window. */
  messages: number;
  expected: number;
  delivered: number;
  lost: number;
  duplicates: number;
  /** Deliveries of an earlier phase's messages that arrived during this one (a backlog). */
  strays: number;
  /** Messages whose send was never acked. */
  unacked: number;
  errorFrames: number;
  /** Milliseconds; fan-out is send time (as scheduled) to arrival at each member. */
  fanout: LatencySummary;
  /** Milliseconds from scheduled send to the sender's ack. */
  ack: LatencySummary;
  windowMs: number;
  /** The window on CLOCK_MONOTONIC in microseconds, to cut a server CPU profile to it. */
  monotonicWindow: [number, number];
  deliveriesInWindow: number;
  /** Summed over the server nodes. */
  serverCpuMs: number;
  /** Fraction of one core. */
  serverCpu: number;
  serverCpuMicrosPerDelivery: number;
  /** Absent in results older than the companions. */
  companions?: CompanionCpu[];
  /** Servers and companions together, per delivery. */
  totalCpuMicrosPerDelivery?: number;
  /**
   * With more than one node: fan-out latency to recipients on the sender's node and on another node
   * (the difference is what the hop between nodes adds); null with one node.
   */
  fanoutByNode?: { same: LatencySummary; cross: LatencySummary } | null;
  /** Share of serverCpuMs spent on the server's main thread (the rest: GC helpers, worker threads). */
  serverMainThreadShare: number;
  /** Busy share of the server's core (softirq included), when pinned; null otherwise. */
  serverCoreBusy: number | null;
  serverCoreMicrosPerDelivery: number | null;
  generator: GeneratorLoad;
  /** Whether the generator was busy enough (over 90 % of a core) to distort the result. */
  generatorBound: boolean;
}

export interface SetupResult {
  connections: number;
  /** Creating the sessions (Parley's guests), before any connection opened. */
  loginMs: number;
  /** Opening the WebSockets (and, for S5, creating and joining the rooms). */
  connectMs: number;
  /** Time until the server stopped sending (presence and join traffic) after connecting. */
  settleMs: number;
  settled: boolean;
  framesDuringSetup: number;
  /** Connections the server closed during the run, by close code. */
  closes: Record<string, number>;
}

export interface RampResult {
  steps: PhaseResult[];
  /** Highest rate that passed (p99 under the limit, nothing lost); 0 when none did. */
  bestRate: number;
  /** Lowest rate that failed; null when every step passed. */
  failedRate: number | null;
}

export interface IdleResult {
  baselineRssBytes: number;
  checkpointRssBytes: number;
  finalRssBytes: number;
  checkpoint: number;
  connections: number;
  /** (final − checkpoint) / (connections − checkpoint). */
  bytesPerConnection: number;
  /** (final − baseline) / connections, fixed costs included. */
  bytesPerConnectionFromBaseline: number;
}

/** What the bystanders saw in one window: the bystander's ping round trips, and the other client's messages from send to delivery (stored first). */
export interface BystanderView {
  ping: LatencySummary;
  /** Pings not answered by the window's end. */
  unansweredPings: number;
  fanout: LatencySummary;
  /** How late the generator sent the pings and posts after their due times: its own delay, inside both figures above. */
  sendLagMs: LatencySummary;
  /** The server's CPU over the window, as a fraction of one core. */
  serverCpu: number;
  windowMs: number;
}

export interface FloodResult {
  frames: number;
  /** Replies to the flood's frames: acks, and errors (refusals). */
  answered: number;
  refused: number;
  /** From writing the flood to its last reply (or the timeout). */
  floodMs: number;
  /** The close code if the server closed the flooder's connection. */
  flooderClosed: number | null;
  baseline: BystanderView;
  flooded: BystanderView;
}

export type GeneratorOutcome =
  | { kind: 'fanout'; setup: SetupResult; phase: PhaseResult }
  | { kind: 'ramp'; setup: SetupResult; ramp: RampResult }
  | { kind: 'idle'; setup: SetupResult; idle: IdleResult }
  | { kind: 'rooms'; setup: SetupResult; phase: PhaseResult }
  | { kind: 'flood'; setup: SetupResult; flood: FloodResult };

export type WindowEdge = 'start' | 'end';

export type GeneratorMessage =
  | { type: 'result'; outcome: GeneratorOutcome }
  | { type: 'error'; message: string }
  /** A load phase starts (before its warm-up) or its measured window closes: the orchestrator measures other processes' CPU in between. */
  | { type: 'window'; edge: WindowEdge };

/** The port user `index` connects to: the nodes in turn. */
export function portOf(ports: readonly number[], index: number): number {
  return ports[index % ports.length]!;
}
