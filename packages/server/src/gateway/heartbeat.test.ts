import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { Heartbeat } from './heartbeat.js';

/** Just what Heartbeat uses of a ws WebSocket: ping, the pong event, close and terminate. */
class FakeSocket extends EventEmitter {
  pings: number[] = [];
  terminated = false;
  answers = true;
  ping(): void {
    this.pings.push(Date.now());
    if (this.answers) setImmediate(() => this.emit('pong'));
  }
  close(): void {}
  terminate(): void {
    this.terminated = true;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('pings are spread over the interval, each socket pinged once per interval; a silent socket is terminated', async () => {
  const sockets = Array.from({ length: 40 }, () => new FakeSocket());
  let timeouts = 0;
  const heartbeat = new Heartbeat({ intervalMs: 400, timeoutMs: 150 }, () => timeouts++);
  try {
    for (const socket of sockets) heartbeat.track(socket as unknown as WebSocket);
    const silent = sockets[0]!; // in the first slice: pinged at the first tick
    silent.answers = false;
    await sleep(90); // about two ticks of 40 ms
    const early = sockets.filter((s) => s.pings.length > 0).length;
    assert.ok(early > 0 && early <= 12, `${early} of 40 pinged in the first 90 ms: not all at once`);
    await sleep(600);
    for (const [i, socket] of sockets.entries()) {
      if (socket === silent) continue;
      assert.ok(socket.pings.length >= 1 && socket.pings.length <= 2, `socket ${i} pinged ${socket.pings.length} times in ~690 ms`);
    }
    assert.equal(silent.terminated, true);
    assert.equal(timeouts, 1);
    assert.equal(sockets.filter((s) => s.terminated).length, 1, 'only the silent socket is terminated');
  } finally {
    heartbeat.stop();
  }
});
