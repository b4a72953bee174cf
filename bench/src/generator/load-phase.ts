/**
 * One open-model load phase: message k is due at start + k / rate, whoever
 * answers or not, and carries that scheduled time (so a slow server cannot
 * hide latency by slowing the sender down). The sender thread sends; this
 * thread opens the measured window when its first message falls due, and
 * drains deliveries and acks after the last, bounded by `drainMs`.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { coreBusyMicros, GroupCpu, mainThreadCpuMicros, matchingPids, processCpuMicros } from '../proc-stats.js';
import type { Companion, CompanionCpu, PhaseResult, WindowEdge } from './job.js';
import { PhaseRecorder, summarize } from './phase-recorder.js';
import type { SendSchedule } from './sender-messages.js';

export interface PhasePlan {
  senderCount: number;
  /** Runs the schedule in the sender thread; resolves once every message has been sent. */
  send: (schedule: Omit<SendSchedule, 'type'>) => Promise<void>;
  rate: number;
  warmupMs: number;
  measureMs: number;
  drainMs: number;
  membersPerMessage: number;
  bodyChars: number;
  /** The server nodes; user i is on node i mod serverPids.length. */
  serverPids: readonly number[];
  companions: readonly Companion[];
  /** The user that sends the phase's message k. */
  senderOf: (k: number) => number;
  serverCore: number | null;
  generatorCore: number | null;
  onWindow: (edge: WindowEdge) => void;
  /** Global index of this phase's first message. */
  firstIndex: number;
}

/** Time for the schedule to reach the sender thread before the first message is due. */
const START_DELAY_MS = 20;
/** The histogram records whole timer intervals; the delay is what exceeds the resolution. */
const LOOP_DELAY_RESOLUTION_MS = 2;
const loopDelayMs = (nanos: number) => Math.max(0, nanos / 1e6 - LOOP_DELAY_RESOLUTION_MS);
const POLL_MS = 5;
/** A generator above this share of its core (or of a core, unpinned) may be what limits the result. */
const GENERATOR_BOUND_CPU = 0.9;

