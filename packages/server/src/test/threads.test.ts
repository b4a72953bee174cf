/**
 * Threads over real sockets (§25): a reply's event, the `thread` frames each follower's
 * connections get (the root's author on two connections), follow and thread_read from one
 * connection reaching the other, a deleted reply counted again, `replies` and `threads`, and
 * the refusals. Run on both stores (scripts/test.js runs server tests again on PostgreSQL).
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AckFrame, EventFrame, MessageEvent, ThreadFrame } from '@parley/protocol';
import { useGuestServer } from '../testing/guest-server.js';
import type { GuestSession, RawClient } from '../testing/ws-client.js';

/** The next `thread` frame about `root` with a version above `after`. */
function threadFrame(client: RawClient, root: number, after: number): Promise<ThreadFrame> {
  return client.waitFor<ThreadFrame>((f) => f.type === 'thread' && f.thread.root === root && f.thread.version > after);
}

describe('threads', () => {
  const { enter, connect } = useGuestServer();
  let room = '';
  let ann: GuestSession;
  let annPhone: RawClient;
  let bob: GuestSession;
  let cat: GuestSession;
  before(async () => {
    ann = await enter('Ann');
    bob = await enter('Bob');
    cat = await enter('Cat');
    annPhone = await connect(ann.token);
    room = (await ann.client.request<AckFrame<'create'>>({ type: 'create', name: 'Threads', kind: 'public' })).room.id;
    await bob.client.request({ type: 'join', room });
    await cat.client.request({ type: 'join', room });
  });

  test('a reply: its event, and the thread frames of the replier and of the root author on each connection', async () => {
    const root = await ann.client.request<AckFrame<'send'>>({ type: 'send', id: 'root-000001', room, body: 'Where do we meet?' });
    const reply = await bob.client.request<AckFrame<'send'>>({ type: 'send', id: 'reply-00001', room, body: 'Room 4', thread: root.seq });
    const event = await cat.client.waitFor<EventFrame>((f) => f.type === 'event' && f.event.seq === reply.seq);
    assert.equal((event.event as MessageEvent).thread, root.seq, 'every member gets the reply as an event of the log');
    for (const client of [ann.client, annPhone]) {
      const { thread } = await threadFrame(client, root.seq, 0);
      assert.deepEqual([thread.room, thread.following, thread.unread, thread.readSeq], [room, true, 1, root.seq]);
      assert.deepEqual(thread.info, { count: 1, lastSeq: reply.seq, lastTs: reply.ts, participants: [{ id: bob.user.id, name: 'Bob' }] });
    }
    const mine = await threadFrame(bob.client, root.seq, 0);
    assert.deepEqual([mine.thread.unread, mine.thread.readSeq], [0, reply.seq]);
    assert.equal(cat.client.frames.some((f) => f.type === 'thread'), false, 'cat follows nothing');

    // Read on the phone: the laptop learns it.
    const seen = annPhone.frames.filter((f) => f.type === 'thread').length;
    const read = await annPhone.request<AckFrame<'thread_read'>>({ type: 'thread_read', ref: 'tr1', room, root: root.seq, seq: reply.seq });
    assert.deepEqual([read.thread.unread, read.thread.readSeq], [0, reply.seq]);
    const echoed = await threadFrame(ann.client, root.seq, read.thread.version - 1);
    assert.deepEqual(echoed.thread, read.thread);
    assert.ok(annPhone.frames.filter((f) => f.type === 'thread').length > seen);

    // Cat follows by hand and is counted from then on; a deleted reply is counted out again.
    const follow = await cat.client.request<AckFrame<'follow'>>({ type: 'follow', ref: 'f1', room, root: root.seq, on: true });
    assert.deepEqual([follow.thread.following, follow.thread.unread], [true, 0]);
    const second = await bob.client.request<AckFrame<'send'>>({ type: 'send', id: 'reply-00002', room, body: 'at 3', thread: reply.seq });
    const catCount = await threadFrame(cat.client, root.seq, follow.thread.version);
    assert.equal(catCount.thread.unread, 1);
    await bob.client.request({ type: 'delete', ref: 'd1', room, target: second.seq });
    const recounted = await threadFrame(cat.client, root.seq, catCount.thread.version);
    assert.deepEqual([recounted.thread.unread, recounted.thread.info.count], [0, 2]);

    const page = await cat.client.request<AckFrame<'replies'>>({ type: 'replies', ref: 'p1', room, root: root.seq });
    assert.deepEqual(page.replies.map((r) => [r.seq, r.deleted ?? false]), [[reply.seq, false], [second.seq, true]]);
    assert.equal(page.root.replies?.count, 2);
    assert.equal(page.thread?.following, true);
    const list = await ann.client.request<AckFrame<'threads'>>({ type: 'threads', ref: 'l1' });
    assert.deepEqual(list.threads.map((t) => [t.root, t.message.body]), [[root.seq, 'Where do we meet?']]);
  });

  test('an edit that adds a mention to a reply makes that member follow: their connections get the thread frame', async () => {
    const root = await ann.client.request<AckFrame<'send'>>({ type: 'send', id: 'root-000003', room, body: 'Lunch?' });
    const reply = await bob.client.request<AckFrame<'send'>>({ type: 'send', id: 'reply-00007', room, body: 'Noodles', thread: root.seq });
    await threadFrame(ann.client, root.seq, 0);
    await bob.client.request({ type: 'edit', ref: 'e1', room, target: reply.seq, body: `Noodles, @${cat.user.username}?` });
    const { thread } = await threadFrame(cat.client, root.seq, -1);
    assert.deepEqual([thread.following, thread.unread, thread.readSeq], [true, 1, root.seq]);
    const list = await cat.client.request<AckFrame<'threads'>>({ type: 'threads', ref: 'l3' });
    assert.ok(list.threads.some((t) => t.root === root.seq));
  });

  test('refusals: no such root, a reply to a reply as a root, alsoInRoom without thread, not a member', async () => {
    const root = await ann.client.request<AckFrame<'send'>>({ type: 'send', id: 'root-000002', room, body: 'Another' });
    const reply = await bob.client.request<AckFrame<'send'>>({ type: 'send', id: 'reply-00003', room, body: 'yes', thread: root.seq, alsoInRoom: true });
    await assert.rejects(ann.client.request({ type: 'send', id: 'reply-00004', room, body: 'x', thread: 99_999 }), { code: 'not_found' });
    await assert.rejects(ann.client.request({ type: 'replies', ref: 'p2', room, root: reply.seq }), { code: 'not_found' });
    await assert.rejects(ann.client.request({ type: 'follow', ref: 'f2', room, root: reply.seq, on: true }), { code: 'not_found' });
    await assert.rejects(ann.client.request({ type: 'send', id: 'reply-00005', room, body: 'x', alsoInRoom: true }), { code: 'invalid_frame' });
    await assert.rejects(ann.client.request({ type: 'send', id: 'reply-00006', room, body: 'x', thread: root.seq, replyTo: root.seq }), { code: 'invalid_frame' });
    const outsider = await enter('Dan');
    await assert.rejects(outsider.client.request({ type: 'follow', ref: 'f3', room, root: root.seq, on: true }), { code: 'not_member' });
    await assert.rejects(outsider.client.request({ type: 'thread_read', ref: 't3', room, root: root.seq, seq: reply.seq }), { code: 'not_member' });
    // A public room's thread is readable before joining, as its history is.
    const page = await outsider.client.request<AckFrame<'replies'>>({ type: 'replies', ref: 'p3', room, root: root.seq });
    assert.deepEqual([page.replies.length, page.replies[0]?.alsoInRoom, page.thread], [1, true, null]);
  });
});
