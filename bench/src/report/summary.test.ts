import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../targets.js';
import type { PhaseResult } from '../generator/job.js';
import type { BenchResults } from './records.js';
import { renderSummary } from './summary.js';

/** The committed results of a full run, with every generator's send lag set to `p99` ms except S5's Parley in round 2. */
function resultsWithLag(p99: number, s5ParleyRound2: number): BenchResults {
  const results = JSON.parse(readFileSync(join(REPO_ROOT, 'bench', 'results', 'results.json'), 'utf8')) as BenchResults;
  for (const run of results.runs) {
    const outcome = run.outcome;
    const phases = outcome?.kind === 'ramp' ? outcome.ramp.steps : outcome?.kind === 'fanout' || outcome?.kind === 'rooms' ? [outcome.phase] : [];
    const late = run.scenario === 's5' && run.target === 'parley' && run.round === 2;
    for (const phase of phases) phase.generator.sendLagMs.p99 = late ? s5ParleyRound2 : p99;
  }
  return results;
}

const lateNotes = (summary: string): string[] => summary.split('\n').filter((line) => line.includes('send lag had a p99'));

test('a run whose generator sent late is named under its scenario, with the lag', () => {
  const notes = lateNotes(renderSummary(resultsWithLag(1.2, 20.6)));
  assert.deepEqual(notes, ["Note: the generator's own send lag had a p99 over 10 ms in round 2 Parley (20.6 ms); that lateness is inside those latency figures."]);
});

test('no note when every generator kept to its schedule', () => {
  assert.deepEqual(lateNotes(renderSummary(resultsWithLag(1.2, 9.9))), []);
});

const stealWarnings = (summary: string): string[] => summary.split('\n').filter((line) => line.includes('(steal)'));

test('a run during which the VM\'s host took CPU (steal) is named under its scenario', () => {
  const results = resultsWithLag(1.2, 1.2);
  for (const run of results.runs) run.steal = run.scenario === 's2' && run.target === 'raw' && run.round === 1 ? [0.01, 0.48] : [0, 0.01];
  assert.deepEqual(stealWarnings(renderSummary(results)), [
    "Warning: the VM's host took CPU from this machine (steal) during the load phase of round 1 raw node:net (0.48 cores); those figures are suspect.",
  ]);
});

test('no steal warning when the host took nothing, or when older results did not record it', () => {
  const results = resultsWithLag(1.2, 1.2);
  assert.deepEqual(stealWarnings(renderSummary(results)), []);
  for (const run of results.runs) run.steal = [0, 0.02];
  assert.deepEqual(stealWarnings(renderSummary(results)), []);
});

const view = (p99: number) => ({
  ping: { count: 100, p50: 1, p90: 2, p99, p999: p99, max: p99, mean: 1 },
  unansweredPings: 0,
  fanout: { count: 50, p50: 2, p90: 3, p99: 4, p999: 4, max: 4, mean: 2 },
  sendLagMs: { count: 150, p50: 0.1, p90: 0.2, p99: 0.3, p999: 0.3, max: 0.3, mean: 0.1 },
  serverCpu: 0.5,
  windowMs: 12_000,
});

