/** Threads and replies (§25): replies in the log, thread info on roots, followers, unread counts, the list. */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { MessageEvent, ThreadState } from '@parley/protocol';
import type { Store, StoredUser } from '../store.js';
import { assertPlainJson, clientId, ref, rejectsWith, storeTest, wholeLog, type MakeStore } from './harness.js';

let next = 0;
async function say(store: Store, user: StoredUser, body: string, place: { thread?: number; alsoInRoom?: boolean; replyTo?: number } = {}) {
  return store.appendMessage({ room: 'room-t', user: ref(user), clientId: clientId(++next), body, ...place });
}

/** Alice, Bob and Carol in a public room `room-t`; Alice's root message. */
async function setUp(store: Store, alice: StoredUser, bob: StoredUser, carol: StoredUser): Promise<MessageEvent> {
  await store.createRoom({ id: 'room-t', name: 'threads', kind: 'public', createdBy: ref(alice) });
  await store.join({ room: 'room-t', user: ref(bob) });
  await store.join({ room: 'room-t', user: ref(carol) });
  return (await say(store, alice, 'a question')).event;
}

function stateOf(states: ReadonlyArray<{ userId: string; state: ThreadState }> | undefined, user: StoredUser): ThreadState | undefined {
  return states?.find((s) => s.userId === user.id)?.state;
}

