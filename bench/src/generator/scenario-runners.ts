/**
 * The four kinds of scenario, each run against one target by the generator.
 * Every member of a room, the sender included, is expected to receive each
 * message, on every target.
 */
import { performance } from 'node:perf_hooks';
import { processRssBytes } from '../proc-stats.js';
import type { FanoutScenario, GeneratorOutcome, IdleScenario, PhaseResult, RampScenario, RoomsScenario } from './job.js';
import { REQUEST_TIMEOUT_MS } from './bench-connection.js';
import { runPhase } from './load-phase.js';
import { inPool } from './pool.js';
import type { Session } from './session.js';

const MAX_SETUP_REQUESTS_IN_FLIGHT = 64;

/** Global message numbering, so that ids stay unique across the phases of one run. */
let nextIndex = 0;

function phase(session: Session, rate: number, warmupMs: number, measureMs: number, members: number): Promise<PhaseResult> {
  const firstIndex = nextIndex;
  nextIndex += Math.ceil((rate * (warmupMs + measureMs)) / 1000);
  return runPhase(
    {
      senderCount: session.senderCount,
      send: (schedule) => session.send(schedule),
      rate,
      warmupMs,
      measureMs,
      drainMs: session.job.drainMs,
      membersPerMessage: members,
      bodyChars: session.job.bodyChars,
      serverPids: session.job.serverPids,
      companions: session.job.companions,
      senderOf: (k) => session.senderOf(k),
      serverCore: session.job.serverCore,
      generatorCore: session.job.generatorCore,
      onWindow: session.onWindow,
      firstIndex,
    },
    (recorder) => session.install(recorder),
  );
}

export async function runFanout(session: Session, scenario: FanoutScenario): Promise<GeneratorOutcome> {
  const setup = await session.setUp(scenario.connections, scenario.senders);
  const result = await phase(session, scenario.rate, scenario.warmupMs, scenario.measureMs, scenario.connections);
  return { kind: 'fanout', setup, phase: result };
}

function passes(result: PhaseResult, p99LimitMs: number): boolean {
  return result.lost === 0 && result.fanout.p99 < p99LimitMs;
}

/**
 * Geometric steps up from `startRate` until one fails, then bisection (geometric) between the last pass and that failure.
 * A step that fails on latency alone, with nothing lost, is measured once more and fails only if it fails again:
 * on this VM one stall of the host can put a 3 s window's p99 over the limit at any rate. Every target gets
 * the same rule, and every measurement, the retried ones too, is kept in `steps`.
 */
export async function runRamp(session: Session, scenario: RampScenario): Promise<GeneratorOutcome> {
  const setup = await session.setUp(scenario.connections, scenario.senders);
  const steps: PhaseResult[] = [];
  const measure = async (rate: number) => {
    const result = await phase(session, rate, scenario.warmupMs, scenario.measureMs, scenario.connections);
    steps.push(result);
    process.stderr.write(`  ramp R=${rate}: p99 ${result.fanout.p99} ms, lost ${result.lost}, server cpu ${(result.serverCpu * 100).toFixed(0)}%, generator cpu ${(result.generator.cpu * 100).toFixed(0)}%\n`);
    await session.settle();
    return result;
  };
  const step = async (rate: number) => {
    const first = await measure(rate);
    if (passes(first, scenario.p99LimitMs)) return true;
    if (first.lost > 0) return false;
    return passes(await measure(rate), scenario.p99LimitMs);
  };
  let best = 0;
  let failed: number | null = null;
  for (let i = 0, rate = scenario.startRate; i < scenario.maxSteps; i++, rate = Math.round(rate * scenario.factor)) {
    if (!(await step(rate))) {
      failed = rate;
      break;
    }
    best = rate;
  }
  // Refining needs every connection still open: a server may close slow consumers while overloaded.
  const intact = () => Object.keys(session.closes).length === 0;
  for (let i = 0; failed !== null && intact() && i < scenario.refineSteps; i++) {
    const low = Math.max(best, scenario.startRate / scenario.factor);
    const mid = Math.round(Math.sqrt(low * failed));
    if (mid <= best || mid >= failed) break;
    if (await step(mid)) best = mid;
    else failed = mid;
  }
  return { kind: 'ramp', setup, ramp: { steps, bestRate: best, failedRate: failed } };
}