test("S6's fairness figures and its target appear in the summary", () => {
  const results = resultsWithLag(1.2, 1.2);
  results.runs = results.runs.filter((r) => r.scenario !== 's6');
  const base = results.runs.find((r) => r.target === 'parley')!;
  for (const [round, p99] of [[1, 12.5], [2, 61.2]] as const) {
    results.runs.push({
      ...base,
      round,
      scenario: 's6',
      title: 'S6 fairness: a flood',
      outcome: {
        kind: 'flood',
        setup: base.outcome!.setup,
        flood: { frames: 296, answered: 296, refused: 0, floodMs: 4200, flooderClosed: null, baseline: view(3.1), flooded: view(p99) },
      },
    });
  }
  const summary = renderSummary(results);
  const section = summary.slice(summary.indexOf('### S6 fairness'));
  assert.match(section, /\| ping p50 ms \| ping p99 ms \| ping max ms \| baseline ping p99 ms \|/);
  assert.match(section, /\| 1 \| A Parley \| 1\.0 \| 12\.5 \| 12\.5 \| 3\.1 \|/);
  assert.match(section, /\| 2 \| A Parley \| 1\.0 \| 61\.2 \|/);
  assert.match(section, /Target: the bystander's ping p99 < 50 ms while the flood is answered in full .*: \*\*not met\*\*/);
});

test('S7 compares the cluster with one node on PostgreSQL: CPU per delivery of every process, the hop, Redis publishes per message', () => {
  const results = resultsWithLag(1.2, 1.2);
  results.runs = results.runs.filter((r) => r.scenario !== 's7');
  const s1 = results.runs.filter((r) => r.scenario === 's1' && r.target === 'parley' && r.round === 1)[0]!;
  const latency = (p50: number, p99: number) => ({ count: 1000, p50, p90: p99, p99, p999: p99, max: p99, mean: p50 });
  const runOf = (target: 'parley-pg' | 'parley-cluster', serverMicros: number, companions: Array<[string, number]>, split: boolean) => {
    const phase = structuredClone((s1.outcome as { phase: PhaseResult }).phase);
    Object.assign(phase, {
      phaseMessages: 1260,
      nodes: split ? 2 : 1,
      serverCpuMicrosPerDelivery: serverMicros,
      companions: companions.map(([name, micros]) => ({ name, processes: 1, cpuMs: 1, cpu: 0.1, microsPerDelivery: micros })),
      totalCpuMicrosPerDelivery: serverMicros + companions.reduce((t, [, m]) => t + m, 0),
      fanoutByNode: split ? { same: latency(10, 30), cross: latency(12.5, 41) } : null,
    });
    return { ...s1, scenario: 's7' as const, title: 'S7 cluster', target, outcome: { kind: 'fanout' as const, setup: s1.outcome!.setup, phase } };
  };
  results.runs.push(
    runOf('parley-pg', 8, [['PostgreSQL', 1]], false),
    { ...runOf('parley-cluster', 9, [['PostgreSQL', 1], ['Redis', 1.5]], true), redis: [{ publishes: 1260, commands: 1300, byCommand: { publish: 1260 } }] },
  );
  results.skipped = [];
  const summary = renderSummary(results);
  const section = summary.slice(summary.indexOf('### S7 cluster'));
  assert.match(section, /\| 1 \| D Parley on PostgreSQL \| 9\.000 \| 8\.000 \| 1\.000 \| — \|/);
  assert.match(section, /\| 1 \| E Parley cluster \(2 nodes, PostgreSQL, Redis\) \| 11\.500 \| 9\.000 \| 1\.000 \| 1\.500 \|.* \| 10\.0 \| 30\.0 \| 12\.5 \| 41\.0 \| 2\.5 \| 11\.0 \| 1\.00 \| 1\.03 \|/);
  assert.match(section, /Target CPU\/delivery, all processes, E\/D ≤ 1\.25: \*\*not met\*\* \(median 1\.28\)/);
  assert.match(section, /Redis carries at most 2 publishes per message .*: \*\*met\*\*/);
});

test('a target skipped for want of its service is named, with the reason, at the top', () => {
  const results = resultsWithLag(1.2, 1.2);
  results.skipped = [{ target: 'parley-cluster', reason: 'Redis at redis://127.0.0.1:6379 cannot be reached (connect ECONNREFUSED 127.0.0.1:6379)' }];
  const summary = renderSummary(results);
  assert.ok(summary.indexOf('Skipped E Parley cluster (2 nodes, PostgreSQL, Redis): Redis at redis://127.0.0.1:6379 cannot be reached') < summary.indexOf('## Scenarios'));
});
