/** Writing and reading the event log: messages, edits, deletions, reactions, history. */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { MessageEvent } from '@parley/protocol';
import type { Store } from '../store.js';
import { assertPlainJson, clientId, ref, rejectsWith, storeTest, wholeLog, type Fixture, type MakeStore } from './harness.js';

/** Appends `count` messages by alice to the lobby (seq 2 … count + 1). */
async function fillLobby(store: Store, alice: Fixture['alice'], count: number): Promise<MessageEvent[]> {
  const results = await Promise.all(
    Array.from({ length: count }, (_, n) => store.appendMessage({ room: 'lobby', user: ref(alice), clientId: clientId(n), body: `m${n}` })),
  );
  return results.map((r) => r.event);
}

export function logTests(makeStore: MakeStore): void {
  describe('the event log', () => {
    storeTest(makeStore, 'appendMessage stores a message event', async ({ store, alice }) => {
      const before = Date.now();
      const { event, duplicate } = await store.appendMessage({ room: 'lobby', user: ref(alice), clientId: 'client-0001', body: 'Hello' });
      assert.equal(duplicate, false);
      assert.deepStrictEqual(event, { kind: 'message', room: 'lobby', seq: 2, ts: event.ts, user: ref(alice), id: 'client-0001', body: 'Hello' });
      assert.ok(event.ts >= before - 1000 && event.ts <= Date.now() + 1000);
      assert.deepStrictEqual((await wholeLog(store, 'lobby'))[1], event);
      await rejectsWith(store.appendMessage({ room: 'room-missing', user: ref(alice), clientId: 'client-0002', body: 'x' }), 'not_found');
    });

    storeTest(makeStore, 'editMessage appends an edit and updates the message', async ({ store, alice, bob }) => {
      const [message] = await fillLobby(store, alice, 1);
      const edit = await store.editMessage({ room: 'lobby', user: ref(alice), target: message!.seq, body: 'Fixed' });
      assert.deepStrictEqual(edit, { kind: 'edit', room: 'lobby', seq: 3, ts: edit.ts, user: ref(alice), target: message!.seq, body: 'Fixed' });
      assert.deepStrictEqual(await store.findMessage('lobby', message!.seq), { ...message, body: 'Fixed', editedTs: edit.ts });
      await rejectsWith(store.editMessage({ room: 'lobby', user: ref(bob), target: message!.seq, body: 'x' }), 'forbidden');
      await rejectsWith(store.editMessage({ room: 'lobby', user: ref(alice), target: 1, body: 'x' }), 'not_found');
      await rejectsWith(store.editMessage({ room: 'lobby', user: ref(alice), target: 99, body: 'x' }), 'not_found');
      await store.createRoom({ id: 'room-b', name: 'b', kind: 'public', createdBy: ref(alice) });
      await rejectsWith(store.editMessage({ room: 'room-b', user: ref(alice), target: message!.seq, body: 'x' }), 'not_found');
      assert.equal(await store.latestSeq('lobby'), 3);
    });

    storeTest(makeStore, 'deleteMessage tombstones the message, its edits and its reactions', async ({ store, alice, bob }) => {
      const [message, other] = await fillLobby(store, alice, 2);
      const edit = await store.editMessage({ room: 'lobby', user: ref(alice), target: message!.seq, body: 'secret' });
      await store.react({ room: 'lobby', user: ref(bob), target: message!.seq, emoji: '👍', on: true });
      await rejectsWith(store.deleteMessage({ room: 'lobby', user: ref(bob), target: message!.seq }), 'forbidden');
      const deletion = await store.deleteMessage({ room: 'lobby', user: ref(alice), target: message!.seq });
      assert.deepStrictEqual(deletion, { kind: 'delete', room: 'lobby', seq: 6, ts: deletion.ts, user: ref(alice), target: message!.seq });
      assert.deepStrictEqual(await store.findMessage('lobby', message!.seq), { ...message, body: '', editedTs: edit.ts, deleted: true });
      const log = await wholeLog(store, 'lobby');
      assert.deepStrictEqual(log[edit.seq - 1], { ...edit, body: '' }, 'the edit no longer carries the text');
      assert.deepStrictEqual(log[other!.seq - 1], other);

      await rejectsWith(store.deleteMessage({ room: 'lobby', user: ref(alice), target: message!.seq }), 'not_found');
      await rejectsWith(store.editMessage({ room: 'lobby', user: ref(alice), target: message!.seq, body: 'x' }), 'not_found');
      await rejectsWith(store.react({ room: 'lobby', user: ref(bob), target: message!.seq, emoji: '👍', on: false }), 'not_found');
      await rejectsWith(store.deleteMessage({ room: 'lobby', user: ref(alice), target: 1 }), 'not_found');
      assert.equal(await store.latestSeq('lobby'), 6);
    });

    storeTest(makeStore, 'react adds and removes reactions, and is null when already in that state', async ({ store, alice, bob, carol }) => {
      const [message] = await fillLobby(store, alice, 1);
      const target = message!.seq;
      const on = await store.react({ room: 'lobby', user: ref(bob), target, emoji: '👍', on: true });
      assert.deepStrictEqual(on, { kind: 'reaction', room: 'lobby', seq: 3, ts: on!.ts, user: ref(bob), target, emoji: '👍', on: true });
      assert.equal(await store.react({ room: 'lobby', user: ref(bob), target, emoji: '👍', on: true }), null);
      await store.react({ room: 'lobby', user: ref(carol), target, emoji: '👍', on: true });
      await store.react({ room: 'lobby', user: ref(alice), target, emoji: '👍', on: true });
      await store.react({ room: 'lobby', user: ref(carol), target, emoji: '__proto__', on: true });
      const off = await store.react({ room: 'lobby', user: ref(carol), target, emoji: '👍', on: false });
      assert.deepStrictEqual(off, { kind: 'reaction', room: 'lobby', seq: 7, ts: off!.ts, user: ref(carol), target, emoji: '👍', on: false });
      assert.equal(await store.react({ room: 'lobby', user: ref(carol), target, emoji: '👍', on: false }), null);
      assert.equal(await store.react({ room: 'lobby', user: ref(carol), target, emoji: '🎉', on: false }), null);
      assert.equal(await store.latestSeq('lobby'), 7);

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

    storeTest(makeStore, 'latestSeq and eventsAfter read the log in order', async ({ store, alice }) => {
      assert.equal(await store.latestSeq('lobby'), 1);
      assert.equal(await store.latestSeq('room-missing'), 0);
      const messages = await fillLobby(store, alice, 10);
      assert.equal(await store.latestSeq('lobby'), 11);
      assert.deepStrictEqual(await store.eventsAfter('lobby', 3, 4), messages.slice(2, 6));
      assert.deepStrictEqual(await store.eventsAfter('lobby', 9, 100), messages.slice(8));
      assert.deepStrictEqual(await store.eventsAfter('lobby', 11, 100), []);
      assert.deepStrictEqual(await store.eventsAfter('room-missing', 0, 100), []);
    });

    storeTest(makeStore, 'page returns history before, after, or the newest, with hasBefore and hasAfter', async ({ store, alice }) => {
      const log = [...(await store.eventsAfter('lobby', 0, 1)), ...(await fillLobby(store, alice, 9))]; // seq 1 … 10
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

    storeTest(makeStore, 'findMessage returns messages only', async ({ store, alice }) => {
      const [message] = await fillLobby(store, alice, 1);
      assert.deepStrictEqual(await store.findMessage('lobby', message!.seq), message);
      assert.equal(await store.findMessage('lobby', 1), null);
      assert.equal(await store.findMessage('lobby', 99), null);
      assert.equal(await store.findMessage('room-missing', message!.seq), null);
    });
  });
}
