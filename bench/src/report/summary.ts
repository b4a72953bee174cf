/**
 * The markdown summary of a run: per scenario, every target's figures per
 * round with the generator's own load beside them, the ratios between targets
 * within each round, and the issue's targets checked against the median ratio
 * (or, for absolute targets, against every round).
 */
import type { ProfileSummary } from './cpu-profile.js';
import type { CompanionCpu, FloodResult, LatencySummary, PhaseResult } from '../generator/job.js';
import type { ScenarioId } from '../options.js';
import { TARGETS, type TargetName } from '../targets.js';
import { INTERFERENCE_LIMIT, STEAL_LIMIT, type BenchResults, type RunRecord } from './records.js';
import { renderHead } from './summary-head.js';

/**
 * A generator whose own sends left this late (p99, ms) was held up by something besides the
 * server under test (its own bursts of reads, the host); its latencies include that delay.
 */
const GENERATOR_LATE_MS = 10;

type Metric = (run: RunRecord) => number | null;

interface Column {
  name: string;
  value: Metric;
  digits: number;
}

interface Ratio {
  name: string;
  metric: Metric;
  over: [TargetName, TargetName];
  /** A check on the median ratio, e.g. { max: 1.15 }. */
  goal?: { max?: number; min?: number; text: string };
}

interface ScenarioReport {
  columns: Column[];
  ratios: Ratio[];
  /** Absolute checks on one target's runs, every round. */
  absolute?: Array<{ target: TargetName; text: string; passes: (run: RunRecord) => boolean }>;
}

const phaseOf = (run: RunRecord): PhaseResult | null =>
  run.outcome?.kind === 'fanout' || run.outcome?.kind === 'rooms' ? run.outcome.phase : null;
const fromPhase = (pick: (p: PhaseResult) => number): Metric => (run) => {
  const phase = phaseOf(run);
  return phase ? pick(phase) : null;
};
const bestRate: Metric = (run) => (run.outcome?.kind === 'ramp' ? run.outcome.ramp.bestRate : null);
const bestStep = (run: RunRecord): PhaseResult | null => {
  if (run.outcome?.kind !== 'ramp') return null;
  const best = run.outcome.ramp.bestRate;
  // The passing measurement: a retried step has a failed one before it.
  return run.outcome.ramp.steps.findLast((s) => s.rate === best) ?? null;
};
const failedStep = (run: RunRecord): PhaseResult | null => {
  if (run.outcome?.kind !== 'ramp') return null;
  const failed = run.outcome.ramp.failedRate;
  return run.outcome.ramp.steps.findLast((s) => s.rate === failed) ?? null;
};
/** Steps measured twice because the first measurement failed on latency alone. */
const retriedSteps: Metric = (run) => {
  if (run.outcome?.kind !== 'ramp') return null;
  const rates = run.outcome.ramp.steps.map((s) => s.rate);
  return rates.filter((rate, i) => rates.indexOf(rate) !== i).length;
};
const kibPerConnection: Metric = (run) => (run.outcome?.kind === 'idle' ? run.outcome.idle.bytesPerConnection / 1024 : null);
const fromFlood = (pick: (f: FloodResult) => number | null): Metric => (run) => (run.outcome?.kind === 'flood' ? pick(run.outcome.flood) : null);

