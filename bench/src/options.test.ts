import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOptions } from './options.js';

const DEFAULT = { server: 1, generator: 0, reason: 'core 1 takes the device interrupts' };

test('without core flags, the cores chosen by the machine are used', () => {
  const options = parseOptions([], DEFAULT);
  assert.deepEqual([options.serverCore, options.generatorCore, options.coresChosenBy], [1, 0, DEFAULT.reason]);
});

test('one core flag that takes the other role’s default core moves that role to the free core', () => {
  const server = parseOptions(['--server-core', '0'], DEFAULT);
  assert.deepEqual([server.serverCore, server.generatorCore], [0, 1]);
  assert.match(server.coresChosenBy, /--server-core flag/);
  const generator = parseOptions(['--generator-core', '1'], DEFAULT);
  assert.deepEqual([generator.serverCore, generator.generatorCore], [0, 1]);
});

test('one core flag that does not collide leaves the other role its default', () => {
  const options = parseOptions(['--generator-core', '3'], DEFAULT);
  assert.deepEqual([options.serverCore, options.generatorCore], [1, 3]);
});

test('both flags are taken as given; the same core for both, or a bad number, is refused', () => {
  const options = parseOptions(['--server-core', '0', '--generator-core', '1'], DEFAULT);
  assert.deepEqual([options.serverCore, options.generatorCore], [0, 1]);
  assert.match(options.coresChosenBy, /--server-core and --generator-core flags/);
  assert.throws(() => parseOptions(['--server-core', '1', '--generator-core', '1'], DEFAULT), /different cores/);
  for (const bad of ['-1', '1.5', 'one', '']) assert.throws(() => parseOptions(['--server-core', bad], DEFAULT), /core number/, bad);
});

test('every target is selected by default, D and E with the machine’s PostgreSQL and Redis', () => {
  const options = parseOptions([], DEFAULT);
  assert.deepEqual(options.targets, ['parley', 'parley-pg', 'parley-cluster', 'socketio', 'raw']);
  assert.equal(options.postgresUrl, 'postgres://postgres@127.0.0.1:5432/postgres');
  assert.equal(options.redisUrl, 'redis://127.0.0.1:6379');
  assert.ok(options.scenarios.includes('s7'));
});

test('--targets picks targets in the run order whatever the order given; --postgres and --redis take URLs', () => {
  const options = parseOptions(['--targets', 'parley-pg,parley', '--postgres', 'postgres://admin@db.local:5433/postgres', '--redis', 'redis://cache.local:6380'], DEFAULT);
  assert.deepEqual(options.targets, ['parley', 'parley-pg']);
  assert.equal(options.postgresUrl, 'postgres://admin@db.local:5433/postgres');
  assert.equal(options.redisUrl, 'redis://cache.local:6380');
  assert.throws(() => parseOptions(['--targets', 'parley,mysql'], DEFAULT), /unknown target "mysql"/);
  assert.throws(() => parseOptions(['--postgres', 'mysql://x/y'], DEFAULT), /--postgres needs a URL like postgres:\/\//);
  assert.throws(() => parseOptions(['--postgres'], DEFAULT), /--postgres needs a URL/);
  assert.throws(() => parseOptions(['--redis', '127.0.0.1:6379'], DEFAULT), /--redis needs a URL like redis:\/\//);
});
