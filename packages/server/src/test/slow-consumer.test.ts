import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { CLOSE, type AckFrame } from '@parley/protocol';
import { startServerProcess } from '../testing/server-process.js';
import { connectRaw, guest } from '../testing/ws-client.js';

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

test('a reader that stops reading is closed as a slow consumer; others get everything', async () => {
  const server = await startServerProcess({ env: { RATE_LIMITS: 'off', OUTBOUND_QUEUE_LIMIT_BYTES: String(256 * 1024) } });
  try {
    const sender = await connectRaw(server.wsUrl, { token: (await guest(server.url, 'Sender')).token });
    const healthy = await connectRaw(server.wsUrl, { token: (await guest(server.url, 'Healthy')).token });
    const slow = await connectRaw(server.wsUrl, { token: (await guest(server.url, 'Slow')).token });
    // Stop reading from the socket: the kernel buffers fill, then the server's queue.
    (slow.ws as unknown as { _socket: Socket })._socket.pause();
    const rssBefore = rssBytes(server.child.pid!);

    const body = 'x'.repeat(3900);
    // ~12 MB to every member, far past the socket buffers and the 256 KiB limit. Each batch of
    // 100 pipelined sends is stored in a commit or two: ~390 KB queued for every member at once,
    // which by itself must not make a reader that keeps up a slow consumer.
    const count = 3000;
    let last: AckFrame<'send'> | undefined;
    for (let i = 0; i < count; i += 100) {
      const batch = [];
      for (let j = i; j < i + 100; j++) batch.push(sender.request<AckFrame<'send'>>({ type: 'send', id: `flood-${String(j).padStart(6, '0')}`, room: 'lobby', body }, 20_000));
      last = (await Promise.all(batch)).at(-1);
    }
    await healthy.waitFor((f) => f.type === 'event' && f.event.seq === last!.seq, 20_000);
    const delivered = healthy.frames.filter((f) => f.type === 'event' && f.event.kind === 'message').length;
    assert.equal(delivered, count, 'the healthy reader got every message');

    (slow.ws as unknown as { _socket: Socket })._socket.resume();
    // The close frame waits behind the backlog: a reader that resumes in time reads 4002;
    // one still stalled a second later is dropped without it (1006). Either way it was cut off.
    const closed = await slow.closed;
    assert.ok(closed.code === CLOSE.slowConsumer || closed.code === CLOSE.abnormal, `closed with ${closed.code}`);
    const metrics = await (await fetch(`${server.url}/api/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    assert.match(metrics, /parley_slow_consumers_total 1/);
    // The slow reader's backlog was dropped, not kept: the server did not grow by the ~12 MB it was owed.
    const growth = rssBytes(server.child.pid!) - rssBefore;
    assert.ok(growth < 64 * 1024 * 1024, `server grew by ${Math.round(growth / 1024 / 1024)} MiB`);
    sender.close();
    healthy.close();
  } finally {
    await server.stop();
  }
});