const percent = (v: number | null) => (v === null ? null : v * 100);
/** A companion group's CPU over the window (PostgreSQL's backends, Redis), when the target had it. */
const companion = (name: string, pick: (c: CompanionCpu) => number): Metric => (run) => {
  const found = phaseOf(run)?.companions?.find((c) => c.name === name);
  return found ? pick(found) : null;
};
const totalPerDelivery: Metric = fromPhase((p) => p.totalCpuMicrosPerDelivery ?? p.serverCpuMicrosPerDelivery);
/** Servers and companions together, as a fraction of one core. */
const totalCpu: Metric = fromPhase((p) => p.serverCpu + (p.companions ?? []).reduce((total, c) => total + c.cpu, 0));
const byNode = (side: 'same' | 'cross', pick: (l: LatencySummary) => number): Metric => (run) => {
  const split = phaseOf(run)?.fanoutByNode;
  return split ? pick(split[side]) : null;
};
/** What the hop between nodes adds: cross-node minus same-node latency at one percentile. */
const hop = (pick: (l: LatencySummary) => number): Metric => (run) => {
  const split = phaseOf(run)?.fanoutByNode;
  return split ? pick(split.cross) - pick(split.same) : null;
};
/** Redis's PUBLISH calls over the phase per message sent in it (warm-up included, as the counters are). */
const publishesPerMessage: Metric = (run) => {
  const phase = phaseOf(run);
  const counts = run.redis?.[0];
  return phase && counts && phase.phaseMessages > 0 ? counts.publishes / phase.phaseMessages : null;
};
const redisCommandsPerMessage: Metric = (run) => {
  const phase = phaseOf(run);
  const counts = run.redis?.[0];
  return phase && counts && phase.phaseMessages > 0 ? counts.commands / phase.phaseMessages : null;
};
/** Every node has members in S7's one room. */
const S7_INTERESTED_NODES = 2;
const serverCoreColumn: Column = { name: 'server core %', value: fromPhase((p) => percent(p.serverCoreBusy) ?? Number.NaN), digits: 0 };
const serverMainThreadColumn: Column = { name: 'server main thread %', value: fromPhase((p) => p.serverMainThreadShare * 100), digits: 0 };
const generatorColumns: Column[] = [
  { name: 'gen CPU %', value: fromPhase((p) => p.generator.cpu * 100), digits: 0 },
  { name: 'gen core %', value: fromPhase((p) => percent(p.generator.coreBusy) ?? Number.NaN), digits: 0 },
  { name: 'gen loop p99 ms', value: fromPhase((p) => p.generator.eventLoopDelayMs.p99), digits: 1 },
  { name: 'gen send lag p99 ms', value: fromPhase((p) => p.generator.sendLagMs.p99), digits: 1 },
];

