import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AckFrame, EventFrame, MessageEvent, ReadFrame, RoomSummary, TypingFrame } from '@parley/protocol';
import { startServerProcess } from '../testing/server-process.js';
import { useGuestServer } from '../testing/guest-server.js';
import { connectRaw, guest, type GuestSession, type RawClient } from '../testing/ws-client.js';

type Session = GuestSession;

describe('messages', () => {
  const { enter, connect } = useGuestServer({ MAX_BODY_CHARS: '100' });
  let room = '';
  let ann: Session;
  let bob: Session;
  before(async () => {
    ann = await enter('Ann');
    bob = await enter('Bob');
    room = (await ann.client.request<AckFrame<'create'>>({ type: 'create', name: 'Messages', kind: 'public' })).room.id;
    await bob.client.request({ type: 'join', room });
  });

  test('a send is acked with its seq and fanned out to every member, the sender included', async () => {
    const ack = await ann.client.request<AckFrame<'send'>>({ type: 'send', id: 'msg-00000001', room, body: 'hello **world**' });
    assert.equal(ack.room, room);
    assert.equal(ack.duplicate, false);
    for (const client of [ann.client, bob.client]) {
      const event = await client.waitFor<EventFrame>((f) => f.type === 'event' && f.event.seq === ack.seq && f.event.room === room);
      assert.equal(event.event.kind, 'message');
      const message = event.event as MessageEvent;
      assert.equal(message.body, 'hello **world**');
      assert.equal(message.id, 'msg-00000001');
      assert.equal(message.user.name, 'Ann');
    }
  });

  test('a retried send (same id) is stored once and acked with the same seq', async () => {
    const first = await ann.client.request<AckFrame<'send'>>({ type: 'send', id: 'retry-0000001', room, body: 'only once' });
    const again = await ann.client.request<AckFrame<'send'>>({ type: 'send', id: 'retry-0000001', room, body: 'only once' });
    assert.equal(again.seq, first.seq);
    assert.equal(again.duplicate, true);
    // Another user may use the same client id: ids are per sender.
    const other = await bob.client.request<AckFrame<'send'>>({ type: 'send', id: 'retry-0000001', room, body: 'mine' });
    assert.notEqual(other.seq, first.seq);
    const page = await ann.client.request<AckFrame<'history'>>({ type: 'history', room, limit: 200 });
    assert.equal(page.events.filter((e) => e.kind === 'message' && e.body === 'only once').length, 1);
  });

  test('edit and delete your own message; the deletion leaves a tombstone', async () => {
    const sent = await ann.client.request<AckFrame<'send'>>({ type: 'send', id: 'edit-me-0001', room, body: 'typo' });
    const edited = await ann.client.request<AckFrame<'edit'>>({ type: 'edit', room, target: sent.seq, body: 'fixed' });
    const editEvent = await bob.client.waitFor<EventFrame>((f) => f.type === 'event' && f.event.seq === edited.seq);
    assert.deepEqual([editEvent.event.kind, (editEvent.event as { target: number }).target, (editEvent.event as { body: string }).body], ['edit', sent.seq, 'fixed']);
    const deleted = await ann.client.request<AckFrame<'delete'>>({ type: 'delete', room, target: sent.seq });
    const tombstone = await bob.client.waitFor<EventFrame>((f) => f.type === 'event' && f.event.seq === deleted.seq);
    assert.equal(tombstone.event.kind, 'delete');
    const page = await bob.client.request<AckFrame<'history'>>({ type: 'history', room, after: sent.seq - 1, limit: 1 });
    const message = page.events[0] as MessageEvent;
    assert.equal(message.deleted, true);
    assert.equal(message.body, '');
    await assert.rejects(ann.client.request({ type: 'edit', room, target: sent.seq, body: 'zombie' }), { code: 'not_found' });
  });

  test('nobody edits or deletes another user’s message', async () => {
    const sent = await ann.client.request<AckFrame<'send'>>({ type: 'send', id: 'not-yours-01', room, body: 'mine' });
    await assert.rejects(bob.client.request({ type: 'edit', room, target: sent.seq, body: 'hacked' }), { code: 'forbidden' });
    await assert.rejects(bob.client.request({ type: 'delete', room, target: sent.seq }), { code: 'forbidden' });
    await assert.rejects(bob.client.request({ type: 'edit', room, target: 999_999, body: 'x' }), { code: 'not_found' });
  });

  test('reactions are added and removed, as events', async () => {
    const sent = await ann.client.request<AckFrame<'send'>>({ type: 'send', id: 'react-to-01', room, body: 'react to me' });
    const on = await bob.client.request<AckFrame<'react'>>({ type: 'react', room, target: sent.seq, emoji: '🎉', on: true });
    const event = await ann.client.waitFor<EventFrame>((f) => f.type === 'event' && f.event.seq === on.seq);
    assert.deepEqual(event.event.kind === 'reaction' && [event.event.emoji, event.event.on, event.event.user.id], ['🎉', true, bob.user.id]);
    let page = await ann.client.request<AckFrame<'history'>>({ type: 'history', room, after: sent.seq - 1, limit: 1 });
    assert.deepEqual((page.events[0] as MessageEvent).reactions, { '🎉': [bob.user.id] });
    await bob.client.request({ type: 'react', room, target: sent.seq, emoji: '🎉', on: false });
    page = await ann.client.request<AckFrame<'history'>>({ type: 'history', room, after: sent.seq - 1, limit: 1 });
    assert.equal(Object.keys((page.events[0] as MessageEvent).reactions ?? {}).length, 0);
  });

  test('read markers and unread counts per member and room', async () => {
    const readerRoom = (await ann.client.request<AckFrame<'create'>>({ type: 'create', name: 'Unread', kind: 'public' })).room.id;
    await bob.client.request({ type: 'join', room: readerRoom });
    let last = 0;
    for (let i = 0; i < 3; i++) last = (await ann.client.request<AckFrame<'send'>>({ type: 'send', id: `unread-msg-${i}`, room: readerRoom, body: `m${i}` })).seq;
    const unreadOf = async (s: Session) => (await s.client.request<AckFrame<'rooms'>>({ type: 'rooms' })).rooms.find((r: RoomSummary) => r.id === readerRoom)!;
    assert.equal((await unreadOf(bob)).unread, 3);
    assert.equal((await unreadOf(ann)).unread, 0, 'your own messages are not unread');
    const marked = await bob.client.request<AckFrame<'read'>>({ type: 'read', room: readerRoom, seq: last - 1 });
    assert.equal(marked.seq, last - 1);
    const summary = await unreadOf(bob);
    assert.equal(summary.unread, 1);
    assert.equal(summary.readSeq, last - 1);
    // Markers never move back.
    const back = await bob.client.request<AckFrame<'read'>>({ type: 'read', room: readerRoom, seq: 1 });
    assert.equal(back.seq, last - 1);
  });

  test("a read reaches each of the reader's connections as a read frame with the marker, and nobody else's", async () => {
    const bobsPhone = await connect(bob.token);
    const ack = await ann.client.request<AckFrame<'send'>>({ type: 'send', id: 'read-sync-001', room, body: 'read me' });
    await bob.client.request({ type: 'read', ref: 'rd-sync', room, seq: ack.seq });
    const expected: ReadFrame = { type: 'read', room, seq: ack.seq };
    assert.deepEqual(await bobsPhone.waitFor((f) => f.type === 'read' && f.seq === ack.seq), expected);
    // The connection that asked gets it too, after its ack.
    const frames = bob.client.frames;
    const echo = frames.findIndex((f) => f.type === 'read' && f.seq === ack.seq);
    assert.ok(echo > frames.findIndex((f) => f.type === 'ack' && f.ref === 'rd-sync'));
    assert.equal(ann.client.frames.some((f) => f.type === 'read'), false, 'other people never learn where you read');
  });

  test('a body over the configured limit gets body_too_long', async () => {
    await assert.rejects(ann.client.request({ type: 'send', id: 'too-long-001', room, body: 'x'.repeat(101) }), { code: 'body_too_long' });
  });

  test('typing reaches the other members only and is never stored', async () => {
    const latestBefore = (await ann.client.request<AckFrame<'history'>>({ type: 'history', room })).latestSeq;
    const before = ann.client.frames.length;
    ann.client.send({ type: 'typing', room });
    const typing = await bob.client.waitFor<TypingFrame>((f) => f.type === 'typing' && f.user.id === ann.user.id);
    assert.equal(typing.room, room);
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(!ann.client.frames.slice(before).some((f) => f.type === 'typing'), 'typing was echoed to its sender');
    const latestAfter = (await ann.client.request<AckFrame<'history'>>({ type: 'history', room })).latestSeq;
    assert.equal(latestAfter, latestBefore);
  });

  test('sending faster than the limit gets rate_limited with a retry time', async () => {
    const spammer = await enter('Spammer');
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => spammer.client.request({ type: 'send', id: `spam-${String(i).padStart(6, '0')}`, room: 'lobby', body: 'spam' })),
    );
    const limited = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
    assert.ok(limited.length > 0, 'nothing was rate limited');
    assert.equal(limited[0].code, 'rate_limited');
    assert.equal(limited[0].retryable, true);
    assert.ok(limited[0].retryAfterMs > 0);
  });

  test('typing right after sending a message is forwarded at once', async () => {
    const writer = await enter('QuickTypist');
    await bob.client.request({ type: 'rooms' });
    const before = bob.client.frames.length;
    writer.client.send({ type: 'typing', room: 'lobby' });
    await writer.client.request({ type: 'send', id: 'quick-typist-1', room: 'lobby', body: 'done' });
    writer.client.send({ type: 'typing', room: 'lobby' });
    await writer.client.request({ type: 'rooms' });
    await new Promise((r) => setTimeout(r, 100));
    const forwarded = bob.client.frames.slice(before).filter((f) => f.type === 'typing' && f.user.id === writer.user.id);
    assert.equal(forwarded.length, 2);
  });

  test('room creation is rate limited per user', async () => {
    const builder = await enter('Builder');
    let limited: { code: string; retryAfterMs: number } | undefined;
    for (let i = 0; i < 15 && !limited; i++) {
      await builder.client.request({ type: 'create', name: `Builder room ${i}`, kind: 'public' }).catch((error) => {
        limited = error;
      });
    }
    assert.equal(limited?.code, 'rate_limited');
    assert.ok(limited.retryAfterMs > 0);
  });

  test('typing past the limit gets rate_limited; within the throttle it is dropped silently', async () => {
    const typist = await enter('Typist');
    const before = bob.client.frames.length;
    for (let i = 0; i < 5; i++) typist.client.send({ type: 'typing', room: 'lobby' });
    await new Promise((r) => setTimeout(r, 200));
    const forwarded = bob.client.frames.slice(before).filter((f) => f.type === 'typing' && f.user.id === typist.user.id);
    assert.equal(forwarded.length, 1, 'a burst inside the throttle window is forwarded once');
    // Past the throttle, a client that keeps typing in many rooms hits the per-user limit.
    const rooms = [];
    for (let i = 0; i < 12; i++) rooms.push((await typist.client.request<AckFrame<'create'>>({ type: 'create', name: `Typing ${i}`, kind: 'public' }).catch(() => null))?.room.id);
    for (const id of rooms.filter(Boolean)) typist.client.send({ type: 'typing', room: id });
    typist.client.send({ type: 'typing', room: 'lobby' });
    const errors = await typist.client.waitFor((f) => f.type === 'error' && f.code === 'rate_limited' && f.ref === null).catch(() => null);
    assert.ok(errors, 'typing was never rate limited');
  });

  test('renames reach every room the user is in', async () => {
    const renamed = await bob.client.request<AckFrame<'rename'>>({ type: 'rename', name: 'Robert' });
    assert.equal(renamed.user.name, 'Robert');
    for (const r of ['lobby', room]) {
      const event = await ann.client.waitFor<EventFrame>((f) => f.type === 'event' && f.event.kind === 'rename' && f.event.room === r);
      assert.deepEqual(event.event.kind === 'rename' && [event.event.from, event.event.to], ['Bob', 'Robert']);
    }
    const sent = await bob.client.request<AckFrame<'send'>>({ type: 'send', id: 'after-rename', room, body: 'new name' });
    const message = await ann.client.waitFor<EventFrame>((f) => f.type === 'event' && f.event.seq === sent.seq && f.event.room === room);
    assert.equal(message.event.user.name, 'Robert');
  });

  test('joining, leaving and renaming are rate limited', async () => {
    const restless = await enter('Restless');
    /** Sends up to `tries` frames; returns the first error, if any. */
    const firstError = async (tries: number, frame: (i: number) => Record<string, unknown>) => {
      for (let i = 0; i < tries; i++) {
        const error = await restless.client.request(frame(i)).then(() => null, (e: { code: string; retryAfterMs: number }) => e);
        if (error) return error;
      }
      return null;
    };
    // The membership bucket holds 20; the rename bucket 5.
    const membership = await firstError(25, (i) => ({ type: i % 2 === 0 ? 'join' : 'leave', room }));
    assert.equal(membership?.code, 'rate_limited', 'join/leave was never limited');
    const renames = await firstError(8, (i) => ({ type: 'rename', name: `Restless ${i}` }));
    assert.equal(renames?.code, 'rate_limited', 'rename was never limited');
    assert.ok(renames.retryAfterMs > 0);
  });
});