export function threadTests(makeStore: MakeStore): void {
  describe('threads', () => {
    storeTest(makeStore, 'a reply is a message of the log naming its root; the root is served with its thread', async ({ store, alice, bob, carol }) => {
      const root = await setUp(store, alice, bob, carol);
      const { event: reply, thread } = await say(store, bob, 'an answer', { thread: root.seq });
      assert.equal(reply.thread, root.seq);
      assert.equal(reply.alsoInRoom, undefined);
      assert.ok(thread);
      assert.deepEqual(thread.info, { count: 1, lastSeq: reply.seq, lastTs: reply.ts, participants: [ref(bob)] });
      // The replier follows with the thread read; the root's author follows with the reply unread.
      assert.deepEqual(
        { ...stateOf(thread.states, bob), version: 0 },
        { room: 'room-t', root: root.seq, info: thread.info, following: true, readSeq: reply.seq, unread: 0, version: 0 },
      );
      assert.equal(stateOf(thread.states, alice)?.unread, 1);
      assert.equal(stateOf(thread.states, carol), undefined, 'carol neither wrote nor was mentioned');
      const also = (await say(store, carol, 'me too, @alice', { thread: reply.seq, alsoInRoom: true })).event;
      assert.equal(also.thread, root.seq, 'a reply to a reply goes to its root');
      assert.equal(also.alsoInRoom, true);
      const log = await wholeLog(store, 'room-t');
      const served = log.find((e) => e.seq === root.seq) as MessageEvent;
      assert.deepEqual(served.replies, { count: 2, lastSeq: also.seq, lastTs: also.ts, participants: [ref(bob), ref(carol)] });
      assert.deepEqual(log.at(-1), also);
      const page = await store.page('room-t', { limit: 10 });
      assert.deepEqual((page.events.find((e) => e.seq === root.seq) as MessageEvent).replies, served.replies);
      assert.deepEqual(await store.findMessage('room-t', root.seq), served);
      // Only the reply sent to the room counts in the room's unread.
      const summary = await store.roomSummaryFor('room-t', bob.id);
      assert.equal(summary?.unread, 2, "alice's root and carol's reply sent to the room; not bob's own");
      const aliceSummary = await store.roomSummaryFor('room-t', alice.id);
      assert.equal(aliceSummary?.unread, 1, "only carol's reply sent to the room");
    });

    storeTest(makeStore, 'eventsAfter serves each event as a page does: reactions and threads of live messages only', async ({ store, alice, bob, carol }) => {
      const root = await setUp(store, alice, bob, carol);
      const react = (user: StoredUser, target: number, emoji: string) => store.react({ room: 'room-t', user: ref(user), target, emoji, on: true });
      await react(bob, root.seq, '👍');
      await react(carol, root.seq, '👍');
      await react(carol, root.seq, '🎉');
      const reply = (await say(store, bob, 'an answer', { thread: root.seq })).event;
      await react(alice, reply.seq, '🙏');
      const gone = (await say(store, carol, 'a typo')).event;
      await react(bob, gone.seq, '👀');
      await store.deleteMessage({ room: 'room-t', user: ref(carol), target: gone.seq });
      const later = (await say(store, alice, 'later')).event;
      await say(store, bob, 'a second answer', { thread: root.seq });
      const page = await store.page('room-t', { after: 0, limit: 100 });
      const log = await store.eventsAfter('room-t', 0, 100);
      assert.deepEqual(log, page.events);
      const servedRoot = log.find((e) => e.seq === root.seq) as MessageEvent;
      assert.deepEqual(servedRoot.reactions, { '👍': [bob.id, carol.id], '🎉': [carol.id] });
      assert.equal(servedRoot.replies?.count, 2);
      assert.deepEqual((log.find((e) => e.seq === reply.seq) as MessageEvent).reactions, { '🙏': [alice.id] });
      assert.equal((log.find((e) => e.seq === gone.seq) as MessageEvent).reactions, undefined);
      // From the middle, and a chunk that ends before the log does.
      assert.deepEqual(await store.eventsAfter('room-t', reply.seq - 1, 3), (await store.page('room-t', { after: reply.seq - 1, limit: 3 })).events);
      assert.deepEqual(await store.eventsAfter('room-t', later.seq, 100), (await store.page('room-t', { after: later.seq, limit: 100 })).events);
    });

    storeTest(makeStore, 'replies and quoted replies need a live message of the room', async ({ store, alice, bob, carol }) => {
      const root = await setUp(store, alice, bob, carol);
      await rejectsWith(say(store, bob, 'x', { thread: 999 }), 'not_found');
      await rejectsWith(say(store, bob, 'x', { replyTo: 999 }), 'not_found');
      const joinSeq = (await wholeLog(store, 'room-t')).find((e) => e.kind === 'join')!.seq;
      await rejectsWith(say(store, bob, 'x', { thread: joinSeq }), 'not_found');
      const quoted = (await say(store, bob, 'quoting', { replyTo: root.seq })).event;
      assert.equal(quoted.replyTo, root.seq);
      assert.equal(quoted.thread, undefined);
      assert.deepEqual(await store.findMessage('room-t', quoted.seq), quoted);
      await store.deleteMessage({ room: 'room-t', user: ref(alice), target: root.seq });
      await rejectsWith(say(store, bob, 'x', { thread: root.seq }), 'not_found');
      await rejectsWith(say(store, bob, 'x', { replyTo: root.seq }), 'not_found');
      const before = await wholeLog(store, 'room-t');
      assert.equal(before.at(-1)?.kind, 'delete', 'a refused reply stores nothing');
    });

    storeTest(makeStore, 'following: by hand, unfollowing, mentions; read markers never go back', async ({ store, alice, bob, carol }) => {
      const root = await setUp(store, alice, bob, carol);
      await say(store, bob, 'one', { thread: root.seq });
      const unfollowed = await store.followThread({ room: 'room-t', root: root.seq, user: ref(alice), on: false });
      assert.equal(unfollowed.following, false);
      const two = await say(store, bob, 'two', { thread: root.seq });
      assert.equal(stateOf(two.thread?.states, alice)?.following, false, 'the root author stays unfollowed');
      const carolFollows = await store.followThread({ room: 'room-t', root: root.seq, user: ref(carol), on: true });
      assert.deepEqual([carolFollows.following, carolFollows.unread, carolFollows.readSeq], [true, 0, two.event.seq], 'a new follower has read the thread so far');
      const three = await say(store, bob, 'three, @Alice.', { thread: root.seq });
      const alice3 = stateOf(three.thread?.states, alice)!;
      assert.equal(alice3.following, true, 'a mention follows again');
      assert.equal(alice3.unread, 3);
      assert.equal(stateOf(three.thread?.states, carol)?.unread, 1);
      assert.ok(alice3.version > unfollowed.version);
      const read = await store.readThread({ room: 'room-t', root: root.seq, user: ref(alice), seq: two.event.seq });
      assert.deepEqual([read.readSeq, read.unread], [two.event.seq, 1]);
      const back = await store.readThread({ room: 'room-t', root: root.seq, user: ref(alice), seq: root.seq });
      assert.equal(back.readSeq, two.event.seq, 'never back');
      const all = await store.readThread({ room: 'room-t', root: root.seq, user: ref(alice), seq: 1_000_000 });
      assert.deepEqual([all.readSeq, all.unread], [three.event.seq, 0], 'at most the newest reply');
      assert.equal(await store.countThreadUnread('room-t', root.seq, alice.id), 0);
      assert.equal(await store.countThreadUnread('room-t', root.seq, carol.id), 1);
      await rejectsWith(store.followThread({ room: 'room-t', root: three.event.seq, user: ref(carol), on: true }), 'not_found');
      await rejectsWith(store.readThread({ room: 'room-nope', root: root.seq, user: ref(carol), seq: 1 }), 'not_found');
      await store.leave({ room: 'room-t', user: ref(carol) });
      await rejectsWith(store.followThread({ room: 'room-t', root: root.seq, user: ref(carol), on: true }), 'not_member');
    });

    storeTest(makeStore, 'an edit that adds a mention to a reply makes the member follow; one it had already brings nobody back', async ({ store, alice, bob, carol }) => {
      const root = await setUp(store, alice, bob, carol);
      const { event: reply } = await say(store, bob, 'an answer', { thread: root.seq });
      const edit = (body: string, target = reply.seq) => store.editMessage({ room: 'room-t', user: ref(bob), target, body });
      assert.deepEqual(await store.followedThreads(carol.id, 10), []);

      const mentioned = await edit('an answer, @Carol?');
      assert.deepEqual(mentioned.thread?.states.map((s) => s.userId), [carol.id], 'only the member newly mentioned is told');
      const state = stateOf(mentioned.thread?.states, carol)!;
      assert.deepEqual([state.following, state.readSeq, state.unread], [true, root.seq, 1], 'as if the reply had mentioned her from the start');
      assert.deepEqual((await store.followedThreads(carol.id, 10)).map((t) => t.root), [root.seq]);
      assert.equal(await store.countThreadUnread('room-t', root.seq, carol.id), 1);

      await store.followThread({ room: 'room-t', root: root.seq, user: ref(carol), on: false });
      assert.equal((await edit('an answer, @carol, with a typo fixed')).thread, undefined, 'she was mentioned already');
      assert.equal((await store.followedThreads(carol.id, 10)).length, 0, 'and stays unfollowed');
      assert.equal((await edit('@bob @nobody an answer, @carol')).thread, undefined, 'the author and non-members follow nothing');
      await rejectsWith(edit('a question for @carol', root.seq), 'forbidden');
      const own = await store.editMessage({ room: 'room-t', user: ref(alice), target: root.seq, body: 'a question, @carol' });
      assert.equal(own.thread, undefined, 'a root is no reply: mentioning in it follows nothing');
    });

    storeTest(makeStore, 'a deleted reply stays counted on the root but not as unread', async ({ store, alice, bob, carol }) => {
      const root = await setUp(store, alice, bob, carol);
      const one = await say(store, bob, 'one', { thread: root.seq });
      await say(store, bob, 'two', { thread: root.seq });
      assert.equal(await store.countThreadUnread('room-t', root.seq, alice.id), 2);
      const deletion = await store.deleteMessage({ room: 'room-t', user: ref(bob), target: one.event.seq });
      assert.equal(deletion.kind === 'delete' && deletion.thread, root.seq, 'the delete names the thread of a reply kept there');
      const tombstone = await store.findMessage('room-t', one.event.seq);
      assert.deepEqual([tombstone?.deleted, tombstone?.thread], [true, root.seq]);
      const [update, ...more] = await store.recountThreads('room-t', [one.event.seq, root.seq, 999]);
      assert.equal(more.length, 0, 'one thread');
      assert.equal(stateOf(update?.states, alice)?.unread, 1);
      assert.equal(await store.countThreadUnread('room-t', root.seq, alice.id), 1);
      assert.equal(update?.info.count, 2);
      assert.deepEqual(await store.recountThreads('room-nope', [1]), []);
    });

    storeTest(makeStore, 'replies pages a thread; followedThreads lists unread first', async ({ store, alice, bob, carol }) => {
      const root = await setUp(store, alice, bob, carol);
      const other = (await say(store, bob, 'another topic')).event;
      const replies: MessageEvent[] = [];
      for (let i = 0; i < 5; i++) replies.push((await say(store, carol, `r${i}`, { thread: root.seq })).event);
      await say(store, alice, 'on it', { thread: other.seq });
      const first = await store.replies('room-t', root.seq, { after: 0, limit: 3 }, alice.id);
      assert.ok(first);
      assertPlainJson(first);
      assert.deepEqual(first.replies.map((r) => r.body), ['r0', 'r1', 'r2']);
      assert.equal(first.hasAfter, true);
      assert.equal(first.root.replies?.count, 5);
      assert.equal(first.thread?.unread, 5);
      const rest = await store.replies('room-t', root.seq, { after: replies[2]!.seq, limit: 3 }, alice.id);
      assert.deepEqual([rest?.replies.map((r) => r.body), rest?.hasAfter], [['r3', 'r4'], false]);
      assert.equal(await store.replies('room-t', replies[0]!.seq, { after: 0, limit: 3 }, alice.id), null, 'a reply has no thread');
      assert.equal((await store.replies('room-t', other.seq, { after: 0, limit: 3 }, carol.id))?.thread, null);
      // Alice follows both: her own root (5 unread) and the one she replied in (0 unread, newer).
      const list = await store.followedThreads(alice.id, 10);
      assertPlainJson(list);
      assert.deepEqual(list.map((t) => [t.root, t.unread]), [[root.seq, 5], [other.seq, 0]]);
      assert.equal(list[0]!.message.body, 'a question');
      await store.readThread({ room: 'room-t', root: root.seq, user: ref(alice), seq: replies[4]!.seq });
      assert.deepEqual((await store.followedThreads(alice.id, 10)).map((t) => t.root), [other.seq, root.seq], 'then by newest reply');
      await store.leave({ room: 'room-t', user: ref(alice) });
      assert.deepEqual(await store.followedThreads(alice.id, 10), [], "a room's threads leave with it");
    });
  });
}
