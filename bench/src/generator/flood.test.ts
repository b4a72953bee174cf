import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startServer } from '../process-launch.js';
import { TARGETS } from '../targets.js';
import { runFlood } from './flood.js';
import type { FloodScenario, GeneratorJob } from './job.js';

test('the flood scenario answers every flooded request and times the bystander’s pings and the other client’s posts in both windows', { timeout: 120_000 }, async () => {
  const env = TARGETS.parley.env({});
  const server = await startServer({ script: TARGETS.parley.script, env, core: null });
  const scenario: FloodScenario = {
    kind: 'flood',
    seedMessages: 120,
    seedChars: 2000,
    historyFrames: 12,
    resumeFrames: 2,
    resumeRooms: 50,
    listFrames: 2,
    pingIntervalMs: 10,
    sendIntervalMs: 20,
    baselineMs: 300,
    floodTimeoutMs: 30_000,
  };
  const job: GeneratorJob = {
    protocol: 'parley',
    host: '127.0.0.1',
    ports: [server.port],
    serverPids: [server.pid],
    companions: [],
    serverCore: null,
    generatorCore: null,
    scenario,
    connectConcurrency: 4,
    settleTimeoutMs: 10_000,
    drainMs: 1000,
    bodyChars: 100,
  };
  const windows: string[] = [];
  try {
    const outcome = await runFlood(job, scenario, (edge) => windows.push(edge));
    assert.equal(outcome.kind, 'flood');
    if (outcome.kind !== 'flood') return;
    const { flood } = outcome;
    assert.deepEqual(windows, ['start', 'end']);
    assert.equal(flood.frames, 12 + 2 + 2 * 2);
    assert.equal(flood.answered, flood.frames);
    assert.equal(flood.refused, 0);
    assert.equal(flood.flooderClosed, null);
    assert.deepEqual(outcome.setup.closes, {});
    assert.equal(outcome.setup.framesDuringSetup, 120, 'every seed message acked');
    for (const view of [flood.baseline, flood.flooded]) {
      assert.ok(view.ping.count > 0 && view.fanout.count > 0, JSON.stringify(view));
      assert.ok(view.serverCpu > 0);
    }
  } finally {
    await server.stop();
    if (env.DATA_DIR) rmSync(env.DATA_DIR, { recursive: true, force: true });
  }
});