describe('direct messages', () => {
  test('DM by username; unknown username gets user_not_found; outsiders cannot read it', async () => {
    const server = await startServerProcess();
    const clients: RawClient[] = [];
    try {
      const make = async (name: string) => {
        const g = await guest(server.url, name);
        const client = await connectRaw(server.wsUrl, { token: g.token });
        clients.push(client);
        return { client, user: g.user };
      };
      const ann = await make('Ann');
      const bob = await make('Bob');
      const eve = await make('Eve');
      const opened = await ann.client.request<AckFrame<'dm'>>({ type: 'dm', username: bob.user.username });
      assert.equal(opened.room.kind, 'dm');
      assert.equal(opened.room.name, 'Bob');
      assert.equal(opened.room.peer?.id, bob.user.id);
      const shown = await bob.client.waitFor<{ type: 'room'; room: RoomSummary }>((f) => f.type === 'room' && f.room.id === opened.room.id);
      assert.equal(shown.room.name, 'Ann');
      const sent = await ann.client.request<AckFrame<'send'>>({ type: 'send', id: 'dm-message-1', room: opened.room.id, body: 'psst' });
      const got = await bob.client.waitFor<EventFrame>((f) => f.type === 'event' && f.event.room === opened.room.id && f.event.seq === sent.seq);
      assert.equal((got.event as MessageEvent).body, 'psst');
      // Opening it again from either side gives the same room.
      const again = await bob.client.request<AckFrame<'dm'>>({ type: 'dm', username: ann.user.username });
      assert.equal(again.room.id, opened.room.id);

      await assert.rejects(ann.client.request({ type: 'dm', username: 'no-such-user' }), { code: 'user_not_found' });
      await assert.rejects(eve.client.request({ type: 'history', room: opened.room.id }), { code: 'not_found' });
      await assert.rejects(eve.client.request({ type: 'send', id: 'eve-in-dm-1', room: opened.room.id, body: 'hi' }), { code: 'not_found' });
      await assert.rejects(eve.client.request({ type: 'join', room: opened.room.id }), { code: 'not_found' });
      await assert.rejects(ann.client.request({ type: 'leave', room: opened.room.id }), { code: 'forbidden' });
    } finally {
      for (const c of clients) c.close();
      await server.stop();
    }
  });
});

