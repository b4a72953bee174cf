/** The guarantees listed at the top of store.ts. */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { MessageEvent } from '@parley/protocol';
import { assertPlainJson, clientId, ref, rejectsWith, storeTest, wholeLog, type MakeStore } from './harness.js';

export function guaranteeTests(makeStore: MakeStore): void {
  describe('guarantees', () => {
    storeTest(makeStore, 'a write is visible to every read as soon as its promise resolves', async ({ store, alice }) => {
      await store.join({ room: 'lobby', user: ref(alice) });
      const checks = Array.from({ length: 50 }, async (_, n) => {
        const { event } = await store.appendMessage({ room: 'lobby', user: ref(alice), clientId: clientId(n), body: `m${n}` });
        assert.ok((await store.latestSeq('lobby')) >= event.seq);
        assert.deepEqual(await store.findMessage('lobby', event.seq), event);
      });
      await Promise.all(checks);
    });

    storeTest(makeStore, 'seqs are 1, 2, 3 … per room with no gap or reuse under concurrent writers', async ({ store, alice, bob }) => {
      const { room } = await store.createRoom({ id: 'room-b', name: 'b', kind: 'public', createdBy: ref(bob) });
      await store.join({ room: 'lobby', user: ref(alice) });
      await store.join({ room: 'lobby', user: ref(bob) });
      await store.join({ room: room.id, user: ref(alice) });
      const writes: Array<Promise<{ room: string; seq: number }>> = [];
      for (let turn = 0; turn < 10; turn++) {
        for (let n = 0; n < 20; n++) {
          const i = turn * 20 + n;
          const author = i % 2 === 0 ? alice : bob;
          const roomId = i % 3 === 0 ? room.id : 'lobby';
          writes.push(store.appendMessage({ room: roomId, user: ref(author), clientId: clientId(i), body: `m${i}` }).then((r) => r.event));
          if (n % 5 === 0) writes.push(store.setReadMarker('lobby', alice.id, i).then(() => ({ room: '', seq: 0 })));
        }
        if (turn > 0) {
          writes.push(
            store.react({ room: 'lobby', user: ref(alice), target: 3 + turn, emoji: '👍', on: true }).then((event) => event ?? { room: '', seq: 0 }),
          );
        }
        // Spread the writes over several turns of the event loop, so over several batches.
        await nextTurn();
      }
      const stored = (await Promise.all(writes)).filter((write) => write.room !== '');
      for (const roomId of ['lobby', room.id]) {
        const log = await wholeLog(store, roomId);
        const seqs = stored.filter((write) => write.room === roomId).map((write) => write.seq).sort((a, b) => a - b);
        assert.equal(new Set(seqs).size, seqs.length, 'no seq handed out twice');
        for (const seq of seqs) assert.ok(seq <= log.length, `seq ${seq} is in the log`);
        assert.equal(await store.latestSeq(roomId), log.length);
      }
    });

    storeTest(makeStore, 'a failing write changes nothing and does not disturb the writes around it', async ({ store, alice, bob }) => {
      await store.createRoom({ id: 'room-taken', name: 'Taken', kind: 'private', createdBy: ref(alice) });
      await store.join({ room: 'lobby', user: ref(alice) });
      await store.join({ room: 'lobby', user: ref(bob) });
      const { event: message } = await store.appendMessage({ room: 'lobby', user: ref(alice), clientId: clientId(1), body: 'keep' });
      const before = await store.latestSeq('lobby');
      // All of these land in one batch.
      const first = store.appendMessage({ room: 'lobby', user: ref(alice), clientId: clientId(2), body: 'two' });
      const badEdit = store.editMessage({ room: 'lobby', user: ref(alice), target: 999, body: 'x' });
      const forbidden = store.deleteMessage({ room: 'lobby', user: ref(bob), target: message.seq });
      const taken = store.createRoom({ id: 'room-again', name: 'TAKEN', kind: 'public', createdBy: ref(bob) });
      const noRoom = store.appendMessage({ room: 'no-such-room', user: ref(alice), clientId: clientId(3), body: 'x' });
      const second = store.appendMessage({ room: 'lobby', user: ref(alice), clientId: clientId(4), body: 'four' });
      await rejectsWith(badEdit, 'not_found');
      await rejectsWith(forbidden, 'forbidden');
      await rejectsWith(taken, 'name_taken');
      await rejectsWith(noRoom, 'not_found');
      assert.equal((await first).event.seq, before + 1);
      assert.equal((await second).event.seq, before + 2);
      assert.equal(await store.latestSeq('lobby'), before + 2);
      assert.equal(await store.findRoom('room-again'), null);
      assert.equal(await store.findRoom('no-such-room'), null);
      assert.deepEqual(await store.findMessage('lobby', message.seq), message);
      await wholeLog(store, 'lobby');
    });

    storeTest(makeStore, 'appendMessage is idempotent on (room, author, clientId)', async ({ store, alice, bob }) => {
      await store.createRoom({ id: 'room-b', name: 'b', kind: 'public', createdBy: ref(alice) });
      await store.join({ room: 'lobby', user: ref(alice) });
      await store.join({ room: 'lobby', user: ref(bob) });
      const first = await store.appendMessage({ room: 'lobby', user: ref(alice), clientId: clientId(1), body: 'hello' });
      assert.equal(first.duplicate, false);
      const latest = await store.latestSeq('lobby');

      const again = await store.appendMessage({ room: 'lobby', user: ref(alice), clientId: clientId(1), body: 'a different body' });
      assert.deepEqual(again, { event: first.event, duplicate: true });
      assert.equal(await store.latestSeq('lobby'), latest);

      // Repeats in the same turn (one batch): exactly one is stored.
      const burst = await Promise.all(
        [1, 2, 3].map(() => store.appendMessage({ room: 'lobby', user: ref(bob), clientId: clientId(2), body: 'burst' })),
      );
      assert.deepEqual(burst.map((r) => r.duplicate), [false, true, true]);
      assert.ok(burst.every((r) => r.event.seq === burst[0]!.event.seq));

      // The key is the triple: another author or another room is another message.
      const otherAuthor = await store.appendMessage({ room: 'lobby', user: ref(bob), clientId: clientId(1), body: 'hello' });
      const otherRoom = await store.appendMessage({ room: 'room-b', user: ref(alice), clientId: clientId(1), body: 'hello' });
      assert.equal(otherAuthor.duplicate, false);
      assert.equal(otherRoom.duplicate, false);
      assert.notEqual(otherAuthor.event.seq, first.event.seq);
      assert.equal(otherRoom.event.room, 'room-b');

      // A repeat returns the message in its current state.
      await store.editMessage({ room: 'lobby', user: ref(alice), target: first.event.seq, body: 'edited' });
      await store.react({ room: 'lobby', user: ref(bob), target: first.event.seq, emoji: '🎉', on: true });
      const later = await store.appendMessage({ room: 'lobby', user: ref(alice), clientId: clientId(1), body: 'hello' });
      assert.equal(later.duplicate, true);
      assert.deepEqual(later.event, await store.findMessage('lobby', first.event.seq));
      assert.equal(later.event.body, 'edited');
      assert.deepEqual(later.event.reactions, { '🎉': [bob.id] });
      assertPlainJson(later);
    });

    storeTest(makeStore, 'events are read in their current state by every read', async ({ store, alice, bob, carol }) => {
      for (const user of [alice, bob, carol]) await store.join({ room: 'lobby', user: ref(user) });
      const post = (n: number) => store.appendMessage({ room: 'lobby', user: ref(alice), clientId: clientId(n), body: `m${n}` });
      const [edited, reacted, deleted, plain] = (await Promise.all([post(1), post(2), post(3), post(4)])).map((r) => r.event);
      const { event: edit } = await store.editMessage({ room: 'lobby', user: ref(alice), target: edited!.seq, body: 'new text' });
      await store.react({ room: 'lobby', user: ref(carol), target: reacted!.seq, emoji: '👍', on: true });
      await store.react({ room: 'lobby', user: ref(bob), target: reacted!.seq, emoji: '👍', on: true });
      await store.react({ room: 'lobby', user: ref(bob), target: reacted!.seq, emoji: '❤️', on: true });
      await store.react({ room: 'lobby', user: ref(bob), target: deleted!.seq, emoji: '👍', on: true });
      await store.deleteMessage({ room: 'lobby', user: ref(alice), target: deleted!.seq });

      const expected: MessageEvent[] = [
        { ...edited!, body: 'new text', editedTs: edit.ts },
        { ...reacted!, reactions: { '👍': [carol.id, bob.id], '❤️': [bob.id] } },
        { ...deleted!, body: '', deleted: true },
        plain!,
      ];
      const seqs = expected.map((event) => event.seq);
      const fromLog = (await wholeLog(store, 'lobby')).filter((event) => seqs.includes(event.seq));
      const fromPage = (await store.page('lobby', { limit: 100 })).events.filter((event) => seqs.includes(event.seq));
      const found = await Promise.all(seqs.map((seq) => store.findMessage('lobby', seq)));
      for (const events of [fromLog, fromPage, found]) {
        assert.deepStrictEqual(events, expected);
        assertPlainJson(events);
      }
    });
  });
}
