/** Migration, rooms, members, listings and read markers. */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { DIRECTORY_PREVIEW, UNREAD_MAX, UNREAD_SCAN_MAX } from '@parley/protocol';
import type { StoredRoomSummary } from '../store.js';
import { SERVER_USER } from '../server-user.js';
import { assertPlainJson, clientId, ref, rejectsWith, storeTest, wholeLog, type MakeStore } from './harness.js';

export function roomTests(makeStore: MakeStore): void {
  describe('rooms and members', () => {
    storeTest(makeStore, 'migrate creates the lobby with its created event, once', async ({ store }) => {
      await store.migrate();
      const lobby = await store.findRoom('lobby');
      assert.deepEqual({ ...lobby, createdAt: 0 }, { id: 'lobby', name: 'lobby', kind: 'public', createdBy: null, createdAt: 0 });
      const log = await wholeLog(store, 'lobby');
      assert.deepEqual(log, [
        { kind: 'created', room: 'lobby', seq: 1, ts: lobby!.createdAt, user: SERVER_USER, name: 'lobby', roomKind: 'public' },
      ]);
      assert.deepEqual(await store.listMembers('lobby'), []);
    });

    storeTest(makeStore, 'createRoom writes created, then a join for the owner and each member', async ({ store, alice, bob, carol }) => {
      const { room, events } = await store.createRoom({
        id: 'room-p',
        name: 'Plans',
        kind: 'private',
        createdBy: ref(alice),
        members: [ref(bob), ref(carol)],
      });
      assert.deepEqual(room, { id: 'room-p', name: 'Plans', kind: 'private', createdBy: alice.id, createdAt: room.createdAt });
      assert.deepEqual(await store.findRoom('room-p'), room);
      const ts = room.createdAt;
      assert.deepEqual(events.map((event) => ({ ...event, ts })), [
        { kind: 'created', room: 'room-p', seq: 1, ts, user: ref(alice), name: 'Plans', roomKind: 'private' },
        { kind: 'join', room: 'room-p', seq: 2, ts, user: ref(alice) },
        { kind: 'join', room: 'room-p', seq: 3, ts, user: ref(bob), by: ref(alice) },
        { kind: 'join', room: 'room-p', seq: 4, ts, user: ref(carol), by: ref(alice) },
      ]);
      assert.deepEqual(await wholeLog(store, 'room-p'), events);
      const members = await store.listMembers('room-p');
      assert.deepEqual(
        members.map((m) => [m.user, m.role]),
        [
          [{ id: alice.id, name: 'Alice', username: 'alice', kind: 'account' }, 'owner'],
          [{ id: bob.id, name: 'Bob', username: 'bob', kind: 'guest' }, 'member'],
          [{ id: carol.id, name: 'Carol', username: 'carol', kind: 'external' }, 'member'],
        ],
      );
      for (const userId of [alice.id, bob.id, carol.id]) assert.equal(await store.isMember('room-p', userId), true);
      assert.equal(await store.findRoom('room-missing'), null);
    });

    storeTest(makeStore, 'public and private room names are unique ignoring case; DM names are not', async ({ store, alice, bob }) => {
      await store.createRoom({ id: 'room-1', name: 'Général', kind: 'public', createdBy: ref(alice) });
      await rejectsWith(store.createRoom({ id: 'room-2', name: 'GÉNÉRAL', kind: 'private', createdBy: ref(bob) }), 'name_taken');
      await rejectsWith(store.createRoom({ id: 'room-3', name: 'Lobby', kind: 'public', createdBy: ref(bob) }), 'name_taken');
      assert.equal(await store.findRoom('room-2'), null);
      await store.createRoom({ id: 'dm-1', name: 'dm', kind: 'dm', createdBy: ref(alice), members: [ref(bob)] });
      await store.createRoom({ id: 'dm-2', name: 'dm', kind: 'dm', createdBy: ref(bob), members: [ref(alice)] });
      assert.equal((await store.findRoom('dm-2'))?.kind, 'dm');
    });

    storeTest(makeStore, 'join and leave write events, and are null when nothing changes', async ({ store, alice, bob }) => {
      const joined = await store.join({ room: 'lobby', user: ref(alice) });
      assert.deepEqual(joined, { kind: 'join', room: 'lobby', seq: 2, ts: joined!.ts, user: ref(alice) });
      assert.equal(await store.join({ room: 'lobby', user: ref(alice) }), null);
      const invited = await store.join({ room: 'lobby', user: ref(bob), by: ref(alice) });
      assert.deepEqual(invited, { kind: 'join', room: 'lobby', seq: 3, ts: invited!.ts, user: ref(bob), by: ref(alice) });
      assert.deepEqual(await store.memberRoomIds(bob.id), ['lobby']);

      const left = await store.leave({ room: 'lobby', user: ref(bob) });
      assert.deepEqual(left, { kind: 'leave', room: 'lobby', seq: 4, ts: left!.ts, user: ref(bob) });
      assert.equal(await store.leave({ room: 'lobby', user: ref(bob) }), null);
      assert.equal(await store.isMember('lobby', bob.id), false);
      assert.deepEqual(await store.memberRoomIds(bob.id), []);
      assert.deepEqual((await store.listMembers('lobby')).map((m) => m.user.id), [alice.id]);
      assert.deepEqual(await wholeLog(store, 'lobby'), [(await store.page('lobby', { limit: 1, before: 2 })).events[0], joined, invited, left]);
      await rejectsWith(store.join({ room: 'room-missing', user: ref(alice) }), 'not_found');
      await rejectsWith(store.leave({ room: 'room-missing', user: ref(alice) }), 'not_found');
      assert.equal(await store.latestSeq('lobby'), 4);
    });

    storeTest(makeStore, 'memberRoomIds lists exactly the rooms the user is in', async ({ store, alice, bob }) => {
      await store.join({ room: 'lobby', user: ref(alice) });
      await store.createRoom({ id: 'room-a', name: 'a', kind: 'private', createdBy: ref(alice) });
      await store.createRoom({ id: 'room-b', name: 'b', kind: 'public', createdBy: ref(bob) });
      await store.createRoom({ id: 'dm-ab', name: 'dm', kind: 'dm', createdBy: ref(bob), members: [ref(alice)] });
      assert.deepEqual((await store.memberRoomIds(alice.id)).sort(), ['dm-ab', 'lobby', 'room-a']);
      assert.deepEqual((await store.memberRoomIds(bob.id)).sort(), ['dm-ab', 'room-b']);
    });

    storeTest(makeStore, 'listRoomsFor lists public rooms and the user\'s rooms with counts', async ({ store, alice, bob, carol }) => {
      await store.join({ room: 'lobby', user: ref(alice) });
      await store.join({ room: 'lobby', user: ref(bob) });
      await store.createRoom({ id: 'room-pub', name: 'pub', kind: 'public', createdBy: ref(bob) });
      await store.createRoom({ id: 'room-priv', name: 'priv', kind: 'private', createdBy: ref(bob), members: [ref(alice)] });
      await store.createRoom({ id: 'room-secret', name: 'secret', kind: 'private', createdBy: ref(carol) });
      await store.createRoom({ id: 'dm-ab', name: 'dm', kind: 'dm', createdBy: ref(bob), members: [ref(alice)] });
      const post = (room: string, user: typeof alice, n: number) =>
        store.appendMessage({ room, user: ref(user), clientId: clientId(n), body: `m${n}` }).then((r) => r.event);
      const [b1, , , a1] = [await post('lobby', bob, 1), await post('lobby', bob, 2), await post('lobby', bob, 3), await post('lobby', alice, 4)];
      await store.deleteMessage({ room: 'lobby', user: ref(bob), target: b1!.seq });
      await post('dm-ab', bob, 5);
      await store.renameUser(bob.id, 'Robert');
      const lobbyLatest = await store.latestSeq('lobby');

      const rooms = await store.listRoomsFor(alice.id);
      assertPlainJson(rooms);
      assert.deepEqual(rooms.map((room) => room.id).sort(), ['dm-ab', 'lobby', 'room-priv', 'room-pub']);
      const byId = new Map(rooms.map((room) => [room.id, room]));
      assert.deepEqual<StoredRoomSummary | undefined>(byId.get('lobby'), {
        id: 'lobby', name: 'lobby', kind: 'public', joined: true, members: 2,
        latestSeq: lobbyLatest, readSeq: 2, unread: 2, role: 'member',
      });
      assert.equal(a1!.user.id, alice.id);
      assert.deepEqual<StoredRoomSummary | undefined>(byId.get('room-pub'), {
        id: 'room-pub', name: 'pub', kind: 'public', joined: false, members: 1, latestSeq: 3, readSeq: 0, unread: 0,
      });
      assert.deepEqual<StoredRoomSummary | undefined>(byId.get('room-priv'), {
        id: 'room-priv', name: 'priv', kind: 'private', joined: true, members: 2, latestSeq: 4, readSeq: 3, unread: 0, role: 'member',
      });
      assert.deepEqual<StoredRoomSummary | undefined>(byId.get('dm-ab'), {
        id: 'dm-ab', name: 'Robert', kind: 'dm', joined: true, members: 2, latestSeq: 5, readSeq: 3, unread: 1,
        peer: { id: bob.id, name: 'Robert', username: 'bob', kind: 'guest' },
      });
      assert.equal((await store.listRoomsFor(bob.id)).find((room) => room.id === 'dm-ab')?.name, 'Alice');
      for (const room of rooms) assert.deepEqual(await store.roomSummaryFor(room.id, alice.id), room);
      assert.equal(await store.roomSummaryFor('room-missing', alice.id), null);
    });

    storeTest(makeStore, `listRoomsFor lists the user's rooms and the ${DIRECTORY_PREVIEW} newest public rooms they are not in; the directory pages through every public room by name`, async ({ store, alice, bob }) => {
      await store.join({ room: 'lobby', user: ref(alice) });
      const names = Array.from({ length: DIRECTORY_PREVIEW + 15 }, (_, i) => `Room ${String(i).padStart(2, '0')}${i % 5 === 0 ? ' Café' : ''}`);
      for (const [i, name] of names.entries()) {
        await store.createRoom({ id: `room-${String(i).padStart(2, '0')}`, name, kind: 'public', createdBy: ref(bob) });
        // Creation order must be unambiguous: created_at has a resolution of 1 ms.
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await store.createRoom({ id: 'room-secret', name: 'Secret', kind: 'private', createdBy: ref(bob) });
      await store.join({ room: 'room-03', user: ref(alice) });
      const listed = (await store.listRoomsFor(alice.id)).map((room) => room.id);
      const newest = names.map((_, i) => `room-${String(i).padStart(2, '0')}`).filter((id) => id !== 'room-03').slice(-DIRECTORY_PREVIEW);
      assert.deepEqual(listed, ['lobby', 'room-03', ...newest], 'her rooms and the newest others, by creation');

      const everyPublic: string[] = [];
      let after: string | undefined;
      for (let pages = 0; ; pages++) {
        const page = await store.directory(alice.id, { after, limit: 10 });
        assertPlainJson(page);
        everyPublic.push(...page.rooms.map((room) => room.name));
        assert.ok(page.rooms.every((room) => room.kind === 'public'));
        if (page.next === null) break;
        after = page.next;
        assert.ok(pages < 10);
      }
      assert.deepEqual(everyPublic, [...names, 'lobby'].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
      const cafes = await store.directory(alice.id, { query: 'CAFÉ', limit: 100 });
      assert.deepEqual(cafes.rooms.map((room) => room.name), names.filter((name) => name.endsWith('Café')));
      assert.equal(cafes.next, null);
      const joined = (await store.directory(alice.id, { query: 'room 03', limit: 5 })).rooms[0]!;
      assert.deepEqual([joined.id, joined.joined, joined.members], ['room-03', true, 2]);
      assert.deepEqual((await store.directory(alice.id, { query: '%', limit: 5 })).rooms, [], 'the query is text, not a pattern');
      assert.deepEqual((await store.directory(alice.id, { query: '_', limit: 5 })).rooms, []);
    });

    storeTest(makeStore, 'a DM is named after the other member, and after the user once they are alone in it', async ({ store, alice, bob }) => {
      await store.createRoom({ id: 'dm-ab', name: 'dm', kind: 'dm', createdBy: ref(alice), members: [ref(bob)] });
      await store.createRoom({ id: 'dm-aa', name: 'dm', kind: 'dm', createdBy: ref(alice) });
      const summary = async (room: string) => store.roomSummaryFor(room, alice.id);
      assert.deepEqual((await summary('dm-ab'))?.peer, { id: bob.id, name: bob.name, username: bob.username, kind: bob.kind });
      await store.leave({ room: 'dm-ab', user: ref(bob) });
      const self = { id: alice.id, name: alice.name, username: alice.username, kind: alice.kind };
      assert.deepEqual((await summary('dm-ab'))?.peer, self);
      assert.equal((await summary('dm-ab'))?.name, alice.name);
      assert.deepEqual((await summary('dm-aa'))?.peer, self);
    });

    storeTest(makeStore, 'a summary counts the members as they join and leave', async ({ store, alice, bob }) => {
      const members = async () => (await store.roomSummaryFor('lobby', alice.id))?.members;
      assert.equal(await members(), 0);
      await store.join({ room: 'lobby', user: ref(alice) });
      await store.join({ room: 'lobby', user: ref(bob) });
      await store.join({ room: 'lobby', user: ref(bob) });
      assert.equal(await members(), 2);
      await store.leave({ room: 'lobby', user: ref(bob) });
      await store.leave({ room: 'lobby', user: ref(bob) });
      assert.equal(await members(), 1);
      const { room } = await store.createRoom({ id: 'room-new', name: 'new', kind: 'private', createdBy: ref(alice), members: [ref(bob)] });
      assert.equal((await store.roomSummaryFor(room.id, alice.id))?.members, 2);
    });

    storeTest(makeStore, `unread stops counting at ${UNREAD_MAX} messages`, async ({ store, alice, bob }) => {
      await store.join({ room: 'lobby', user: ref(alice) });
      await store.join({ room: 'lobby', user: ref(bob) });
      const sends = [];
      for (let n = 1; n <= UNREAD_MAX + 2; n++) sends.push(store.appendMessage({ room: 'lobby', user: ref(bob), clientId: clientId(n), body: `m${n}` }));
      const sent = await Promise.all(sends);
      assert.equal((await store.roomSummaryFor('lobby', alice.id))?.unread, UNREAD_MAX);
      await store.setReadMarker('lobby', alice.id, sent[2]!.event.seq);
      assert.equal((await store.roomSummaryFor('lobby', alice.id))?.unread, UNREAD_MAX - 1);
    });

    storeTest(makeStore, `unread counts among the first ${UNREAD_SCAN_MAX} live messages after the marker, the reader's own included`, async ({ store, alice, bob }) => {
      await store.join({ room: 'lobby', user: ref(alice) });
      await store.join({ room: 'lobby', user: ref(bob) });
      const own = [];
      for (let n = 1; n <= UNREAD_SCAN_MAX; n++) own.push(store.appendMessage({ room: 'lobby', user: ref(alice), clientId: clientId(n), body: `a${n}` }));
      const sent = await Promise.all(own);
      for (let n = 1; n <= 2; n++) await store.appendMessage({ room: 'lobby', user: ref(bob), clientId: clientId(n), body: `b${n}` });
      const unread = async (user: typeof alice) => (await store.roomSummaryFor('lobby', user.id))?.unread;
      // Bob's two lie past the first UNREAD_SCAN_MAX after Alice's marker, all of them her own.
      assert.equal(await unread(alice), 0);
      assert.equal(await unread(bob), UNREAD_MAX);
      await store.setReadMarker('lobby', alice.id, sent[1]!.event.seq);
      assert.equal(await unread(alice), 2);
    });

    storeTest(makeStore, 'setReadMarker moves forward only, up to the latest seq, for members only', async ({ store, alice, bob }) => {
      await store.join({ room: 'lobby', user: ref(alice) });
      await store.join({ room: 'lobby', user: ref(bob) });
      for (let n = 1; n <= 4; n++) await store.appendMessage({ room: 'lobby', user: ref(bob), clientId: clientId(n), body: `m${n}` });
      const unread = async () => (await store.roomSummaryFor('lobby', alice.id))?.unread;
      assert.equal(await unread(), 4);
      assert.equal(await store.setReadMarker('lobby', alice.id, 5), 5);
      assert.equal(await unread(), 2);
      assert.equal(await store.setReadMarker('lobby', alice.id, 4), 5);
      assert.equal(await store.setReadMarker('lobby', alice.id, 1000), 7);
      assert.equal(await unread(), 0);
      assert.equal((await store.listMembers('lobby')).find((m) => m.user.id === alice.id)?.readSeq, 7);
      await store.leave({ room: 'lobby', user: ref(bob) });
      await rejectsWith(store.setReadMarker('lobby', bob.id, 1), 'not_found');
      await rejectsWith(store.setReadMarker('room-missing', alice.id, 1), 'not_found');
    });
  });
}