export async function runIdle(session: Session, scenario: IdleScenario): Promise<GeneratorOutcome> {
  const pid = session.job.serverPids[0]!;
  const began = performance.now();
  await session.logIn(scenario.connections);
  const loginMs = performance.now() - began;
  const baselineRssBytes = processRssBytes(pid);
  await session.connectUpTo(scenario.checkpoint);
  const checkpointConnectMs = performance.now() - began - loginMs;
  await session.settle();
  await new Promise((resolve) => setTimeout(resolve, scenario.settleMs));
  const checkpointRssBytes = processRssBytes(pid);
  const connectStart = performance.now();
  await session.connectUpTo(scenario.connections);
  const connected = performance.now();
  const settled = await session.settle();
  const setup = session.setupResult(loginMs, checkpointConnectMs + (connected - connectStart), performance.now() - connected, settled);
  await new Promise((resolve) => setTimeout(resolve, scenario.settleMs));
  const finalRssBytes = processRssBytes(pid);
  const added = scenario.connections - scenario.checkpoint;
  return {
    kind: 'idle',
    setup,
    idle: {
      baselineRssBytes,
      checkpointRssBytes,
      finalRssBytes,
      checkpoint: scenario.checkpoint,
      connections: scenario.connections,
      bytesPerConnection: added > 0 ? (finalRssBytes - checkpointRssBytes) / added : 0,
      bytesPerConnectionFromBaseline: (finalRssBytes - baselineRssBytes) / scenario.connections,
    },
  };
}

/**
 * Room r's members are users [r·M, (r+1)·M); its first member creates it, the
 * others join. Its senders are its last members, in the sender thread; sender
 * j posts in room j mod rooms, so consecutive messages go to different rooms.
 */
export async function runRooms(session: Session, scenario: RoomsScenario): Promise<GeneratorOutcome> {
  const { rooms, membersPerRoom: m, sendersPerRoom } = scenario;
  if (sendersPerRoom < 1 || sendersPerRoom >= m) throw new Error(`a room of ${m} needs 1 to ${m - 1} senders, not ${sendersPerRoom}`);
  const senderOf = (j: number) => ({ room: j % rooms, index: (j % rooms) * m + m - 1 - Math.floor(j / rooms) });
  const senders = Array.from({ length: rooms * sendersPerRoom }, (_, j) => senderOf(j));
  const began = performance.now();
  await session.logIn(rooms * m);
  const loginMs = performance.now() - began;
  session.reserveSenders(senders.map((s) => s.index));
  await session.connectUpTo(rooms * m);
  const roomIds = await inPool(Array.from({ length: rooms }, (_, r) => r), MAX_SETUP_REQUESTS_IN_FLIGHT, async (r) => {
    const result = (await session.connection(r * m).request('create', `bench-${r}`, REQUEST_TIMEOUT_MS)) as { room?: { id?: string } };
    if (typeof result?.room?.id !== 'string') throw new Error(`create ack without a room id: ${JSON.stringify(result)}`);
    return result.room.id;
  });
  const joiners = m - 1 - sendersPerRoom; // between the creator and the senders
  const joins = Array.from({ length: rooms * joiners }, (_, j) => ({ room: Math.floor(j / joiners), member: 1 + (j % joiners) }));
  await inPool(joins, MAX_SETUP_REQUESTS_IN_FLIGHT, ({ room, member }) => session.connection(room * m + member).request('join', roomIds[room]!, REQUEST_TIMEOUT_MS));
  await session.openSenders(senders.map((s) => ({ index: s.index, room: roomIds[s.room]!, join: true })));
  const connected = performance.now();
  const settled = await session.settle();
  const setup = session.setupResult(loginMs, connected - began - loginMs, performance.now() - connected, settled);
  const result = await phase(session, scenario.rate, scenario.warmupMs, scenario.measureMs, m);
  return { kind: 'rooms', setup, phase: result };
}
