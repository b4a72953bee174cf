import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { startServerProcess } from './server-process.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a server that does not start in time is killed, not left to keep the test process alive', async () => {
  const failed = await startServerProcess({ timeoutMs: 1 }).then(
    () => assert.fail('started within 1 ms'),
    (error: unknown) => error as Error & { pid?: number },
  );
  assert.match(failed.message, /did not start in time/);
  assert.equal(typeof failed.pid, 'number');
  for (let i = 0; i < 50 && alive(failed.pid!); i++) await delay(20);
  assert.equal(alive(failed.pid!), false);
});