const REPORTS: Record<ScenarioId, ScenarioReport> = {
  s1: {
    columns: [
      { name: 'server µs/delivery', value: fromPhase((p) => p.serverCpuMicrosPerDelivery), digits: 3 },
      { name: 'server core µs/delivery', value: fromPhase((p) => p.serverCoreMicrosPerDelivery ?? Number.NaN), digits: 3 },
      { name: 'server CPU %', value: fromPhase((p) => p.serverCpu * 100), digits: 0 },
      serverCoreColumn,
      serverMainThreadColumn,
      { name: 'lost', value: fromPhase((p) => p.lost), digits: 0 },
      { name: 'p50 ms', value: fromPhase((p) => p.fanout.p50), digits: 1 },
      { name: 'p99 ms', value: fromPhase((p) => p.fanout.p99), digits: 1 },
      ...generatorColumns,
    ],
    ratios: [
      { name: 'CPU/delivery A/C', metric: fromPhase((p) => p.serverCpuMicrosPerDelivery), over: ['parley', 'raw'], goal: { max: 1.15, text: '≤ 1.15' } },
      { name: 'CPU/delivery A/B', metric: fromPhase((p) => p.serverCpuMicrosPerDelivery), over: ['parley', 'socketio'] },
      { name: 'p99 A/C', metric: fromPhase((p) => p.fanout.p99), over: ['parley', 'raw'] },
    ],
  },
  s2: {
    columns: [
      { name: 'delivered/s', value: fromPhase((p) => (p.delivered * p.rate) / p.messages), digits: 0 },
      { name: 'lost', value: fromPhase((p) => p.lost), digits: 0 },
      { name: 'p50 ms', value: fromPhase((p) => p.fanout.p50), digits: 1 },
      { name: 'p99 ms', value: fromPhase((p) => p.fanout.p99), digits: 1 },
      { name: 'max ms', value: fromPhase((p) => p.fanout.max), digits: 1 },
      { name: 'server CPU %', value: fromPhase((p) => p.serverCpu * 100), digits: 0 },
      serverCoreColumn,
      ...generatorColumns,
    ],
    ratios: [
      { name: 'p99 A/C', metric: fromPhase((p) => p.fanout.p99), over: ['parley', 'raw'] },
      { name: 'p99 A/B', metric: fromPhase((p) => p.fanout.p99), over: ['parley', 'socketio'] },
      { name: 'server CPU A/C', metric: fromPhase((p) => p.serverCpu), over: ['parley', 'raw'] },
    ],
    absolute: [{ target: 'parley', text: 'Parley loses nothing and p99 < 100 ms', passes: (run) => (phaseOf(run)?.lost ?? 1) === 0 && (phaseOf(run)?.fanout.p99 ?? Infinity) < 100 }],
  },
  s3: {
    columns: [
      { name: 'best R msg/s', value: bestRate, digits: 0 },
      { name: 'deliveries/s at best', value: (run) => (bestRate(run) ?? 0) * (bestStep(run)?.membersPerMessage ?? 0), digits: 0 },
      { name: 'p99 ms at best', value: (run) => bestStep(run)?.fanout.p99 ?? null, digits: 1 },
      { name: 'server CPU % at best', value: (run) => (bestStep(run) ? bestStep(run)!.serverCpu * 100 : null), digits: 0 },
      { name: 'failed at R', value: (run) => (run.outcome?.kind === 'ramp' ? run.outcome.ramp.failedRate : null), digits: 0 },
      { name: 'gen CPU % at fail', value: (run) => (failedStep(run) ? failedStep(run)!.generator.cpu * 100 : null), digits: 0 },
      { name: 'steps retried', value: retriedSteps, digits: 0 },
    ],
    ratios: [
      { name: 'best R A/B', metric: bestRate, over: ['parley', 'socketio'], goal: { min: 20, text: '≥ 20' } },
      { name: 'best R A/C', metric: bestRate, over: ['parley', 'raw'] },
    ],
  },
  s4: {
    columns: [
      { name: 'KiB/connection', value: kibPerConnection, digits: 1 },
      { name: 'KiB/conn. incl. fixed', value: (run) => (run.outcome?.kind === 'idle' ? run.outcome.idle.bytesPerConnectionFromBaseline / 1024 : null), digits: 1 },
      { name: 'RSS MiB', value: (run) => (run.outcome?.kind === 'idle' ? run.outcome.idle.finalRssBytes / 2 ** 20 : null), digits: 0 },
      { name: 'connect s', value: (run) => (run.outcome ? run.outcome.setup.connectMs / 1000 : null), digits: 1 },
      { name: 'settle s', value: (run) => (run.outcome ? run.outcome.setup.settleMs / 1000 : null), digits: 1 },
    ],
    ratios: [
      { name: 'memory/conn. A/C', metric: kibPerConnection, over: ['parley', 'raw'], goal: { max: 1.3, text: '≤ 1.3' } },
      { name: 'memory/conn. A/B', metric: kibPerConnection, over: ['parley', 'socketio'] },
    ],
  },
  s5: {
    columns: [
      { name: 'ack p50 ms', value: fromPhase((p) => p.ack.p50), digits: 1 },
      { name: 'ack p99 ms', value: fromPhase((p) => p.ack.p99), digits: 1 },
      { name: 'fan-out p50 ms', value: fromPhase((p) => p.fanout.p50), digits: 1 },
      { name: 'fan-out p99 ms', value: fromPhase((p) => p.fanout.p99), digits: 1 },
      { name: 'lost', value: fromPhase((p) => p.lost), digits: 0 },
      { name: 'unacked', value: fromPhase((p) => p.unacked), digits: 0 },
      { name: 'server CPU %', value: fromPhase((p) => p.serverCpu * 100), digits: 0 },
      { name: 'PostgreSQL CPU %', value: companion('PostgreSQL', (c) => c.cpu * 100), digits: 0 },
      serverCoreColumn,
      serverMainThreadColumn,
      ...generatorColumns,
    ],
    ratios: [
      { name: 'ack p50 D/A', metric: fromPhase((p) => p.ack.p50), over: ['parley-pg', 'parley'] },
      { name: 'ack p99 D/A', metric: fromPhase((p) => p.ack.p99), over: ['parley-pg', 'parley'] },
      { name: 'fan-out p99 D/A', metric: fromPhase((p) => p.fanout.p99), over: ['parley-pg', 'parley'] },
      { name: 'server CPU D/A', metric: fromPhase((p) => p.serverCpu), over: ['parley-pg', 'parley'] },
      { name: 'server + PostgreSQL CPU D/A', metric: totalCpu, over: ['parley-pg', 'parley'] },
      { name: 'ack p99 A/C', metric: fromPhase((p) => p.ack.p99), over: ['parley', 'raw'] },
      { name: 'fan-out p99 A/C', metric: fromPhase((p) => p.fanout.p99), over: ['parley', 'raw'] },
      { name: 'server CPU A/C', metric: fromPhase((p) => p.serverCpu), over: ['parley', 'raw'] },
    ],
    absolute: [
      { target: 'parley', text: 'Parley ack p99 < 25 ms (persisted, group commit)', passes: (run) => (phaseOf(run)?.ack.p99 ?? Infinity) < 25 && (phaseOf(run)?.unacked ?? 1) === 0 },
      {
        target: 'parley-pg',
        text: 'Parley on PostgreSQL ack p99 < 50 ms at 2,000 persisted sends/s, PostgreSQL on the same machine (issue 17)',
        passes: (run) => (phaseOf(run)?.ack.p99 ?? Infinity) < 50 && (phaseOf(run)?.unacked ?? 1) === 0,
      },
    ],
  },
  s6: {
    columns: [
      { name: 'ping p50 ms', value: fromFlood((f) => f.flooded.ping.p50), digits: 1 },
      { name: 'ping p99 ms', value: fromFlood((f) => f.flooded.ping.p99), digits: 1 },
      { name: 'ping max ms', value: fromFlood((f) => f.flooded.ping.max), digits: 1 },
      { name: 'baseline ping p99 ms', value: fromFlood((f) => f.baseline.ping.p99), digits: 1 },
      { name: 'fan-out p50 ms', value: fromFlood((f) => f.flooded.fanout.p50), digits: 1 },
      { name: 'fan-out p99 ms', value: fromFlood((f) => f.flooded.fanout.p99), digits: 1 },
      { name: 'baseline fan-out p99 ms', value: fromFlood((f) => f.baseline.fanout.p99), digits: 1 },
      { name: 'flood answered', value: fromFlood((f) => f.answered), digits: 0 },
      { name: 'flood refused', value: fromFlood((f) => f.refused), digits: 0 },
      { name: 'flood s', value: fromFlood((f) => f.floodMs / 1000), digits: 1 },
      { name: 'server CPU % flooded', value: fromFlood((f) => f.flooded.serverCpu * 100), digits: 0 },
      { name: 'gen send lag p99 ms', value: fromFlood((f) => f.flooded.sendLagMs.p99), digits: 1 },
    ],
    ratios: [],
    absolute: [
      {
        target: 'parley',
        text: "the bystander's ping p99 < 50 ms while the flood is answered in full (nothing refused, the flooder not cut off)",
        passes: (run) =>
          run.outcome?.kind === 'flood' &&
          run.outcome.flood.flooded.ping.p99 < 50 &&
          run.outcome.flood.flooded.unansweredPings === 0 &&
          run.outcome.flood.answered === run.outcome.flood.frames &&
          run.outcome.flood.refused === 0 &&
          run.outcome.flood.flooderClosed === null,
      },
    ],
  },
  s7: {
    columns: [
      { name: 'all µs/delivery', value: totalPerDelivery, digits: 3 },
      { name: 'Parley µs/delivery', value: fromPhase((p) => p.serverCpuMicrosPerDelivery), digits: 3 },
      { name: 'PostgreSQL µs/delivery', value: companion('PostgreSQL', (c) => c.microsPerDelivery), digits: 3 },
      { name: 'Redis µs/delivery', value: companion('Redis', (c) => c.microsPerDelivery), digits: 3 },
      { name: 'Parley CPU %', value: fromPhase((p) => p.serverCpu * 100), digits: 0 },
      { name: 'lost', value: fromPhase((p) => p.lost), digits: 0 },
      { name: 'p50 ms', value: fromPhase((p) => p.fanout.p50), digits: 1 },
      { name: 'p99 ms', value: fromPhase((p) => p.fanout.p99), digits: 1 },
      { name: 'same-node p50 ms', value: byNode('same', (l) => l.p50), digits: 1 },
      { name: 'same-node p99 ms', value: byNode('same', (l) => l.p99), digits: 1 },
      { name: 'cross-node p50 ms', value: byNode('cross', (l) => l.p50), digits: 1 },
      { name: 'cross-node p99 ms', value: byNode('cross', (l) => l.p99), digits: 1 },
      { name: 'hop p50 ms', value: hop((l) => l.p50), digits: 1 },
      { name: 'hop p99 ms', value: hop((l) => l.p99), digits: 1 },
      { name: 'Redis publishes/message', value: publishesPerMessage, digits: 2 },
      { name: 'Redis commands/message', value: redisCommandsPerMessage, digits: 2 },
      ...generatorColumns,
    ],
    ratios: [
      { name: 'CPU/delivery, all processes, E/D', metric: totalPerDelivery, over: ['parley-cluster', 'parley-pg'], goal: { max: 1.25, text: '≤ 1.25' } },
      { name: 'Parley CPU/delivery E/D', metric: fromPhase((p) => p.serverCpuMicrosPerDelivery), over: ['parley-cluster', 'parley-pg'] },
      { name: 'p50 E/D', metric: fromPhase((p) => p.fanout.p50), over: ['parley-cluster', 'parley-pg'] },
      { name: 'p99 E/D', metric: fromPhase((p) => p.fanout.p99), over: ['parley-cluster', 'parley-pg'] },
    ],
    absolute: [
      {
        target: 'parley-cluster',
        text: `the cluster loses nothing and Redis carries at most ${S7_INTERESTED_NODES} publishes per message (the nodes with members in the room)`,
        passes: (run) => (phaseOf(run)?.lost ?? 1) === 0 && (publishesPerMessage(run) ?? Infinity) <= S7_INTERESTED_NODES,
      },
    ],
  },
};

