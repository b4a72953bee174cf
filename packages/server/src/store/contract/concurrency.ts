/**
 * The guarantees that matter when several stores (nodes) write one database
 * at once, and the call order a store keeps for the writes of one caller.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Store } from '../store.js';
import { clientId, ref, storeTest, wholeLog, type MakeStore } from './harness.js';

const WRITERS = 4;
const APPENDS = 5000;
/** Appends each store requests per turn of the event loop (so they share group commits). */
const PER_TURN = 25;

export function concurrencyTests(makeStore: MakeStore): void {
  describe('several stores on one database', () => {
    storeTest(makeStore, `${WRITERS} stores appending ${APPENDS} messages to one room make seqs 1 … n with no gap or duplicate`, async (fixture) => {
      const { store, alice, bob } = fixture;
      const stores: Store[] = [store];
      for (let i = 1; i < WRITERS; i++) stores.push(await fixture.another());
      await store.join({ room: 'lobby', user: ref(alice) });
      await store.join({ room: 'lobby', user: ref(bob) });
      const start = await store.latestSeq('lobby');
      const appendAll = async (writer: Store, w: number) => {
        const seqs: number[] = [];
        for (let n = w; n < APPENDS; n += WRITERS * PER_TURN) {
          const turn = [];
          for (let k = n; k < Math.min(n + WRITERS * PER_TURN, APPENDS); k += WRITERS) {
            const author = k % 2 === 0 ? alice : bob;
            turn.push(writer.appendMessage({ room: 'lobby', user: ref(author), clientId: clientId(k), body: `m${k}` }));
          }
          seqs.push(...(await Promise.all(turn)).map((result) => result.event.seq));
        }
        return seqs;
      };
      const seqs = (await Promise.all(stores.map(appendAll))).flat().sort((a, b) => a - b);
      assert.equal(seqs.length, APPENDS);
      assert.deepEqual(seqs, Array.from({ length: APPENDS }, (_, i) => start + 1 + i), 'each append got its own seq, with none skipped');
      const log = await wholeLog(store, 'lobby');
      assert.equal(log.length, start + APPENDS);
      assert.equal(new Set(log.filter((event) => event.kind === 'message').map((event) => (event.kind === 'message' ? event.id : ''))).size, APPENDS);
    });

    storeTest(makeStore, 'a retried append racing its first attempt on another store is stored once', async (fixture) => {
      const { store, alice } = fixture;
      const other = await fixture.another();
      await store.join({ room: 'lobby', user: ref(alice) });
      for (let n = 0; n < 50; n++) {
        const input = { room: 'lobby', user: ref(alice), clientId: clientId(n), body: `race ${n}` };
        const [first, retry] = await Promise.all([store.appendMessage(input), other.appendMessage(input)]);
        assert.equal(first.event.seq, retry.event.seq, `attempt ${n}: one message`);
        assert.deepEqual([first.duplicate, retry.duplicate].sort(), [false, true]);
        // Let the next pair start in different turns, in a different order.
        if (n % 2 === 1) await nextTurn();
      }
      const messages = (await wholeLog(store, 'lobby')).filter((event) => event.kind === 'message');
      assert.equal(messages.length, 50);
    });

    storeTest(makeStore, 'an append racing its author\'s leave on another store is stored before the leave or refused, never after', async (fixture) => {
      const { store, alice, bob } = fixture;
      const other = await fixture.another();
      await store.createRoom({ id: 'room-race', name: 'race', kind: 'public', createdBy: ref(bob) });
      let stored = 0;
      let refused = 0;
      for (let n = 0; n < 40; n++) {
        await store.join({ room: 'room-race', user: ref(alice) });
        const send = store.appendMessage({ room: 'room-race', user: ref(alice), clientId: clientId(n), body: `last words ${n}` });
        const leave = other.leave({ room: 'room-race', user: ref(alice) });
        const [sent, left] = await Promise.allSettled([send, leave]);
        assert.equal(left.status, 'fulfilled');
        const leaveSeq = (left as PromiseFulfilledResult<Awaited<typeof leave>>).value!.seq;
        if (sent.status === 'fulfilled') {
          stored++;
          assert.ok(sent.value.event.seq < leaveSeq, `round ${n}: message ${sent.value.event.seq} stored after the leave at ${leaveSeq}`);
        } else {
          refused++;
          assert.equal((sent.reason as { code?: string }).code, 'not_member', `round ${n}: ${String(sent.reason)}`);
        }
      }
      assert.equal(stored + refused, 40);
      const log = await wholeLog(store, 'room-race');
      // After each leave, the next event is alice's next join: nothing of hers in between.
      log.forEach((event, i) => {
        if (event.kind === 'leave') assert.ok(log[i + 1] === undefined || log[i + 1]!.kind === 'join', `event after leave at ${event.seq}`);
      });
    });

    storeTest(makeStore, 'writes take effect, and settle, in the order they were called, without waiting for each other', async (fixture) => {
      const { store, alice } = fixture;
      await store.join({ room: 'lobby', user: ref(alice) });
      await store.createRoom({ id: 'room-o', name: 'o', kind: 'public', createdBy: ref(alice) });
      const calls: Array<Promise<{ room: string; seq: number }>> = [];
      for (let n = 0; n < 300; n++) {
        const room = n % 3 === 0 ? 'room-o' : 'lobby';
        calls.push(store.appendMessage({ room, user: ref(alice), clientId: clientId(n), body: `o${n}` }).then((r) => r.event));
        if (n % 7 === 0) calls.push(store.setReadMarker(room, alice.id, 1_000_000).then((seq) => ({ room: '', seq })));
        if (n % 40 === 0) await nextTurn();
      }
      const results = await Promise.all(calls);
      // Settling order, failures included, across rooms: the order of the calls.
      const settled: number[] = [];
      const mixed = ['lobby', 'room-missing', 'room-o', 'lobby', 'room-missing', 'room-o'].map((room, i) =>
        store.appendMessage({ room, user: ref(alice), clientId: clientId(1000 + i), body: `s${i}` }).then(
          () => settled.push(i),
          () => settled.push(i),
        ),
      );
      await Promise.all(mixed);
      assert.deepEqual(settled, [0, 1, 2, 3, 4, 5], 'promises settle in call order');
      for (const room of ['lobby', 'room-o']) {
        const seqs = results.filter((result) => result.room === room).map((result) => result.seq);
        assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), `${room}: seqs follow call order`);
        const bodies = (await wholeLog(store, room)).flatMap((event) => (event.kind === 'message' && event.body.startsWith('o') ? [Number(event.body.slice(1))] : []));
        assert.deepEqual(bodies, [...bodies].sort((a, b) => a - b), `${room}: the log holds the messages in call order`);
      }
    });

    storeTest(makeStore, 'the reads of many connections at once answer each caller its own, as one read alone does', async (fixture) => {
      // The PostgreSQL store batches the reads of connections that arrive together (postgres/read-batch.ts).
      const { store, alice, bob, carol } = fixture;
      const users = [alice, bob, carol];
      for (let n = 0; n < 5; n++) users.push(await store.createUser({ id: `user-${n}`, username: `user${n}`, name: `User ${n}`, kind: 'guest' }));
      for (const [i, user] of users.entries()) await store.createSession(`token-${i}`, user.id, Date.now() + 3_600_000);
      await store.createRoom({ id: 'room-a', name: 'A', kind: 'public', createdBy: ref(alice) });
      await store.createRoom({ id: 'room-b', name: 'B', kind: 'private', createdBy: ref(bob) });
      await store.createRoom({ id: 'room-dm', name: 'dm', kind: 'dm', createdBy: ref(alice), members: [ref(bob)] });
      await store.join({ room: 'room-a', user: ref(bob) });
      await store.join({ room: 'room-b', user: ref(carol) });
      for (const user of users.slice(3, 6)) await store.join({ room: 'room-a', user: ref(user) });
      for (let n = 0; n < 6; n++) {
        await store.appendMessage({ room: 'room-a', user: ref(n % 2 === 0 ? alice : bob), clientId: clientId(1000 + n), body: `a${n}` });
        await store.appendMessage({ room: 'room-b', user: ref(n % 2 === 0 ? bob : carol), clientId: clientId(2000 + n), body: `b${n}` });
      }
      const root = (await store.appendMessage({ room: 'room-a', user: ref(alice), clientId: clientId(3000), body: 'root' })).event.seq;
      await store.appendMessage({ room: 'room-a', user: ref(bob), clientId: clientId(3001), body: 'reply', thread: root });
      await store.react({ room: 'room-a', user: ref(bob), target: root, emoji: '👍', on: true });
      await store.appendMessage({ room: 'room-dm', user: ref(bob), clientId: clientId(4000), body: 'hi' });
      await store.setReadMarker('room-a', bob.id, 3);
      await store.setBlock({ user: alice.id, blocked: carol.id, on: true });
      await store.setBlock({ user: bob.id, blocked: carol.id, on: true });
      await store.setBlock({ user: bob.id, blocked: alice.id, on: true });

      const reads: Array<() => Promise<unknown>> = [() => store.findSessionUser('token-none'), () => store.eventsAfter('room-none', 0, 10)];
      for (const [i, user] of users.entries()) {
        reads.push(() => store.findSessionUser(`token-${i}`));
        reads.push(() => store.memberRoomIds(user.id));
        reads.push(() => store.listRoomsFor(user.id));
        reads.push(() => store.blockedBy(user.id));
      }
      for (const room of ['room-a', 'room-b', 'room-dm']) {
        for (const after of [0, 2, 9, 100]) for (const limit of [3, 100]) reads.push(() => store.eventsAfter(room, after, limit));
      }
      const alone: unknown[] = [];
      for (const read of reads) alone.push(await read());
      // Every read twice at once: the same key asked twice in one batch.
      const together = await Promise.all([...reads, ...reads].map((read) => read()));
      assert.deepEqual(together.slice(0, reads.length), alone);
      assert.deepEqual(together.slice(reads.length), alone);
      // Each caller owns what it is given: changing one answer changes no other.
      const aliceRooms = await store.memberRoomIds(alice.id);
      const [first, second] = await Promise.all([store.memberRoomIds(alice.id), store.memberRoomIds(alice.id)]);
      first.push('changed');
      assert.deepEqual(second, aliceRooms);
      const [events, again] = await Promise.all([store.eventsAfter('room-a', 0, 100), store.eventsAfter('room-a', 0, 100)]);
      (events[0] as { seq: number }).seq = -1;
      assert.notEqual(again[0]!.seq, -1);
    });
  });
}
