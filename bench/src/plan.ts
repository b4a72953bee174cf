/**
 * The scenarios, sized by the options. Connection counts scale with
 * `--scale`; rates do not, except S5's: it keeps 50 members and 20 sends/s
 * per room, so a smaller scale means fewer rooms and fewer sends. Each names
 * the targets it runs against.
 */
import type { Scenario } from './generator/job.js';
import type { BenchOptions, ScenarioId } from './options.js';
import type { TargetName } from './targets.js';

export interface PlannedScenario {
  id: ScenarioId;
  title: string;
  scenario: Scenario;
  /** Bound on one run of it against one target, setup included. */
  timeoutMs: number;
  /** The targets it runs against (those selected, in the order of the selection). */
  targets: readonly TargetName[];
}

/** The three the original scenarios compare: Parley, what users would pick instead, and the ceiling. */
const REFERENCES: readonly TargetName[] = ['parley', 'socketio', 'raw'];

const SETUP_ALLOWANCE_MS = 180_000;

export function planScenarios(options: BenchOptions): PlannedScenario[] {
  const n = (count: number) => Math.max(10, Math.round(count * options.scale));
  const warmupMs = options.warmupSeconds * 1000;
  const measureMs = options.measureSeconds * 1000;
  const window = warmupMs + measureMs + SETUP_ALLOWANCE_MS;
  const rooms = Math.max(2, Math.round(100 * options.scale));
  const ramp = { startRate: 25, factor: 1.5, maxSteps: options.quick ? 6 : 14, refineSteps: options.quick ? 1 : 2 };
  const all: PlannedScenario[] = [
    {
      id: 's1',
      title: `S1 CPU per delivery: ${n(1000)} connections, 10 senders, 90 msg/s`,
      scenario: { kind: 'fanout', connections: n(1000), senders: 10, rate: 90, warmupMs, measureMs },
      timeoutMs: window,
      targets: REFERENCES,
    },
    {
      id: 's2',
      title: `S2 heavy fan-out: ${n(5000)} connections, 10 senders, 20 msg/s`,
      scenario: { kind: 'fanout', connections: n(5000), senders: 10, rate: 20, warmupMs, measureMs },
      timeoutMs: window,
      targets: REFERENCES,
    },
    {
      id: 's3',
      title: `S3 highest rate with p99 < 100 ms and no loss: ${n(1000)} connections, 10 senders`,
      scenario: {
        kind: 'ramp',
        connections: n(1000),
        senders: 10,
        ...ramp,
        warmupMs: Math.min(warmupMs, 1000),
        measureMs: options.stepSeconds * 1000,
        p99LimitMs: 100,
      },
      timeoutMs: SETUP_ALLOWANCE_MS + (ramp.maxSteps + ramp.refineSteps) * (options.stepSeconds * 1000 + 35_000),
      targets: REFERENCES,
    },
    {
      id: 's4',
      title: `S4 memory per idle joined connection: ${n(10000)} connections`,
      scenario: { kind: 'idle', connections: n(10000), checkpoint: n(2000), settleMs: 2000 },
      timeoutMs: 2 * SETUP_ALLOWANCE_MS,
      targets: REFERENCES,
    },
    {
      id: 's5',
      title: `S5 many rooms: ${rooms} rooms of 50, ${rooms * 20} sends/s, every send acked`,
      scenario: { kind: 'rooms', rooms, membersPerRoom: 50, sendersPerRoom: 5, rate: rooms * 20, warmupMs, measureMs },
      timeoutMs: window,
      // D right after A: the same server and load on the other store.
      targets: ['parley', 'parley-pg', 'socketio', 'raw'],
    },
    {
      id: 's6',
      title: `S6 fairness: a bystander's pings while one client floods ${options.quick ? 64 : 256} history pages of 200 × 4,000 characters, 10 resumes of 1,000 rooms and 40 lists in one write`,
      scenario: {
        kind: 'flood',
        seedMessages: 600,
        seedChars: 4000,
        historyFrames: options.quick ? 64 : 256,
        resumeFrames: 10,
        resumeRooms: 1000,
        listFrames: 20,
        pingIntervalMs: 10,
        sendIntervalMs: 20,
        baselineMs: measureMs,
        floodTimeoutMs: 120_000,
      },
      timeoutMs: SETUP_ALLOWANCE_MS + measureMs + 120_000,
      targets: ['parley'],
    },
    {
      id: 's7',
      title: `S7 cluster: ${n(1000)} connections in one room, 10 senders, 90 msg/s, on 2 nodes (PostgreSQL, Redis) against 1 node on PostgreSQL`,
      scenario: { kind: 'fanout', connections: n(1000), senders: 10, rate: 90, warmupMs, measureMs },
      timeoutMs: window,
      targets: ['parley-pg', 'parley-cluster'],
    },
  ];
  return all
    .filter((s) => options.scenarios.includes(s.id))
    .map((s) => ({ ...s, targets: options.targets.filter((t) => s.targets.includes(t)) }))
    .filter((s) => s.targets.length > 0);
}
