import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Scenario } from './generator/job.js';
import { parseOptions } from './options.js';
import { runOne } from './run-one.js';
import { skipWithout, TEST_POSTGRES_URL, TEST_REDIS_URL } from './service-skip.js';
import { TARGETS, type TargetName } from './targets.js';

const CORES = { server: 1, generator: 0, reason: 'test' };

async function run(target: TargetName, scenario: Scenario) {
  const options = parseOptions(['--no-pin', '--postgres', TEST_POSTGRES_URL, '--redis', TEST_REDIS_URL], CORES);
  const profileDir = mkdtempSync(join(tmpdir(), 'parley-bench-test-'));
  try {
    return await runOne(1, { id: 's7', title: 'test', scenario, timeoutMs: 120_000, targets: [target] }, TARGETS[target], options, profileDir);
  } finally {
    rmSync(profileDir, { recursive: true, force: true });
  }
}

/** Databases this process made that still exist. */
async function leftDatabases(): Promise<string[]> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`parley_bench_${process.pid}_%`]);
    return rows.map((r) => r.datname);
  } finally {
    await admin.end();
  }
}

test('the cluster target spreads the clients over two nodes, counts both nodes, the run’s PostgreSQL backends and Redis, splits same-node from cross-node deliveries, and cleans up', { timeout: 180_000, skip: await skipWithout({ postgres: true, redis: true }) }, async () => {
  const record = await run('parley-cluster', { kind: 'fanout', connections: 20, senders: 4, rate: 40, warmupMs: 300, measureMs: 1000 });
  assert.equal(record.ok, true, record.error);
  assert.equal(record.outcome?.kind, 'fanout');
  const phase = record.outcome!.kind === 'fanout' ? record.outcome!.phase : assert.fail('not a fan-out');
  assert.deepEqual([phase.nodes, phase.lost, phase.duplicates, phase.unacked], [2, 0, 0, 0]);
  const split = phase.fanoutByNode!;
  // Ten users on each node: of each message's 20 deliveries, 10 are on the sender's node.
  assert.deepEqual([split.same.count, split.cross.count], [phase.expected / 2, phase.expected / 2]);
  assert.deepEqual(phase.companions?.map((c) => c.name), ['PostgreSQL', 'Redis']);
  const [postgres, redis] = phase.companions!;
  assert.ok(postgres!.processes >= 2, `both nodes' backends were found (${postgres!.processes})`);
  assert.equal(redis!.processes, 1);
  assert.ok(phase.totalCpuMicrosPerDelivery! >= phase.serverCpuMicrosPerDelivery);
  // Every message was published at least once (other clients of this Redis may publish too). The counters are read as
  // the phase starts, over IPC and a round trip to Redis: the warm-up's first messages may slip past; the measured ones cannot.
  assert.ok(record.redis![0]!.publishes >= phase.messages, `${record.redis![0]!.publishes} publishes for ${phase.messages} measured messages`);
  assert.deepEqual(await leftDatabases(), []);
  const redisClient = new Redis(TEST_REDIS_URL);
  try {
    assert.deepEqual(await redisClient.keys(`parley-bench:${process.pid}:*`), [], 'the run’s Redis keys are gone');
  } finally {
    redisClient.disconnect();
  }
});

test('Parley on PostgreSQL stores and acks every send of a rooms phase, with its backends’ CPU beside its own, on a database dropped afterwards', { timeout: 180_000, skip: await skipWithout({ postgres: true }) }, async () => {
  const record = await run('parley-pg', { kind: 'rooms', rooms: 2, membersPerRoom: 5, sendersPerRoom: 2, rate: 60, warmupMs: 300, measureMs: 1000 });
  assert.equal(record.ok, true, record.error);
  const phase = record.outcome!.kind === 'rooms' ? record.outcome!.phase : assert.fail('not a rooms phase');
  assert.deepEqual([phase.nodes, phase.lost, phase.unacked, phase.fanoutByNode], [1, 0, 0, null]);
  assert.deepEqual(phase.companions?.map((c) => c.name), ['PostgreSQL']);
  assert.ok(phase.companions![0]!.processes >= 1);
  assert.ok(phase.companions![0]!.cpuMs > 0, 'storing every send costs PostgreSQL some CPU');
  assert.equal(record.redis, undefined);
  assert.deepEqual(await leftDatabases(), []);
});
