/** What server admins do to users and rooms, and the admin view's lists and figures. */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { clientId, ref, rejectsWith, storeTest, wholeLog, type MakeStore } from './harness.js';

export function administrationTests(makeStore: MakeStore): void {
  describe('server administration', () => {
    storeTest(makeStore, 'disabling an account revokes its sessions; enabling it again revokes nothing; each is audited once', async ({ store, alice, bob }) => {
      const future = Date.now() + 60_000;
      await store.createSession('hash-b1', bob.id, future);
      await store.createSession('hash-b2', bob.id, future);
      await store.createSession('hash-b3', bob.id, Date.now() - 1);
      await store.revokeSession('hash-b2');
      const disabled = await store.setUserDisabled({ actor: ref(alice), target: bob.id, disabled: true, reason: 'spam' });
      assert.deepEqual(disabled.revoked, ['hash-b1']);
      assert.equal(disabled.user.disabled, true);
      assert.equal((await store.findUserById(bob.id))?.disabled, true);
      assert.equal((await store.findSession('hash-b1'))?.revoked, true);
      assert.deepEqual((await store.setUserDisabled({ actor: ref(alice), target: bob.id, disabled: true })).revoked, []);
      const enabled = await store.setUserDisabled({ actor: ref(alice), target: bob.id, disabled: false });
      assert.equal(enabled.user.disabled, false);
      const { entries } = await store.auditLog({ limit: 10 });
      assert.deepEqual(
        entries.map((e) => [e.action, e.room, e.target?.id, e.reason, e.details]),
        [
          ['enable_user', null, bob.id, undefined, { sessions: 0 }],
          ['disable_user', null, bob.id, 'spam', { sessions: 1 }],
        ],
      );
      await rejectsWith(store.setUserDisabled({ actor: ref(alice), target: 'user-nobody', disabled: true }), 'user_not_found');
    });

    storeTest(makeStore, 'signing a user out everywhere revokes their live sessions and returns them', async ({ store, alice, bob }) => {
      await store.createSession('hash-1', bob.id, Date.now() + 60_000);
      await store.createSession('hash-2', bob.id, Date.now() + 60_000);
      const { revoked } = await store.signOutUser({ actor: ref(alice), target: bob.id });
      assert.deepEqual(revoked.sort(), ['hash-1', 'hash-2']);
      assert.equal((await store.findSession('hash-2'))?.revoked, true);
      assert.deepEqual((await store.auditLog({ limit: 1 })).entries[0]!.details, { sessions: 2 });
    });

    storeTest(makeStore, 'deleting a guest leaves each of their rooms with a leave event; their messages stay; accounts cannot be deleted', async ({ store, alice, bob }) => {
      await store.join({ room: 'lobby', user: ref(bob) });
      await store.createRoom({ id: 'room-g', name: 'guests', kind: 'public', createdBy: ref(bob) });
      await store.createRoom({ id: 'dm-ab', name: 'dm', kind: 'dm', createdBy: ref(alice), members: [ref(bob)] });
      const { event } = await store.appendMessage({ room: 'lobby', user: ref(bob), clientId: clientId(1), body: 'still here' });
      await store.createSession('hash-bob', bob.id, Date.now() + 60_000);
      await store.setBlock({ user: alice.id, blocked: bob.id, on: true });
      const deleted = await store.deleteGuest({ actor: ref(alice), target: bob.id });
      assert.deepEqual(deleted.revoked, ['hash-bob']);
      assert.deepEqual(deleted.events.map((e) => [e.room, e.kind]).sort(), [['dm-ab', 'leave'], ['lobby', 'leave'], ['room-g', 'leave']]);
      assert.equal(await store.findUserById(bob.id), null);
      assert.equal(await store.findSession('hash-bob'), null);
      assert.deepEqual(await store.memberRoomIds(bob.id), []);
      assert.deepEqual(await store.blockedBy(alice.id), []);
      assert.equal((await store.findRoom('room-g'))?.createdBy, null);
      assert.deepEqual(await store.findMessage('lobby', event.seq), event);
      assert.deepEqual((await store.auditLog({ limit: 1 })).entries[0]!.action, 'delete_user');
      await rejectsWith(store.deleteGuest({ actor: ref(bob), target: alice.id }), 'forbidden');
    });

    storeTest(makeStore, 'an archived room takes no messages, reactions or members until unarchived; not the lobby', async ({ store, alice, bob }) => {
      await store.createRoom({ id: 'room-a', name: 'archive me', kind: 'public', createdBy: ref(alice) });
      const { event: message } = await store.appendMessage({ room: 'room-a', user: ref(alice), clientId: clientId(1), body: 'old news' });
      const event = await store.archiveRoom({ actor: ref(bob), room: 'room-a', archived: true, reason: 'done' });
      assert.deepEqual(event, { kind: 'settings', room: 'room-a', seq: event.seq, ts: event.ts, user: ref(bob), settings: { archived: true } });
      await rejectsWith(store.appendMessage({ room: 'room-a', user: ref(alice), clientId: clientId(2), body: 'x' }), 'forbidden');
      await rejectsWith(store.react({ room: 'room-a', user: ref(alice), target: message.seq, emoji: '👍', on: true }), 'forbidden');
      await rejectsWith(store.join({ room: 'room-a', user: ref(bob) }), 'forbidden');
      assert.deepEqual((await store.roomSummaryFor('room-a', alice.id))?.settings, { archived: true });
      await store.archiveRoom({ actor: ref(bob), room: 'room-a', archived: false });
      await store.appendMessage({ room: 'room-a', user: ref(alice), clientId: clientId(3), body: 'back' });
      assert.deepEqual((await store.auditLog({ room: 'room-a', limit: 5 })).entries.map((e) => [e.action, e.details]), [
        ['archive_room', { archived: false }],
        ['archive_room', { archived: true }],
      ]);
      await rejectsWith(store.archiveRoom({ actor: ref(bob), room: 'lobby', archived: true }), 'forbidden');
      await rejectsWith(store.archiveRoom({ actor: ref(bob), room: 'room-missing', archived: true }), 'not_found');
    });

    storeTest(makeStore, 'deleting a room removes it and all it holds but its audit entries; not the lobby', async ({ store, alice, bob, carol }) => {
      await store.createRoom({ id: 'room-d', name: 'doomed', kind: 'private', createdBy: ref(alice), members: [ref(bob)] });
      const { event } = await store.appendMessage({ room: 'room-d', user: ref(bob), clientId: clientId(1), body: 'bye' });
      await store.react({ room: 'room-d', user: ref(alice), target: event.seq, emoji: '👍', on: true });
      await store.ban({ room: 'room-d', actor: ref(alice), target: carol.id });
      await store.timeout({ room: 'room-d', actor: ref(alice), target: bob.id, until: Date.now() + 60_000 });
      await store.report({ room: 'room-d', user: ref(alice), target: event.seq });
      const deleted = await store.deleteRoom({ actor: ref(carol), room: 'room-d' });
      assert.deepEqual(deleted, { room: { id: 'room-d', name: 'doomed' }, members: [alice.id, bob.id].sort(), blobKeys: [] });
      assert.equal(await store.findRoom('room-d'), null);
      assert.deepEqual(await wholeLog(store, 'room-d'), []);
      assert.deepEqual(await store.memberRoomIds(bob.id), []);
      assert.deepEqual(await store.listBans('room-d'), []);
      assert.deepEqual((await store.auditLog({ room: 'room-d', limit: 10 })).entries.map((e) => e.action), ['delete_room', 'timeout', 'ban']);
      // The name is free again.
      await store.createRoom({ id: 'room-d2', name: 'doomed', kind: 'public', createdBy: ref(bob) });
      await rejectsWith(store.deleteRoom({ actor: ref(carol), room: 'lobby' }), 'forbidden');
    });

    storeTest(makeStore, 'the admin view’s lists: users by name or username, rooms but not DMs, counts and size', async ({ store, alice, bob }) => {
      await store.createRoom({ id: 'room-1', name: 'Design', kind: 'public', createdBy: ref(alice) });
      await store.createRoom({ id: 'room-2', name: 'design_review', kind: 'private', createdBy: ref(alice) });
      await store.createRoom({ id: 'dm-ab', name: 'dm', kind: 'dm', createdBy: ref(alice), members: [ref(bob)] });
      assert.deepEqual((await store.searchUsers('', 10)).map((u) => u.id).sort(), ['user-alice', 'user-bob', 'user-carol']);
      assert.deepEqual((await store.searchUsers('ALI', 10)).map((u) => u.id), ['user-alice']);
      assert.deepEqual((await store.searchUsers('%', 10)).map((u) => u.id), []);
      assert.equal((await store.searchUsers('', 2)).length, 2);
      assert.deepEqual((await store.listAllRooms('', 10)).map((r) => r.id), ['lobby', 'room-1', 'room-2']);
      assert.deepEqual((await store.listAllRooms('SIGN_', 10)).map((r) => r.id), ['room-2']);
      const [room] = await store.listAllRooms('design', 1);
      assert.deepEqual({ ...room, createdAt: 0 }, { id: 'room-1', name: 'Design', kind: 'public', members: 1, latestSeq: 2, createdAt: 0, settings: {} });
      assert.deepEqual(await store.counts(), { users: 3, rooms: 3 });
      assert.ok((await store.sizeBytes()) > 0);
    });
  });
}