/** CLOCK_MONOTONIC in microseconds: the clock of V8's CPU profile timestamps. */
const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the phase with `install(recorder)` routing every connection's deliveries and acks to it. */
export async function runPhase(plan: PhasePlan, install: (recorder: PhaseRecorder) => void): Promise<PhaseResult> {
  const { rate } = plan;
  const total = Math.ceil((rate * (plan.warmupMs + plan.measureMs)) / 1000);
  const measuredFrom = Math.min(total - 1, Math.floor((rate * plan.warmupMs) / 1000));
  const nodes = plan.serverPids.length;
  const recorder = new PhaseRecorder(plan.firstIndex, total, measuredFrom, plan.membersPerMessage, nodes > 1 ? { nodes, senderOf: plan.senderOf } : null);
  const sum = (read: (pid: number) => number) => plan.serverPids.reduce((total, pid) => total + read(pid), 0);
  // Found now, before the warm-up: scanning /proc as the window opens would delay the first measured messages.
  const companionPids = plan.companions.map((c) => matchingPids(c.match));
  let companionCpu: GroupCpu[] = [];
  install(recorder);

  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  let serverCpuStart = 0;
  let serverMainCpuStart = 0;
  let coreBusyStart = 0;
  let ownCoreBusyStart = 0;
  const ownCore = plan.generatorCore;
  const core = plan.serverCore;
  let selfCpuStart = process.cpuUsage();
  let monotonicStart = 0;
  const start = performance.now() + START_DELAY_MS;
  const intervalMs = 1000 / rate;
  // Before the warm-up, not when the window opens: the orchestrator then takes a
  // baseline of every process's CPU from /proc, a few milliseconds of this core
  // that would otherwise delay the first measured messages.
  plan.onWindow('start');

  let windowOpen = false;
  const openWindow = () => {
    if (windowOpen) return;
    windowOpen = true;
    serverCpuStart = sum(processCpuMicros);
    serverMainCpuStart = sum(mainThreadCpuMicros);
    companionCpu = plan.companions.map((c, i) => new GroupCpu(c.match, companionPids[i]));
    if (core !== null) coreBusyStart = coreBusyMicros(core);
    if (ownCore !== null) ownCoreBusyStart = coreBusyMicros(ownCore);
    selfCpuStart = process.cpuUsage();
    recorder.windowStart = performance.now();
    monotonicStart = monotonicMicros();
    loopDelay.enable();
  };
  const windowTimer = setTimeout(openWindow, start + measuredFrom * intervalMs - performance.now());
  try {
    await plan.send({
      firstIndex: plan.firstIndex,
      total,
      startMs: start,
      intervalMs,
      deadlineMs: start + plan.warmupMs + plan.measureMs + 30_000,
      bodyChars: plan.bodyChars,
    });
  } finally {
    clearTimeout(windowTimer);
  }
  openWindow();

  const drainUntil = start + total * intervalMs + plan.drainMs;
  while (!recorder.complete && performance.now() < drainUntil) await sleep(POLL_MS);
  const windowEnd = performance.now();
  const monotonicEnd = monotonicMicros();
  const serverCpuMicros = sum(processCpuMicros) - serverCpuStart;
  const serverMainCpuMicros = sum(mainThreadCpuMicros) - serverMainCpuStart;
  const companionsUsed = companionCpu.map((group) => group.used());
  const coreMicros = core === null ? null : coreBusyMicros(core) - coreBusyStart;
  const ownCoreMicros = ownCore === null ? null : coreBusyMicros(ownCore) - ownCoreBusyStart;
  const deliveries = recorder.deliveriesInWindow;
  const selfCpu = process.cpuUsage(selfCpuStart);
  loopDelay.disable();
  plan.onWindow('end');

  const windowMs = windowEnd - recorder.windowStart;
  const generatorCpu = (selfCpu.user + selfCpu.system) / 1000 / windowMs;
  const tally = recorder.tally();
  const companions: CompanionCpu[] = plan.companions.map((c, i) => ({
    name: c.name,
    processes: companionsUsed[i]!.processes,
    cpuMs: Math.round(companionsUsed[i]!.micros / 1000),
    cpu: companionsUsed[i]!.micros / 1000 / windowMs,
    microsPerDelivery: deliveries > 0 ? companionsUsed[i]!.micros / deliveries : 0,
  }));
  const allMicros = serverCpuMicros + companionsUsed.reduce((total, c) => total + c.micros, 0);
  return {
    rate,
    phaseMessages: total,
    nodes,
    senders: plan.senderCount,
    membersPerMessage: plan.membersPerMessage,
    messages: recorder.measuredMessages,
    ...tally,
    strays: recorder.strays,
    errorFrames: recorder.errorFrames,
    fanout: summarize(recorder.fanout),
    ack: summarize(recorder.ack),
    windowMs: Math.round(windowMs),
    monotonicWindow: [monotonicStart, monotonicEnd],
    deliveriesInWindow: recorder.deliveriesInWindow,
    serverCpuMs: Math.round(serverCpuMicros / 1000),
    serverCpu: serverCpuMicros / 1000 / windowMs,
    serverCpuMicrosPerDelivery: deliveries > 0 ? serverCpuMicros / deliveries : 0,
    serverMainThreadShare: serverCpuMicros > 0 ? serverMainCpuMicros / serverCpuMicros : 0,
    companions,
    totalCpuMicrosPerDelivery: deliveries > 0 ? allMicros / deliveries : 0,
    fanoutByNode: nodes > 1 ? { same: summarize(recorder.fanoutSameNode), cross: summarize(recorder.fanoutCrossNode) } : null,
    serverCoreBusy: coreMicros === null ? null : coreMicros / 1000 / windowMs,
    serverCoreMicrosPerDelivery: coreMicros === null || deliveries === 0 ? null : coreMicros / deliveries,
    generator: {
      cpu: generatorCpu,
      coreBusy: ownCoreMicros === null ? null : ownCoreMicros / 1000 / windowMs,
      sendLagMs: summarize(recorder.sendLag),
      eventLoopDelayMs: {
        p50: loopDelayMs(loopDelay.percentile(50)),
        p99: loopDelayMs(loopDelay.percentile(99)),
        max: loopDelayMs(loopDelay.max),
      },
    },
    generatorBound: (ownCoreMicros === null ? generatorCpu : ownCoreMicros / 1000 / windowMs) > GENERATOR_BOUND_CPU,
  };
}
