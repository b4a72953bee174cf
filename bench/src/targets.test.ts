import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startScriptOptions, TARGETS } from './targets.js';

test('Parley runs with the Node.js options of `npm start`', () => {
  assert.deepEqual(startScriptOptions('node packages/server/dist/main.js', 'packages/server/dist/main.js'), []);
  assert.deepEqual(startScriptOptions('node --v8-pool-size=0 --max-semi-space-size=8 x.js', 'x.js'), ['--v8-pool-size=0', '--max-semi-space-size=8']);
  // The repository's own start script parses, and its options reach the benchmark's Parley.
  assert.ok(TARGETS.parley.nodeArgs.every((option) => option.startsWith('--')));
  assert.deepEqual([TARGETS.socketio.nodeArgs, TARGETS.raw.nodeArgs], [[], []]);
});

test('a start script of another form is refused, not guessed at', () => {
  for (const command of ['tsx packages/server/src/main.ts', 'node other.js', 'node x.js --port 1', 'NODE_ENV=production node x.js', 'node -r dotenv/config x.js']) {
    assert.throws(() => startScriptOptions(command, 'x.js'), /is not "node \[--options\] x\.js"/, command);
  }
});

test('D runs one node on the run’s database; E two nodes on it, linked by Redis under the run’s prefix', () => {
  const services = { databaseUrl: 'postgres://postgres@127.0.0.1:5432/parley_bench_1_1', redisUrl: 'redis://127.0.0.1:6379', redisPrefix: 'parley-bench:1:2:' };
  const d = TARGETS['parley-pg'].env(services);
  assert.equal(d.DATABASE_URL, services.databaseUrl);
  assert.equal(d.REDIS_URL, undefined);
  const e = TARGETS['parley-cluster'].env(services);
  assert.deepEqual([e.DATABASE_URL, e.REDIS_URL, e.REDIS_PREFIX], [services.databaseUrl, services.redisUrl, services.redisPrefix]);
  assert.deepEqual([TARGETS.parley.nodes, TARGETS['parley-pg'].nodes, TARGETS['parley-cluster'].nodes], [1, 1, 2]);
  assert.deepEqual(TARGETS['parley-cluster'].needs, { postgres: true, redis: true });
  // Parley A stays on SQLite, whatever services a run has.
  const a = TARGETS.parley.env(services);
  assert.equal(a.DATABASE_URL, undefined);
  assert.throws(() => TARGETS['parley-pg'].env({}), /parley-pg needs a database/);
  assert.throws(() => TARGETS['parley-cluster'].env({ databaseUrl: services.databaseUrl }), /parley-cluster needs Redis/);
  for (const env of [a, d, e]) rmSync(env.DATA_DIR!, { recursive: true, force: true });
});
