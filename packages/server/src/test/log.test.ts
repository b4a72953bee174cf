import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AckFrame, EventFrame, MessageEvent, RoomEvent } from '@parley/protocol';
import { useGuestServer } from '../testing/guest-server.js';
import type { RawClient } from '../testing/ws-client.js';

describe('the room log: order, history and resume', () => {
  const { enter, connect } = useGuestServer({ RATE_LIMITS: 'off', REPLAY_LIMIT: '50' });

  test('concurrent senders: every client sees the same gapless order', async () => {
    const senders = await Promise.all(['S1', 'S2', 'S3', 'S4'].map(enter));
    const watchers = await Promise.all(['W1', 'W2'].map(enter));
    const { room } = await senders[0]!.client.request<AckFrame<'create'>>({ type: 'create', name: 'Race', kind: 'public' });
    for (const s of [...senders.slice(1), ...watchers]) await s.client.request({ type: 'join', room: room.id });
    const startSeq = (await watchers[0]!.client.request<AckFrame<'history'>>({ type: 'history', room: room.id })).latestSeq;
    const perSender = 25;
    await Promise.all(
      senders.map((s, i) =>
        Promise.all(Array.from({ length: perSender }, (_, n) => s.client.request({ type: 'send', id: `race-${i}-${String(n).padStart(4, '0')}`, room: room.id, body: `${i}:${n}` }))),
      ),
    );
    const total = senders.length * perSender;
    const seen = (c: RawClient) =>
      c.frames.filter((f): f is EventFrame => f.type === 'event' && f.event.room === room.id && f.event.seq > startSeq).map((f) => `${f.event.seq}:${(f.event as MessageEvent).body}`);
    for (const w of watchers) await w.client.waitFor((f) => f.type === 'event' && f.event.room === room.id && f.event.seq === startSeq + total);
    const a = seen(watchers[0]!.client);
    const b = seen(watchers[1]!.client);
    assert.equal(a.length, total);
    assert.deepEqual(a, b);
    assert.deepEqual(a.map((x) => Number(x.split(':')[0])), Array.from({ length: total }, (_, i) => startSeq + 1 + i));
    // Each sender's own messages are in the order it sent them.
    for (let i = 0; i < senders.length; i++) {
      const mine = a.map((x) => x.split(':').slice(1).join(':')).filter((body) => body.startsWith(`${i}:`));
      assert.deepEqual(mine, Array.from({ length: perSender }, (_, n) => `${i}:${n}`));
    }
  });

  test('history pages backwards and forwards, at most 200 per page', async () => {
    const writer = await enter('Writer');
    const { room } = await writer.client.request<AckFrame<'create'>>({ type: 'create', name: 'Long history', kind: 'public' });
    for (let i = 0; i < 250; i++) writer.client.send({ type: 'send', id: `hist-${String(i).padStart(5, '0')}`, room: room.id, body: `h${i}` });
    await writer.client.waitFor((f) => f.type === 'ack' && f.ref === 'hist-00249', 10_000);
    const newest = await writer.client.request<AckFrame<'history'>>({ type: 'history', room: room.id, limit: 1000 });
    assert.equal(newest.events.length, 200);
    assert.equal(newest.hasBefore, true);
    assert.equal(newest.hasAfter, false);
    const seqs = newest.events.map((e) => e.seq);
    assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
    assert.equal(seqs.at(-1), newest.latestSeq);
    const older = await writer.client.request<AckFrame<'history'>>({ type: 'history', room: room.id, before: seqs[0], limit: 200 });
    assert.equal(older.hasBefore, false);
    assert.equal(older.events.at(-1)!.seq, seqs[0]! - 1);
    assert.equal(older.events[0]!.seq, 1);
    assert.equal(older.events[0]!.kind, 'created');
    const forward = await writer.client.request<AckFrame<'history'>>({ type: 'history', room: room.id, after: 10, limit: 5 });
    assert.deepEqual(forward.events.map((e) => e.seq), [11, 12, 13, 14, 15]);
    assert.equal(forward.hasAfter, true);
  });

  test('resume replays everything missed, edits and deletes included, in order', async () => {
    const ann = await enter('Ann');
    const bob = await enter('Bob');
    const { room } = await ann.client.request<AckFrame<'create'>>({ type: 'create', name: 'Resume', kind: 'public' });
    await bob.client.request({ type: 'join', room: room.id });
    const kept = await ann.client.request<AckFrame<'send'>>({ type: 'send', id: 'resume-kept-1', room: room.id, body: 'before' });
    await bob.client.waitFor((f) => f.type === 'event' && f.event.room === room.id && f.event.seq === kept.seq);
    bob.client.close();

    await ann.client.request({ type: 'edit', room: room.id, target: kept.seq, body: 'before (edited)' });
    const gone = await ann.client.request<AckFrame<'send'>>({ type: 'send', id: 'resume-gone-1', room: room.id, body: 'oops' });
    await ann.client.request({ type: 'delete', room: room.id, target: gone.seq });
    await ann.client.request({ type: 'react', room: room.id, target: kept.seq, emoji: '👍', on: true });
    await ann.client.request({ type: 'send', id: 'resume-new-01', room: room.id, body: 'while you were away' });

    const back = await connect(bob.token);
    const resumed = await back.request<AckFrame<'resume'>>({ type: 'resume', rooms: [{ room: room.id, after: kept.seq }] });
    assert.deepEqual(resumed.rooms, [{ room: room.id, status: 'ok', latestSeq: kept.seq + 5 }]);
    const replay = back.frames.filter((f): f is EventFrame => f.type === 'event' && f.event.room === room.id).map((f) => f.event);
    assert.deepEqual(replay.map((e) => e.kind), ['edit', 'message', 'delete', 'reaction', 'message']);
    assert.deepEqual(replay.map((e) => e.seq), [1, 2, 3, 4, 5].map((n) => kept.seq + n));
    assert.equal((replay[1] as MessageEvent).deleted, true);
    assert.equal((replay[4] as MessageEvent).body, 'while you were away');
  });

  test('a client further behind than the replay bound is told so, and pages history', async () => {
    const ann = await enter('Busy');
    const { room } = await ann.client.request<AckFrame<'create'>>({ type: 'create', name: 'Far behind', kind: 'public' });
    for (let i = 0; i < 60; i++) ann.client.send({ type: 'send', id: `far-${String(i).padStart(6, '0')}`, room: room.id, body: `f${i}` });
    await ann.client.waitFor((f) => f.type === 'ack' && f.ref === 'far-000059', 10_000);
    const before = ann.client.frames.length;
    const resumed = await ann.client.request<AckFrame<'resume'>>({ type: 'resume', rooms: [{ room: room.id, after: 1 }] });
    assert.equal(resumed.rooms[0]?.status, 'too_far_behind');
    assert.ok(!ann.client.frames.slice(before).some((f) => f.type === 'event'), 'a partial replay was sent');
    const collected: RoomEvent[] = [];
    let after = 1;
    for (;;) {
      const page = await ann.client.request<AckFrame<'history'>>({ type: 'history', room: room.id, after, limit: 200 });
      collected.push(...page.events);
      if (!page.hasAfter) break;
      after = page.events.at(-1)!.seq;
    }
    assert.equal(collected.length, resumed.rooms[0]!.latestSeq - 1);
  });
});
