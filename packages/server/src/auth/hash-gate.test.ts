import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { HashGate } from './hash-gate.js';

test('at most `concurrency` run at once, the next in arrival order; past `maxWaiting` waiting, callers are refused as unavailable', async () => {
  const gate = new HashGate({ concurrency: 2, maxWaiting: 3 });
  let running = 0;
  let most = 0;
  const order: number[] = [];
  const task = (i: number) => async () => {
    running++;
    most = Math.max(most, running);
    await delay(20);
    order.push(i);
    running--;
    return i;
  };
  const results = await Promise.allSettled(Array.from({ length: 7 }, (_, i) => gate.run(task(i))));
  assert.equal(most, 2);
  assert.deepEqual(results.slice(0, 5).map((r) => r.status === 'fulfilled' && r.value), [0, 1, 2, 3, 4]);
  assert.deepEqual(order, [0, 1, 2, 3, 4]);
  for (const refused of results.slice(5)) {
    assert.equal(refused.status, 'rejected');
    assert.equal((refused as PromiseRejectedResult).reason.code, 'unavailable');
  }
  // A failing task frees its place too.
  await assert.rejects(gate.run(() => Promise.reject(new Error('argon2 failed'))), /argon2 failed/);
  assert.equal(await gate.run(task(9)), 9);
});
