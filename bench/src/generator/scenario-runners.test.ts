import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startServer } from '../process-launch.js';
import { TARGETS, type TargetName } from '../targets.js';
import type { GeneratorJob, PhaseResult, Scenario } from './job.js';
import { runFanout, runRooms } from './scenario-runners.js';
import { Session } from './session.js';

/** Runs `scenario` against a fresh, unpinned server of `target`, with the generator in this process. */
async function runAgainst(target: TargetName, scenario: Scenario, run: (session: Session) => Promise<{ phase: PhaseResult; setup: { connections: number; closes: Record<string, number> } }>) {
  const env = TARGETS[target].env({});
  const server = await startServer({ script: TARGETS[target].script, env, core: null });
  const job: GeneratorJob = {
    protocol: TARGETS[target].protocol,
    host: '127.0.0.1',
    ports: [server.port],
    serverPids: [server.pid],
    companions: [],
    serverCore: null,
    generatorCore: null,
    scenario,
    connectConcurrency: 16,
    settleTimeoutMs: 10_000,
    drainMs: 5_000,
    bodyChars: 100,
  };
  const session = new Session(job, () => {});
  try {
    return await run(session);
  } finally {
    await session.close();
    await server.stop();
    if (env.DATA_DIR) rmSync(env.DATA_DIR, { recursive: true, force: true });
  }
}

function assertEveryMessageArrived(phase: PhaseResult, members: number, what: string): void {
  assert.ok(phase.messages > 0, what);
  assert.equal(phase.expected, phase.messages * members, what);
  assert.deepEqual([phase.delivered, phase.lost, phase.duplicates, phase.unacked, phase.errorFrames], [phase.expected, 0, 0, 0, 0], what);
  assert.equal(phase.fanout.count, phase.expected, `${what}: every delivery is timed, the senders' own included`);
  assert.equal(phase.ack.count, phase.messages, `${what}: every ack is timed`);
  assert.equal(phase.generator.sendLagMs.count, phase.messages, `${what}: every send's lag is recorded`);
  assert.ok(phase.ack.p50 > 0 && phase.fanout.p50 > 0, `${what}: latencies are measured on one clock across the threads`);
  // A light load on loopback: a second would mean times from the two threads were taken on different clocks.
  const worst = Math.max(phase.fanout.max, phase.ack.max, phase.generator.sendLagMs.max);
  assert.ok(worst < 1_000, `${what}: latencies are not off by a clock offset (worst ${worst} ms)`);
}

test('a fan-out phase sends from the sender thread and counts every delivery and ack exactly once', { timeout: 60_000 }, async () => {
  const scenario = { kind: 'fanout', connections: 24, senders: 3, rate: 150, warmupMs: 200, measureMs: 600 } as const;
  const outcome = await runAgainst('raw', scenario, (session) => runFanout(session, scenario) as never);
  assert.equal(outcome.setup.connections, 24);
  assert.deepEqual(outcome.setup.closes, {});
  assert.equal(outcome.phase.senders, 3);
  assertEveryMessageArrived(outcome.phase, 24, 'raw fan-out');
});

for (const target of ['parley', 'socketio', 'raw'] as const) {
  test(`rooms with senders in the sender thread: every member of each room gets its messages (${target})`, { timeout: 60_000 }, async () => {
    const scenario = { kind: 'rooms', rooms: 3, membersPerRoom: 5, sendersPerRoom: 2, rate: 120, warmupMs: 200, measureMs: 600 } as const;
    const outcome = await runAgainst(target, scenario, (session) => runRooms(session, scenario) as never);
    assert.equal(outcome.setup.connections, 15);
    assert.deepEqual(outcome.setup.closes, {});
    assert.equal(outcome.phase.senders, 6);
    assertEveryMessageArrived(outcome.phase, 5, `${target} rooms`);
  });
}

test('a room needs at least one member that does not send: the creator', async () => {
  const scenario = { kind: 'rooms', rooms: 2, membersPerRoom: 3, sendersPerRoom: 3, rate: 10, warmupMs: 10, measureMs: 10 } as const;
  const session = new Session({ protocol: 'raw', host: '127.0.0.1', ports: [1], serverPids: [0], companions: [], serverCore: null, generatorCore: null, scenario, connectConcurrency: 1, settleTimeoutMs: 10, drainMs: 10, bodyChars: 100 }, () => {});
  await assert.rejects(runRooms(session, scenario), /a room of 3 needs 1 to 2 senders, not 3/);
});