describe('a burst of sends from one connection', () => {
  const { enter } = useGuestServer({ RATE_LIMITS: 'off', SQLITE_WRITER: 'inline', SQLITE_COMMIT_INTERVAL_MS: '20' });

  test('is stored and acked in the order sent, sharing commits instead of waiting for one each', async () => {
    const { client } = await enter('Burst');
    const ids = Array.from({ length: 50 }, (_, n) => `burst-${String(n).padStart(6, '0')}`);
    const started = performance.now();
    const acks = await Promise.all(ids.map((id) => client.request<AckFrame<'send'>>({ type: 'send', id, room: 'lobby', body: id })));
    const elapsed = performance.now() - started;
    const seqs = acks.map((a) => a.seq);
    assert.deepEqual(seqs, seqs.map((_, n) => seqs[0]! + n), 'consecutive seqs in the order sent');
    const acked = client.frames.filter((f): f is AckFrame<'send'> => f.type === 'ack' && ids.includes(f.ref)).map((f) => f.ref);
    assert.deepEqual(acked, ids, 'acks in the order sent');
    assert.ok(elapsed < 500, `50 sends took ${Math.round(elapsed)} ms; a commit interval (20 ms) each would be 1 s`);
  });

  test('a send that fails before it is stored answers after the sends before it', async () => {
    const { client } = await enter('Order');
    const good = Array.from({ length: 3 }, (_, n) => `order-ok-${String(n).padStart(4, '0')}`);
    for (const id of good) client.send({ type: 'send', id, room: 'lobby', body: id });
    client.send({ type: 'send', id: 'order-missing-room', room: 'no-such-room', body: 'lost' });
    client.send({ type: 'send', id: 'order-ok-last', room: 'lobby', body: 'last' });
    const ids = [...good, 'order-missing-room', 'order-ok-last'];
    await client.waitFor((f) => f.type === 'ack' && f.ref === 'order-ok-last');
    const replies = client.frames
      .flatMap((f) => (f.type === 'ack' || f.type === 'error' ? [`${f.type} ${f.ref}`] : []))
      .filter((reply) => ids.includes(reply.split(' ')[1]!));
    assert.deepEqual(replies, [...good.map((id) => `ack ${id}`), 'error order-missing-room', 'ack order-ok-last']);
  });

  test('frames pipelined far ahead of their handling are all answered, in order', async () => {
    const { client } = await enter('Pipeline');
    // More than the server reads ahead (256): it stops reading the socket meanwhile, then goes on.
    const refs = Array.from({ length: 1500 }, (_, n) => `pipe-${n}`);
    for (const ref of refs) client.send({ type: 'ping', ref });
    await client.waitFor((f) => f.type === 'pong' && f.ref === refs.at(-1), 20_000);
    const pongs = client.frames.flatMap((f) => (f.type === 'pong' && f.ref?.startsWith('pipe-') ? [f.ref] : []));
    assert.deepEqual(pongs, refs);
  });

  test('a frame after a send is handled once that send is done', async () => {
    const { client } = await enter('Then');
    client.send({ type: 'send', id: 'then-0000001', room: 'lobby', body: 'stored before the history is read' });
    const page = await client.request<AckFrame<'history'>>({ type: 'history', room: 'lobby', limit: 5 });
    assert.ok(page.events.some((e) => e.kind === 'message' && e.id === 'then-0000001'));
  });
});
