import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { isBackendOf, isPostgresAuxiliary, matchingPids } from './proc-stats.js';
import { createRunDatabase, databaseUrl, parseCommandStats, redisCommandStats, runDatabaseName } from './services.js';
import { skipWithout, TEST_POSTGRES_URL, TEST_REDIS_URL } from './service-skip.js';

test("a run's database URL is the administrator's with the database replaced", () => {
  assert.equal(databaseUrl('postgres://postgres@127.0.0.1:5432/postgres', 'parley_bench_1_2'), 'postgres://postgres@127.0.0.1:5432/parley_bench_1_2');
  assert.equal(databaseUrl('postgresql://u:p@db.example:6543/admin?sslmode=disable', 'x'), 'postgresql://u:p@db.example:6543/x?sslmode=disable');
  assert.equal(runDatabaseName(42, 3), 'parley_bench_42_3');
});

test("a backend is known by its process title's database; PostgreSQL's own processes are not backends", () => {
  const backend = 'postgres: 15/main: postgres parley_bench_7_1 127.0.0.1(49932) idle\0\0';
  assert.equal(isBackendOf(backend, 'parley_bench_7_1'), true);
  assert.equal(isBackendOf('postgres: postgres parley_bench_7_1 127.0.0.1(1) INSERT', 'parley_bench_7_1'), true, 'no cluster name');
  assert.equal(isBackendOf(backend, 'parley_bench_7'), false, 'another database');
  assert.equal(isBackendOf('postgres: 15/main: walwriter ', 'parley_bench_7_1'), false);
  assert.equal(isBackendOf('node bench/dist/run.js parley_bench_7_1', 'parley_bench_7_1'), false);
  assert.equal(isPostgresAuxiliary('postgres: 15/main: walwriter '), true);
  assert.equal(isPostgresAuxiliary('postgres: checkpointer '), true);
  assert.equal(isPostgresAuxiliary(backend), false);
});

test("Redis's command counters are read per command from INFO commandstats", () => {
  const info = '# Commandstats\r\ncmdstat_publish:calls=120,usec=300,usec_per_call=2.50,rejected_calls=0,failed_calls=0\r\ncmdstat_info:calls=3,usec=1\r\n';
  assert.deepEqual(parseCommandStats(info), { publish: 120, info: 3 });
});

test("a run's database is made empty, its backends are found in /proc, and it is gone after drop", { skip: await skipWithout({ postgres: true }) }, async () => {
  const database = await createRunDatabase(TEST_POSTGRES_URL);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    assert.deepEqual(matchingPids({ postgresDatabase: database.name }), [rows[0]!.pid]);
  } finally {
    await client.end();
  }
  await database.drop();
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database.name]);
    assert.equal(rowCount, 0);
  } finally {
    await admin.end();
  }
});

test("Redis's counters are readable and count publishes", { skip: await skipWithout({ redis: true }) }, async () => {
  const before = await redisCommandStats(TEST_REDIS_URL);
  const { Redis } = await import('ioredis');
  const redis = new Redis(TEST_REDIS_URL);
  await redis.publish(`parley-bench-test:${process.pid}`, 'x');
  await redis.publish(`parley-bench-test:${process.pid}`, 'y');
  redis.disconnect();
  const after = await redisCommandStats(TEST_REDIS_URL);
  // Other clients of this Redis may publish meanwhile: at least ours.
  assert.ok((after.publish ?? 0) - (before.publish ?? 0) >= 2);
  assert.ok(matchingPids({ command: 'redis-server' }).length >= 1, 'redis-server runs on this machine (it is the one at 127.0.0.1)');
});