function format(value: number | null, digits: number): string {
  if (value === null || !Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function scenarioSection(results: BenchResults, id: ScenarioId): string {
  const runs = results.runs.filter((r) => r.scenario === id);
  if (runs.length === 0) return '';
  const report = REPORTS[id];
  const rounds = [...new Set(runs.map((r) => r.round))].sort((a, b) => a - b);
  const out: string[] = [`### ${runs[0]!.title}`, ''];
  out.push(
    table(
      ['round', 'target', ...report.columns.map((c) => c.name)],
      runs.map((run) => [
        String(run.round),
        `${TARGETS[run.target].letter} ${TARGETS[run.target].label}`,
        ...(run.ok ? report.columns.map((c) => format(c.value(run), c.digits)) : [`failed: ${(run.error ?? '').split('\n')[0]!.slice(0, 120)}`]),
      ]),
    ),
  );
  const find = (round: number, target: TargetName) => runs.find((r) => r.round === round && r.target === target && r.ok);
  const ratios = report.ratios.filter((ratio) => ratio.over.every((t) => runs.some((r) => r.target === t)));
  if (ratios.length > 0) {
    const perRound = rounds.map((round) =>
      ratios.map((ratio) => {
        const a = find(round, ratio.over[0]);
        const b = find(round, ratio.over[1]);
        const x = a ? ratio.metric(a) : null;
        const y = b ? ratio.metric(b) : null;
        return x !== null && y !== null && y !== 0 ? x / y : null;
      }),
    );
    const medians = ratios.map((_, i) => median(perRound.map((row) => row[i]).filter((v): v is number => v !== null)));
    out.push('', 'Ratios within each round:', '');
    out.push(
      table(
        ['round', ...ratios.map((r) => r.name)],
        [
          ...perRound.map((row, i) => [String(rounds[i]), ...row.map((v) => format(v, 2))]),
          ['median', ...medians.map((v) => format(v, 2))],
        ],
      ),
    );
    for (const [i, ratio] of ratios.entries()) {
      if (!ratio.goal) continue;
      const m = medians[i];
      const ok = m !== null && m !== undefined && (ratio.goal.max === undefined || m <= ratio.goal.max) && (ratio.goal.min === undefined || m >= ratio.goal.min);
      out.push('', `Target ${ratio.name} ${ratio.goal.text}: **${ok ? 'met' : 'not met'}** (median ${format(m ?? null, 2)}).`);
    }
  }
  for (const check of report.absolute ?? []) {
    const ofTarget = runs.filter((r) => r.target === check.target);
    if (ofTarget.length > 0) {
      const ok = ofTarget.every((r) => r.ok && check.passes(r));
      out.push('', `Target: ${check.text}, every round: **${ok ? 'met' : 'not met'}**.`);
    }
  }
  // The runs where `value` passed `limit`, named with it: "round 1 Parley (0.06 cores)".
  const flagged = (value: (run: RunRecord) => number, limit: number, unit: string, digits: number): string | null => {
    const over = runs.filter((run) => value(run) > limit);
    return over.length === 0 ? null : over.map((run) => `round ${run.round} ${TARGETS[run.target].label} (${value(run).toFixed(digits)} ${unit})`).join(', ');
  };
  const disturbed = flagged((run) => Math.max(0, ...run.interference), INTERFERENCE_LIMIT, 'cores', 2);
  if (disturbed) out.push('', `Warning: other processes used CPU during the load phase of ${disturbed}; those figures are suspect.`);
  const robbed = flagged((run) => Math.max(0, ...(run.steal ?? [])), STEAL_LIMIT, 'cores', 2);
  if (robbed) out.push('', `Warning: the VM's host took CPU from this machine (steal) during the load phase of ${robbed}; those figures are suspect.`);
  // For S3, what matters is whether the generator was what failed the first failing step.
  const bound = runs.filter((r) => (phaseOf(r) ?? failedStep(r))?.generatorBound === true);
  if (bound.length > 0) out.push('', `Note: the generator used over 90 % of its core in ${bound.map((r) => `round ${r.round} ${TARGETS[r.target].label}`).join(', ')}; those figures may be generator-bound.`);
  const late = flagged((run) => (phaseOf(run) ?? failedStep(run))?.generator.sendLagMs.p99 ?? 0, GENERATOR_LATE_MS, 'ms', 1);
  if (late) out.push('', `Note: the generator's own send lag had a p99 over ${GENERATOR_LATE_MS} ms in ${late}; that lateness is inside those latency figures.`);
  return out.join('\n');
}

function waitsSection(results: BenchResults): string {
  const sampled = results.runs.filter((r) => r.postgresWaits && r.postgresWaits.length > 0);
  if (sampled.length === 0) return '';
  const out = [
    '## What the PostgreSQL backends were doing',
    '',
    "Sampled from pg_stat_activity every 20 ms over the load phase (warm-up and window) for the run's own database: " +
      '"backends" is how many were in that state on average; `active: CPU` is running a statement with no wait event, ' +
      '`idle: Client/ClientRead` is waiting for Parley to send the next statement, `idle in transaction` is a transaction ' +
      'left open while Parley works, `IO/WALSync` and `LWLock/WALWrite` are the commit flushing its WAL.',
  ];
  for (const run of sampled) {
    out.push('', `### ${run.scenario.toUpperCase()} round ${run.round}, ${TARGETS[run.target].letter} ${TARGETS[run.target].label}`, '');
    out.push(table(['state: wait event', 'backends', '% of samples'], run.postgresWaits!.slice(0, 12).map((w) => [w.state, format(w.backends, 2), format(w.share * 100, 1)])));
  }
  return out.join('\n');
}

function profileSection(results: BenchResults): string {
  const profiled = results.runs.filter((r) => r.profile);
  if (profiled.length === 0) return '';
  const out = [
    '## Where the servers spend their time',
    '',
    'From `node --cpu-prof` on the server, counting only samples inside the measured windows. The profiler samples the main ' +
      "thread's stack, so time blocked in a synchronous call (SQLite's commit and fsync, a socket write) counts as that " +
      "function's self time; `writeBuffer` and `writev` are the socket write system calls.",
  ];
  const profileTables = (heading: string, p: ProfileSummary): void => {
    out.push('', `### ${heading}: ${p.sampledMs} ms sampled busy`, '');
    out.push(table(['package', 'self ms', '%'], p.packages.slice(0, 10).map((e) => [e.name, format(e.selfMs, 0), format(e.percent, 1)])));
    out.push('');
    out.push(table(['function', 'self ms', '%'], p.functions.slice(0, 15).map((e) => [`\`${e.name}\``, format(e.selfMs, 0), format(e.percent, 1)])));
  };
  for (const run of profiled) {
    const name = `${run.scenario.toUpperCase()} round ${run.round}, ${TARGETS[run.target].letter} ${TARGETS[run.target].label}`;
    profileTables(name, run.profile!);
    if (run.generatorProfile) profileTables(`${name}, the load generator`, run.generatorProfile);
  }
  return out.join('\n');
}

export function renderSummary(results: BenchResults): string {
  const sections = (Object.keys(REPORTS) as ScenarioId[]).map((id) => scenarioSection(results, id)).filter((s) => s !== '');
  const skipped = (results.skipped ?? []).map(({ target, reason }) => `Skipped ${TARGETS[target].letter} ${TARGETS[target].label}: ${reason}.`);
  return [renderHead(results), '', ...skipped.flatMap((line) => [line, '']), '## Scenarios', '', sections.join('\n\n'), '', profileSection(results), '', waitsSection(results)].join('\n').trimEnd() + '\n';
}
