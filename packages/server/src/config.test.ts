import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './config.js';

test('FLUSH_MAX_PAUSE_MS: 10 ms by default, 0 turns the pause off, values outside 0–100 are refused by name', () => {
  assert.equal(loadConfig({}).flushMaxPauseMs, 10);
  assert.equal(loadConfig({ FLUSH_MAX_PAUSE_MS: '0' }).flushMaxPauseMs, 0);
  assert.equal(loadConfig({ FLUSH_MAX_PAUSE_MS: '100' }).flushMaxPauseMs, 100);
  for (const bad of ['101', '-1', '2.5', 'soon']) {
    assert.throws(() => loadConfig({ FLUSH_MAX_PAUSE_MS: bad }), (error: unknown) => error instanceof ConfigError && /FLUSH_MAX_PAUSE_MS/.test(error.message), bad);
  }
});

test('SQLITE_COMMIT_INTERVAL_MS: 5 ms by default, 0 commits at the end of every turn, values outside 0–100 are refused by name', () => {
  assert.equal(loadConfig({}).sqliteCommitIntervalMs, 5);
  assert.equal(loadConfig({ SQLITE_COMMIT_INTERVAL_MS: '0' }).sqliteCommitIntervalMs, 0);
  for (const bad of ['-1', '101', '2.5', 'soon']) {
    assert.throws(() => loadConfig({ SQLITE_COMMIT_INTERVAL_MS: bad }), (error: unknown) => error instanceof ConfigError && /SQLITE_COMMIT_INTERVAL_MS/.test(error.message), bad);
  }
});

test('SQLITE_WRITER: auto commits on a writer thread with two or more cores and inline with one; thread and inline are taken as given', () => {
  assert.equal(loadConfig({}, 1).sqliteWriter, 'inline');
  assert.equal(loadConfig({}, 2).sqliteWriter, 'thread');
  assert.equal(loadConfig({ SQLITE_WRITER: 'auto' }, 8).sqliteWriter, 'thread');
  assert.equal(loadConfig({ SQLITE_WRITER: 'thread' }, 1).sqliteWriter, 'thread');
  assert.equal(loadConfig({ SQLITE_WRITER: 'inline' }, 8).sqliteWriter, 'inline');
  assert.throws(() => loadConfig({ SQLITE_WRITER: 'worker' }), (error: unknown) => error instanceof ConfigError && /SQLITE_WRITER/.test(error.message));
});

test('METRICS_TOKEN: unset by default; shorter than 16 characters is refused by name', () => {
  assert.equal(loadConfig({}).metricsToken, null);
  assert.equal(loadConfig({ METRICS_TOKEN: 'sixteen-chars-ok' }).metricsToken, 'sixteen-chars-ok');
  assert.throws(() => loadConfig({ METRICS_TOKEN: 'too-short' }), (error: unknown) => error instanceof ConfigError && /METRICS_TOKEN/.test(error.message));
});

test('HTTP deadlines: 10 s for the head, 30 s for the request, 5 s kept alive, 10 s idle; a head deadline past the request deadline is refused by name', () => {
  assert.deepEqual(loadConfig({}).http, { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, idleTimeoutMs: 10_000 });
  assert.equal(loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '30000' }).http.headersTimeoutMs, 30_000);
  assert.throws(
    () => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '40000' }),
    (error: unknown) => error instanceof ConfigError && /HTTP_HEADERS_TIMEOUT_MS.*HTTP_REQUEST_TIMEOUT_MS/.test(error.message),
  );
  for (const name of ['HTTP_HEADERS_TIMEOUT_MS', 'HTTP_REQUEST_TIMEOUT_MS', 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 'HTTP_IDLE_TIMEOUT_MS']) {
    assert.throws(() => loadConfig({ [name]: '0' }), (error: unknown) => error instanceof ConfigError && error.message.includes(name), name);
  }
});

test('MAX_CONNECTIONS_PER_ADDRESS: 256 by default, 0 for no cap; TRUST_PROXY off by default', () => {
  assert.equal(loadConfig({}).maxConnectionsPerAddress, 256);
  assert.equal(loadConfig({ MAX_CONNECTIONS_PER_ADDRESS: '0' }).maxConnectionsPerAddress, 0);
  assert.throws(() => loadConfig({ MAX_CONNECTIONS_PER_ADDRESS: '-1' }), (error: unknown) => error instanceof ConfigError && /MAX_CONNECTIONS_PER_ADDRESS/.test(error.message));
  assert.equal(loadConfig({}).trustProxy, false);
  assert.equal(loadConfig({ TRUST_PROXY: 'on' }).trustProxy, true);
});

