import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './config.js';

test('FLUSH_MAX_PAUSE_MS: 5 ms by default, 0 turns the pause off, values outside 0–100 are refused by name', () => {
  assert.equal(loadConfig({}).flushMaxPauseMs, 5);
  assert.equal(loadConfig({ FLUSH_MAX_PAUSE_MS: '0' }).flushMaxPauseMs, 0);
  assert.equal(loadConfig({ FLUSH_MAX_PAUSE_MS: '100' }).flushMaxPauseMs, 100);
  for (const bad of ['101', '-1', '2.5', 'soon']) {
    assert.throws(() => loadConfig({ FLUSH_MAX_PAUSE_MS: bad }), (error: unknown) => error instanceof ConfigError && /FLUSH_MAX_PAUSE_MS/.test(error.message), bad);
  }
});
