import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../targets.js';
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
