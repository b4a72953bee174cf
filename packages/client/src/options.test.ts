import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { resolveOptions } from './options.js';
import type { ParleyClientOptions } from './types.js';

test('malformed credentials are refused at once with a TypeError, not a silent hang', () => {
  const base = { url: 'http://localhost:8000', WebSocket } as const;
  assert.throws(() => resolveOptions({ ...base, credentials: { guest: 'Bob' } } as unknown as ParleyClientOptions), TypeError);
  assert.throws(() => resolveOptions({ ...base } as unknown as ParleyClientOptions), TypeError);
  assert.doesNotThrow(() => resolveOptions({ ...base, credentials: { kind: 'guest', name: 'Bob' } } as ParleyClientOptions));
});

test('a url that is not http(s) is refused', () => {
  assert.throws(() => resolveOptions({ url: 'ws://localhost:8000', WebSocket, credentials: { kind: 'guest', name: 'B' } } as ParleyClientOptions), TypeError);
});

test('the transport is auto unless one is named; an unknown one is refused', () => {
  const base = { url: 'http://localhost:8000', WebSocket, credentials: { kind: 'guest', name: 'B' } } as const;
  assert.equal(resolveOptions(base).transport, 'auto');
  assert.equal(resolveOptions({ ...base, transport: 'http' }).transport, 'http');
  assert.throws(() => resolveOptions({ ...base, transport: 'carrier-pigeon' } as unknown as ParleyClientOptions), TypeError);
});
