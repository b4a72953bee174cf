/**
 * `npm run bench -- [flags]`: every selected scenario against each of its
 * selected targets, alternating within each round, each run on fresh
 * processes (and, for D and E, a fresh database). Targets whose PostgreSQL or
 * Redis cannot be reached are skipped, saying why.
 * Writes the raw JSON and markdown after every run (so an interrupted run
 * keeps what it measured) to bench/results/raw/, and a full default run also
 * to bench/results/results.json and bench/results/summary.md.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { parseOptions, SCENARIO_IDS, USAGE, type BenchOptions } from './options.js';
import { planScenarios } from './plan.js';
import { hardFdLimit, pinSelf } from './process-launch.js';
import { describeEnvironment } from './report/machine.js';
import { INTERFERENCE_LIMIT, type BenchResults, type RunRecord } from './report/records.js';
import { renderSummary } from './report/summary.js';
import { runOne } from './run-one.js';
import { postgresUnavailable, postgresVersion, redisUnavailable, redisVersion } from './services.js';
import { PARLEY_MAIN, REPO_ROOT, TARGET_ORDER, TARGETS, type TargetName } from './targets.js';

const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');
const COUNTING =
  'Every member of a room, the sender included, is expected to receive each message once; loss is expected minus received, per message.';

function headline(run: RunRecord): string {
  const o = run.outcome;
  if (!run.ok || !o) return `FAILED ${run.error?.split('\n')[0] ?? ''}`;
  if (o.kind === 'idle') return `${(o.idle.bytesPerConnection / 1024).toFixed(1)} KiB/connection, RSS ${(o.idle.finalRssBytes / 2 ** 20).toFixed(0)} MiB`;
  if (o.kind === 'ramp') return `best R ${o.ramp.bestRate} msg/s (failed at ${o.ramp.failedRate ?? '—'})`;
  if (o.kind === 'flood') {
    const { baseline, flooded } = o.flood;
    return (
      `flood of ${o.flood.frames} answered ${o.flood.answered} (refused ${o.flood.refused}) in ${(o.flood.floodMs / 1000).toFixed(1)} s; ` +
      `ping p50 ${flooded.ping.p50} p99 ${flooded.ping.p99} max ${flooded.ping.max} ms (baseline p99 ${baseline.ping.p99}), ` +
      `fan-out p50 ${flooded.fanout.p50} p99 ${flooded.fanout.p99} ms (baseline p99 ${baseline.fanout.p99}), server cpu ${(flooded.serverCpu * 100).toFixed(0)}%`
    );
  }
  const p = o.phase;
  return (
    `${p.serverCpuMicrosPerDelivery.toFixed(3)} µs/delivery (core ${p.serverCoreMicrosPerDelivery?.toFixed(3) ?? '—'}), cpu ${(p.serverCpu * 100).toFixed(0)}% (core ${p.serverCoreBusy === null ? '—' : (p.serverCoreBusy * 100).toFixed(0)}%), lost ${p.lost}/${p.expected}, ` +
    `p50 ${p.fanout.p50} p99 ${p.fanout.p99} max ${p.fanout.max} ms, ack p99 ${p.ack.p99} ms; gen cpu ${(p.generator.cpu * 100).toFixed(0)}% (core ${p.generator.coreBusy === null ? '—' : (p.generator.coreBusy * 100).toFixed(0)}%) loop p99 ${p.generator.eventLoopDelayMs.p99.toFixed(1)} ms, send lag p99 ${p.generator.sendLagMs.p99} ms`
  );
}

function isDefaultFullRun(options: BenchOptions): boolean {
  return !options.quick && options.outDir === null && options.scenarios.length === SCENARIO_IDS.length && options.targets.length === TARGET_ORDER.length && options.scale === 1;
}

/** The selected targets whose services answer, and why the others cannot run. */
async function reachableTargets(options: BenchOptions): Promise<{ targets: TargetName[]; skipped: Array<{ target: TargetName; reason: string }> }> {
  const wanted = options.targets.map((name) => TARGETS[name]);
  const postgres = wanted.some((t) => t.needs.postgres) ? await postgresUnavailable(options.postgresUrl) : null;
  const redis = wanted.some((t) => t.needs.redis) ? await redisUnavailable(options.redisUrl) : null;
  const targets: TargetName[] = [];
  const skipped: Array<{ target: TargetName; reason: string }> = [];
  for (const target of wanted) {
    const reason = (target.needs.postgres ? postgres : null) ?? (target.needs.redis ? redis : null);
    if (reason === null) targets.push(target.name);
    else skipped.push({ target: target.name, reason });
  }
  return { targets, skipped };
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  if (options.targets.some((name) => TARGETS[name].script === PARLEY_MAIN) && !existsSync(PARLEY_MAIN)) throw new Error(`${PARLEY_MAIN} is missing: build the server (npm run build)`);
  const { targets, skipped } = await reachableTargets(options);
  for (const { target, reason } of skipped) process.stderr.write(`skipping ${TARGETS[target].letter} ${TARGETS[target].label}: ${reason}\n`);
  const plan = planScenarios({ ...options, targets });
  if (plan.length === 0) throw new Error('no selected scenario runs against the selected (reachable) targets');
  const connectionsOf = (s: (typeof plan)[number]['scenario']) => (s.kind === 'rooms' ? s.rooms * s.membersPerRoom : s.kind === 'flood' ? 4 : s.connections);
  const most = Math.max(...plan.map((p) => connectionsOf(p.scenario)));
  if (hardFdLimit() < most + 1000) throw new Error(`the open-file limit (${hardFdLimit()}) is too low for ${most} connections; raise it (ulimit -Hn)`);
  if (options.pin) pinSelf(options.generatorCore);
  if (options.nice !== null) setPriority(options.nice);

  const outDir = options.outDir ?? join(RESULTS_DIR, 'raw');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const profileDir = join(outDir, 'profiles', stamp);
  mkdirSync(outDir, { recursive: true });
  const base = join(outDir, `${stamp}${options.quick ? '-quick' : ''}`);
  const results: BenchResults = { startedAt: new Date().toISOString(), finishedAt: null, options, counting: COUNTING, ...describeEnvironment(), skipped, runs: [] };
  const uses = (need: 'postgres' | 'redis') => targets.some((name) => TARGETS[name].needs[need]);
  const versions = { postgresql: uses('postgres') ? await postgresVersion(options.postgresUrl) : null, redis: uses('redis') ? await redisVersion(options.redisUrl) : null };
  for (const [name, version] of Object.entries(versions)) if (version !== null) results.versions[name] = version;
  const save = () => {
    writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(`${base}.md`, renderSummary(results));
  };

  for (let round = 1; round <= options.rounds; round++) {
    for (const planned of plan) {
      for (const name of planned.targets) {
        const target = TARGETS[name];
        process.stderr.write(`[round ${round}] ${planned.title} — ${target.letter} ${target.label} …\n`);
        const run = await runOne(round, planned, target, options, profileDir);
        results.runs.push(run);
        const others = Math.max(0, ...run.interference);
        process.stderr.write(
          `[round ${round}] ${planned.id} ${target.letter} ${target.label}: ${headline(run)} (${(run.elapsedMs / 1000).toFixed(0)} s)` +
            `${others > INTERFERENCE_LIMIT ? ` — other processes used ${others.toFixed(2)} cores meanwhile` : ''}\n`,
        );
        save();
      }
    }
  }
  results.finishedAt = new Date().toISOString();
  save();
  if (isDefaultFullRun(options)) {
    writeFileSync(join(RESULTS_DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(RESULTS_DIR, 'summary.md'), renderSummary(results));
  }
  process.stdout.write(renderSummary(results));
  process.stderr.write(`\nresults: ${base}.json and ${base}.md\n`);
  if (results.runs.some((r) => !r.ok)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
