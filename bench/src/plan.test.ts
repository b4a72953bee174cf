import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOptions } from './options.js';
import { planScenarios } from './plan.js';

const CORES = { server: 1, generator: 0, reason: 'test' };
const targetsOf = (argv: string[]) => Object.fromEntries(planScenarios(parseOptions(argv, CORES)).map((p) => [p.id, p.targets]));

test('by default S5 runs Parley on PostgreSQL right after Parley, and S7 the cluster against one node on PostgreSQL', () => {
  assert.deepEqual(targetsOf([]), {
    s1: ['parley', 'socketio', 'raw'],
    s2: ['parley', 'socketio', 'raw'],
    s3: ['parley', 'socketio', 'raw'],
    s4: ['parley', 'socketio', 'raw'],
    s5: ['parley', 'parley-pg', 'socketio', 'raw'],
    s6: ['parley'],
    s7: ['parley-pg', 'parley-cluster'],
  });
});

test('--targets parley,parley-pg keeps each scenario to the selected targets it runs against', () => {
  assert.deepEqual(targetsOf(['--targets', 'parley,parley-pg']), {
    s1: ['parley'],
    s2: ['parley'],
    s3: ['parley'],
    s4: ['parley'],
    s5: ['parley', 'parley-pg'],
    s6: ['parley'],
    s7: ['parley-pg'],
  });
});

test('a scenario none of whose targets is selected is left out', () => {
  assert.deepEqual(targetsOf(['--targets', 'parley-cluster', '--scenarios', 's1,s5,s7']), { s7: ['parley-cluster'] });
  assert.deepEqual(targetsOf(['--targets', 'raw', '--scenarios', 's6,s7']), {});
});

test('S7 is a fan-out of S1’s size; --quick and --scale shrink it like the others', () => {
  const [full] = planScenarios(parseOptions(['--scenarios', 's7'], CORES));
  assert.deepEqual(full!.scenario, { kind: 'fanout', connections: 1000, senders: 10, rate: 90, warmupMs: 2000, measureMs: 12_000 });
  const [quick] = planScenarios(parseOptions(['--scenarios', 's7', '--quick'], CORES));
  assert.equal(quick!.scenario.kind === 'fanout' && quick!.scenario.connections, 200);
});
