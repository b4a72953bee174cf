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
