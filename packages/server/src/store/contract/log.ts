/** Writing and reading the event log: messages, edits, deletions, reactions, history. */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { MessageEvent } from '@parley/protocol';
import type { Store } from '../store.js';
import { assertPlainJson, clientId, ref, rejectsWith, storeTest, wholeLog, type Fixture, type MakeStore } from './harness.js';

/** Alice, Bob and Carol join the lobby (seq 2, 3, 4). */
async function joinLobby({ store, alice, bob, carol }: Fixture): Promise<void> {
  for (const user of [alice, bob, carol]) await store.join({ room: 'lobby', user: ref(user) });
}

/** Appends `count` messages by alice to the lobby, after the joins (seq 5 … count + 4). */
async function fillLobby(fixture: Fixture, count: number): Promise<MessageEvent[]> {
  const { store, alice } = fixture;
  await joinLobby(fixture);
  const results = await Promise.all(
    Array.from({ length: count }, (_, n) => store.appendMessage({ room: 'lobby', user: ref(alice), clientId: clientId(n), body: `m${n}` })),
  );
  return results.map((r) => r.event);
}

export function logTests(makeStore: MakeStore): void {
  describe('the event log', () => {
    storeTest(makeStore, 'appendMessage stores a message event', async (fixture) => {
      const { store, alice } = fixture;
      await joinLobby(fixture);
      const before = Date.now();
      const { event, duplicate } = await store.appendMessage({ room: 'lobby', user: ref(alice), clientId: 'client-0001', body: 'Hello' });
      assert.equal(duplicate, false);
      assert.deepStrictEqual(event, { kind: 'message', room: 'lobby', seq: 5, ts: event.ts, user: ref(alice), id: 'client-0001', body: 'Hello' });
      assert.ok(event.ts >= before - 1000 && event.ts <= Date.now() + 1000);
      assert.deepStrictEqual((await wholeLog(store, 'lobby'))[4], event);
      await rejectsWith(store.appendMessage({ room: 'room-missing', user: ref(alice), clientId: 'client-0002', body: 'x' }), 'not_found');
    });

    storeTest(makeStore, 'only members write to a room: not_member in a public room, not_found in any other', async ({ store, alice, bob }) => {
      await store.createRoom({ id: 'room-pub', name: 'pub', kind: 'public', createdBy: ref(alice) });
      await store.createRoom({ id: 'room-priv', name: 'priv', kind: 'private', createdBy: ref(alice) });
      const { event } = await store.appendMessage({ room: 'room-pub', user: ref(alice), clientId: clientId(1), body: 'mine' });
      const post = (room: string) => store.appendMessage({ room, user: ref(bob), clientId: clientId(2), body: 'x' });
      await rejectsWith(post('room-pub'), 'not_member');
      await rejectsWith(post('room-priv'), 'not_found');
      await rejectsWith(store.react({ room: 'room-pub', user: ref(bob), target: event.seq, emoji: '👍', on: true }), 'not_member');
      await rejectsWith(store.editMessage({ room: 'room-priv', user: ref(bob), target: 1, body: 'x' }), 'not_found');
      await rejectsWith(store.deleteMessage({ room: 'room-pub', user: ref(bob), target: event.seq }), 'not_member');
      // A former member is refused as well, and the author too once they left.
      await store.join({ room: 'room-pub', user: ref(bob) });
      await store.leave({ room: 'room-pub', user: ref(bob) });
      await rejectsWith(post('room-pub'), 'not_member');
      await store.leave({ room: 'room-pub', user: ref(alice) });
      await rejectsWith(store.editMessage({ room: 'room-pub', user: ref(alice), target: event.seq, body: 'x' }), 'not_member');
      assert.equal(await store.latestSeq('room-pub'), 6);
    });

    storeTest(makeStore, 'editMessage appends an edit and updates the message', async (fixture) => {
      const { store, alice, bob } = fixture;
      const [message] = await fillLobby(fixture, 1);
      const { event: edit } = await store.editMessage({ room: 'lobby', user: ref(alice), target: message!.seq, body: 'Fixed' });
      assert.deepStrictEqual(edit, { kind: 'edit', room: 'lobby', seq: 6, ts: edit.ts, user: ref(alice), target: message!.seq, body: 'Fixed' });
      assert.deepStrictEqual(await store.findMessage('lobby', message!.seq), { ...message, body: 'Fixed', editedTs: edit.ts });
      await rejectsWith(store.editMessage({ room: 'lobby', user: ref(bob), target: message!.seq, body: 'x' }), 'forbidden');
      await rejectsWith(store.editMessage({ room: 'lobby', user: ref(alice), target: 1, body: 'x' }), 'not_found');
      await rejectsWith(store.editMessage({ room: 'lobby', user: ref(alice), target: 99, body: 'x' }), 'not_found');
      await store.createRoom({ id: 'room-b', name: 'b', kind: 'public', createdBy: ref(alice) });
      await rejectsWith(store.editMessage({ room: 'room-b', user: ref(alice), target: message!.seq, body: 'x' }), 'not_found');
      assert.equal(await store.latestSeq('lobby'), 6);
    });

    storeTest(makeStore, 'deleteMessage tombstones the message, its edits and its reactions', async (fixture) => {
      const { store, alice, bob } = fixture;
      const [message, other] = await fillLobby(fixture, 2);
      const { event: edit } = await store.editMessage({ room: 'lobby', user: ref(alice), target: message!.seq, body: 'secret' });
      await store.react({ room: 'lobby', user: ref(bob), target: message!.seq, emoji: '👍', on: true });
      await rejectsWith(store.deleteMessage({ room: 'lobby', user: ref(bob), target: message!.seq }), 'forbidden');
      const deletion = await store.deleteMessage({ room: 'lobby', user: ref(alice), target: message!.seq });
      assert.deepStrictEqual(deletion, { kind: 'delete', room: 'lobby', seq: 9, ts: deletion.ts, user: ref(alice), target: message!.seq });
      assert.deepStrictEqual(await store.findMessage('lobby', message!.seq), { ...message, body: '', editedTs: edit.ts, deleted: true });
      const log = await wholeLog(store, 'lobby');
      assert.deepStrictEqual(log[edit.seq - 1], { ...edit, body: '' }, 'the edit no longer carries the text');
      assert.deepStrictEqual(log[other!.seq - 1], other);

      await rejectsWith(store.deleteMessage({ room: 'lobby', user: ref(alice), target: message!.seq }), 'not_found');
      await rejectsWith(store.editMessage({ room: 'lobby', user: ref(alice), target: message!.seq, body: 'x' }), 'not_found');
      await rejectsWith(store.react({ room: 'lobby', user: ref(bob), target: message!.seq, emoji: '👍', on: false }), 'not_found');
      await rejectsWith(store.deleteMessage({ room: 'lobby', user: ref(alice), target: 1 }), 'not_found');
      assert.equal(await store.latestSeq('lobby'), 9);
    });

    storeTest(makeStore, 'react adds and removes reactions, and is null when already in that state', async (fixture) => {
      const { store, alice, bob, carol } = fixture;
      const [message] = await fillLobby(fixture, 1);
      const target = message!.seq;
      const on = await store.react({ room: 'lobby', user: ref(bob), target, emoji: '👍', on: true });
      assert.deepStrictEqual(on, { kind: 'reaction', room: 'lobby', seq: 6, ts: on!.ts, user: ref(bob), target, emoji: '👍', on: true });
      assert.equal(await store.react({ room: 'lobby', user: ref(bob), target, emoji: '👍', on: true }), null);
      await store.react({ room: 'lobby', user: ref(carol), target, emoji: '👍', on: true });
      await store.react({ room: 'lobby', user: ref(alice), target, emoji: '👍', on: true });
      await store.react({ room: 'lobby', user: ref(carol), target, emoji: '__proto__', on: true });
      const off = await store.react({ room: 'lobby', user: ref(carol), target, emoji: '👍', on: false });
      assert.deepStrictEqual(off, { kind: 'reaction', room: 'lobby', seq: 10, ts: off!.ts, user: ref(carol), target, emoji: '👍', on: false });
      assert.equal(await store.react({ room: 'lobby', user: ref(carol), target, emoji: '👍', on: false }), null);
      assert.equal(await store.react({ room: 'lobby', user: ref(carol), target, emoji: '🎉', on: false }), null);
      assert.equal(await store.latestSeq('lobby'), 10);

      const current = await store.findMessage('lobby', target);
      assertPlainJson(current);
      assert.deepStrictEqual(Object.entries(current!.reactions!), [['👍', [bob.id, alice.id]], ['__proto__', [carol.id]]]);
      await store.react({ room: 'lobby', user: ref(carol), target, emoji: '__proto__', on: false });
      await store.react({ room: 'lobby', user: ref(bob), target, emoji: '👍', on: false });
      await store.react({ room: 'lobby', user: ref(alice), target, emoji: '👍', on: false });
      assert.deepStrictEqual(await store.findMessage('lobby', target), message, 'no reactions key once all are gone');

      await rejectsWith(store.react({ room: 'lobby', user: ref(bob), target: 1, emoji: '👍', on: true }), 'not_found');
      await rejectsWith(store.react({ room: 'lobby', user: ref(bob), target: 99, emoji: '👍', on: true }), 'not_found');
    });

    storeTest(makeStore, 'latestSeq and eventsAfter read the log in order', async (fixture) => {
      const { store } = fixture;
      assert.equal(await store.latestSeq('lobby'), 1);
      assert.equal(await store.latestSeq('room-missing'), 0);
      const messages = await fillLobby(fixture, 10);
      assert.equal(await store.latestSeq('lobby'), 14);
      assert.deepStrictEqual(await store.eventsAfter('lobby', 6, 4), messages.slice(2, 6));
      assert.deepStrictEqual(await store.eventsAfter('lobby', 12, 100), messages.slice(8));
      assert.deepStrictEqual(await store.eventsAfter('lobby', 14, 100), []);
      assert.deepStrictEqual(await store.eventsAfter('room-missing', 0, 100), []);
      await store.createRoom({ id: 'room-x', name: 'x', kind: 'public', createdBy: ref(fixture.alice) });
      assert.deepStrictEqual(await store.latestSeqs(['lobby', 'room-x', 'room-missing']), new Map([['lobby', 14], ['room-x', 2]]));
      assert.deepStrictEqual(await store.latestSeqs([]), new Map());
    });

    storeTest(makeStore, 'page returns history before, after, or the newest, with hasBefore and hasAfter', async (fixture) => {
      const { store } = fixture;
      const messages = await fillLobby(fixture, 6);
      const log = [...(await store.eventsAfter('lobby', 0, 4)), ...messages]; // seq 1 … 10
      const seqs = (from: number, to: number) => log.slice(from - 1, to);
      const page = (query: { before?: number; after?: number; limit: number }) => store.page('lobby', query);
      const expect = (events: typeof log, hasBefore: boolean, hasAfter: boolean) => ({ room: 'lobby', events, hasBefore, hasAfter, latestSeq: 10 });

      assert.deepStrictEqual(await page({ limit: 3 }), expect(seqs(8, 10), true, false));
      assert.deepStrictEqual(await page({ limit: 50 }), expect(seqs(1, 10), false, false));
      assert.deepStrictEqual(await page({ before: 8, limit: 3 }), expect(seqs(5, 7), true, true));
      assert.deepStrictEqual(await page({ before: 4, limit: 5 }), expect(seqs(1, 3), false, true));
      assert.deepStrictEqual(await page({ before: 1, limit: 5 }), expect([], false, true));
      assert.deepStrictEqual(await page({ before: 100, limit: 2 }), expect(seqs(9, 10), true, false));
      assert.deepStrictEqual(await page({ after: 2, limit: 3 }), expect(seqs(3, 5), true, true));
      assert.deepStrictEqual(await page({ after: 0, limit: 3 }), expect(seqs(1, 3), false, true));
      assert.deepStrictEqual(await page({ after: 7, limit: 5 }), expect(seqs(8, 10), true, false));
      assert.deepStrictEqual(await page({ after: 10, limit: 5 }), expect([], true, false));
      assert.deepStrictEqual(await store.page('room-missing', { limit: 5 }), {
        room: 'room-missing', events: [], hasBefore: false, hasAfter: false, latestSeq: 0,
      });
    });

    storeTest(makeStore, 'findMessage returns messages only', async (fixture) => {
      const { store } = fixture;
      const [message] = await fillLobby(fixture, 1);
      assert.deepStrictEqual(await store.findMessage('lobby', message!.seq), message);
      assert.equal(await store.findMessage('lobby', 1), null);
      assert.equal(await store.findMessage('lobby', 99), null);
      assert.equal(await store.findMessage('room-missing', message!.seq), null);
    });
  });
}
