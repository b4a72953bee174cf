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

test('a replay larger than the queue limit may drain, and one resume replays a bounded amount', async () => {
  const server = await startServerProcess({ env: { RATE_LIMITS: 'off', OUTBOUND_QUEUE_LIMIT_BYTES: String(1024 * 1024) } });
  try {
    const sender = await connectRaw(server.wsUrl, { token: (await guest(server.url, 'Sender')).token });
    const readerToken = (await guest(server.url, 'Reader')).token;
    const first = await connectRaw(server.wsUrl, { token: readerToken });
    const big = (await sender.request<AckFrame<'create'>>({ type: 'create', name: 'big', kind: 'public' })).room.id;
    const small = (await sender.request<AckFrame<'create'>>({ type: 'create', name: 'small', kind: 'public' })).room.id;
    const bigFrom = (await first.request<AckFrame<'join'>>({ type: 'join', room: big })).seq;
    const smallFrom = (await first.request<AckFrame<'join'>>({ type: 'join', room: small })).seq;
    first.close();

    // 1,000 messages of 8 KB: an 8 MB replay, past the 1 MiB limit and the sockets' buffers.
    const body = 'é'.repeat(4000);
    for (let i = 0; i < 1000; i += 100) {
      const batch = [];
      for (let j = i; j < i + 100; j++) batch.push(sender.request({ type: 'send', id: `big-${String(j).padStart(6, '0')}`, room: big, body }, 20_000));
      await Promise.all(batch);
    }
    await sender.request({ type: 'send', id: 'small-000001', room: small, body: 'missed too' });

    const reader = await connectRaw(server.wsUrl, { token: readerToken });
    const socket = (reader.ws as unknown as { _socket: Socket })._socket;
    socket.pause();
    reader.send({ type: 'resume', ref: 'catch-up', rooms: [{ room: big, after: bigFrom }, { room: small, after: smallFrom }] });
    await new Promise((resolve) => setTimeout(resolve, 500));
    // A live message while most of the replay is still queued: its flush finds the backlog over the limit.
    const live = await sender.request<AckFrame<'send'>>({ type: 'send', id: 'big-live-0001', room: big, body: 'live' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.resume();

    const ack = await reader.waitFor<AckFrame<'resume'>>((f) => f.type === 'ack' && f.ref === 'catch-up', 20_000);
    assert.deepEqual(ack.rooms.map((r) => [r.room, r.status]), [[big, 'ok'], [small, 'too_far_behind']]);
    await reader.waitFor((f) => f.type === 'event' && f.event.seq === live.seq && f.event.room === big, 10_000);
    const replayed = reader.frames.filter((f) => f.type === 'event' && f.event.room === big && f.event.kind === 'message').length;
    assert.equal(replayed, 1001);
    const closed = await Promise.race([reader.closed, new Promise((resolve) => setTimeout(() => resolve(null), 500))]);
    assert.equal(closed, null, 'the reader was not cut off');
    reader.close();
    sender.close();
  } finally {
    await server.stop();
  }
});