test('FILES_STORAGE: disk by default, postgres by default in a cluster (every node serves every file); disk in a cluster needs a shared FILES_DIR', () => {
  const base = { DATA_DIR: '/tmp/parley-config-test' };
  assert.equal(loadConfig(base).files.storage.kind, 'disk');
  const cluster = { ...base, DATABASE_URL: 'postgres://db/parley', REDIS_URL: 'redis://redis:6379' };
  assert.equal(loadConfig(cluster).files.storage.kind, 'postgres');
  assert.throws(() => loadConfig({ ...cluster, FILES_STORAGE: 'disk' }), /FILES_DIR/);
  assert.equal(loadConfig({ ...cluster, FILES_STORAGE: 'disk', FILES_DIR: '/mnt/shared/files' }).files.storage.kind, 'disk');
  assert.throws(() => loadConfig({ ...base, FILES_STORAGE: 'postgres' }), /DATABASE_URL/);
});

test('the cluster link: none by default, Redis with REDIS_URL, PostgreSQL with CLUSTER=postgres; each needs DATABASE_URL, and the two exclude each other', () => {
  const db = { DATABASE_URL: 'postgres://db/parley' };
  assert.equal(loadConfig({}).cluster, null);
  assert.equal(loadConfig(db).cluster, null);
  assert.deepEqual(loadConfig({ ...db, REDIS_URL: 'redis://redis:6379' }).cluster, { kind: 'redis', url: 'redis://redis:6379', prefix: 'parley:' });
  assert.deepEqual(loadConfig({ ...db, CLUSTER: 'postgres' }).cluster, { kind: 'postgres', url: 'postgres://db/parley' });
  assert.equal(loadConfig({ ...db, CLUSTER: 'postgres' }).files.storage.kind, 'postgres');
  assert.throws(() => loadConfig({ CLUSTER: 'postgres' }), (error: unknown) => error instanceof ConfigError && /DATABASE_URL/.test(error.message));
  assert.throws(() => loadConfig({ REDIS_URL: 'redis://redis:6379' }), (error: unknown) => error instanceof ConfigError && /DATABASE_URL/.test(error.message));
  assert.throws(() => loadConfig({ ...db, CLUSTER: 'postgres', REDIS_URL: 'redis://redis:6379' }), (error: unknown) => error instanceof ConfigError && /REDIS_URL/.test(error.message));
  assert.throws(() => loadConfig({ ...db, CLUSTER: 'redis' }), (error: unknown) => error instanceof ConfigError && /CLUSTER/.test(error.message));
});

test('ADMIN_USERS: none by default; usernames, trimmed and lowercased; anything else is refused by name', () => {
  assert.deepEqual(loadConfig({}).admins, []);
  assert.deepEqual(loadConfig({ ADMIN_USERS: ' Ann , bob.ops,' }).admins, ['ann', 'bob.ops']);
  for (const bad of ['a', 'ann smith', '-ann', 'ann,b@d']) {
    assert.throws(() => loadConfig({ ADMIN_USERS: bad }), (error: unknown) => error instanceof ConfigError && /ADMIN_USERS/.test(error.message), bad);
  }
});

test('webhooks and link previews: no private address allowed and previews off by default; the allow-list takes addresses and CIDR blocks, anything else is refused by name', () => {
  const defaults = loadConfig({});
  assert.deepEqual(defaults.outbound.allowed, []);
  assert.equal(defaults.linkPreviews.enabled, false);
  assert.deepEqual(defaults.webhooks, { timeoutMs: 10_000, retryBaseMs: 10_000, retryMaxMs: 3_600_000, retryForMs: 25 * 3_600_000, pollMs: 1000 });
  const allowed = loadConfig({ OUTBOUND_ALLOWED_ADDRESSES: ' 127.0.0.1, 10.20.0.0/16 ,fd00::/8', LINK_PREVIEWS: 'on' });
  assert.deepEqual(allowed.outbound.allowed.map(([address, bits]) => `${address.toString()}/${bits}`), ['127.0.0.1/32', '10.20.0.0/16', 'fd00::/8']);
  assert.equal(allowed.linkPreviews.enabled, true);
  for (const bad of ['localhost', '10.0.0.0/40', '10.0.0.1,,nope']) {
    assert.throws(() => loadConfig({ OUTBOUND_ALLOWED_ADDRESSES: bad }), (error: unknown) => error instanceof ConfigError && /OUTBOUND_ALLOWED_ADDRESSES/.test(error.message), bad);
  }
  assert.throws(() => loadConfig({ WEBHOOK_RETRY_HOURS: '0' }), (error: unknown) => error instanceof ConfigError && /WEBHOOK_RETRY_HOURS/.test(error.message));
});
