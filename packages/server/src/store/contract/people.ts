/** The people picker's search, the profile card's visibility, the guest lifecycle's reads and the claim of a guest identity. */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { ref, rejectsWith, storeTest, type MakeStore } from './harness.js';

export function peopleTests(makeStore: MakeStore): void {
  describe('people', () => {
    storeTest(makeStore, 'people are found by display name or username among those sharing a room, best matches first; never a stranger or a disabled account', async ({ store, alice, bob, carol }) => {
      const seoyeon = await store.createUser({ id: 'user-seo', username: 'seo-1a2b3c', name: '김서연', kind: 'guest' });
      const bobby = await store.createUser({ id: 'user-bobby', username: 'rob', name: 'Bobby Tables', kind: 'account', passwordHash: 'h' });
      const stranger = await store.createUser({ id: 'user-stranger', username: 'bobcat', name: 'Bob Stranger', kind: 'account', passwordHash: 'h' });
      for (const user of [alice, bob, seoyeon, bobby]) await store.join({ room: 'lobby', user: ref(user) });
      await store.createRoom({ id: 'room-p', name: 'private', kind: 'private', createdBy: ref(carol) });
      await store.createRoom({ id: 'room-q', name: 'another', kind: 'private', createdBy: ref(stranger) });
      const find = async (query: string, userId = alice.id, room?: string) =>
        (await store.findPeople({ userId, query, room, limit: 20 })).map((u) => u.id);

      // "Bob" and "Bobby Tables" start with it; "Bob Stranger" shares no room with Alice.
      assert.deepEqual(await find('bob'), [bob.id, bobby.id]);
      assert.deepEqual(await find('BOB'), [bob.id, bobby.id]);
      // Containing, after starting: "bles" is inside "Bobby Tables"; "ro" starts rob's username.
      assert.deepEqual(await find('bles'), [bobby.id]);
      assert.deepEqual(await find('ro'), [bobby.id]);
      // Korean, two syllables inside the name; the username too.
      assert.deepEqual(await find('서연'), [seoyeon.id]);
      assert.deepEqual(await find('seo-1a'), [seoyeon.id]);
      // LIKE's own characters are text.
      assert.deepEqual(await find('%'), []);
      assert.deepEqual(await find('_'), []);
      // Carol is in no room with Alice; Alice finds herself.
      assert.deepEqual(await find('carol'), []);
      assert.deepEqual(await find('alice'), [alice.id]);
      // Within one room: only its members.
      assert.deepEqual(await find('', carol.id, 'room-p'), [carol.id]);
      assert.deepEqual(await find('', stranger.id), [stranger.id]);
      // An empty query lists everyone sharing a room, by name; the limit holds.
      assert.deepEqual(await find(''), [alice.id, bob.id, bobby.id, seoyeon.id]);
      assert.equal((await store.findPeople({ userId: alice.id, query: '', limit: 2 })).length, 2);
      // Only what a member list shows.
      assert.deepEqual(await store.findPeople({ userId: alice.id, query: 'bobby', limit: 5 }), [{ id: bobby.id, name: 'Bobby Tables', username: 'rob', kind: 'account' }]);

      await store.setUserDisabled({ actor: ref(alice), target: bobby.id, disabled: true });
      assert.deepEqual(await find('bob'), [bob.id]);

      assert.deepEqual(await store.visiblePerson(alice.id, bob.id), { id: bob.id, name: 'Bob', username: 'bob', kind: 'guest' });
      assert.equal((await store.visiblePerson(alice.id, alice.id))?.id, alice.id);
      assert.equal(await store.visiblePerson(alice.id, stranger.id), null);
      assert.equal(await store.visiblePerson(alice.id, bobby.id), null);
      assert.equal(await store.visiblePerson(alice.id, 'user-nobody'), null);
    });

    storeTest(makeStore, 'departed guests: those whose every session ended, and those without any once old enough', async ({ store, alice, bob }) => {
      const now = Date.now();
      const fresh = await store.createUser({ id: 'user-fresh', username: 'fresh', name: 'Fresh', kind: 'guest' });
      const ended = await store.createUser({ id: 'user-ended', username: 'ended', name: 'Ended', kind: 'guest' });
      await store.createSession('hash-bob', bob.id, now + 60_000);
      await store.createSession('hash-ended-1', ended.id, now - 1);
      await store.createSession('hash-ended-2', ended.id, now + 60_000);
      await store.revokeSession('hash-ended-2');
      await store.createSession('hash-alice', alice.id, now - 1);
      // Alice is an account: never. Bob has a live session. Fresh has none yet and is young.
      assert.deepEqual(await store.departedGuests({ now, createdBefore: now - 60_000, limit: 10 }), [ended.id]);
      // Every user was made before this.
      const later = Date.now() + 1;
      assert.deepEqual((await store.departedGuests({ now, createdBefore: later, limit: 10 })).sort(), [ended.id, fresh.id].sort());
      // Bob's session expires.
      assert.deepEqual((await store.departedGuests({ now: now + 120_000, createdBefore: later, limit: 10 })).sort(), [bob.id, ended.id, fresh.id].sort());
      assert.equal((await store.departedGuests({ now: now + 120_000, createdBefore: later, limit: 1 })).length, 1);
    });

    storeTest(makeStore, 'a guest claims their identity: an account with the same id, rooms and DMs; a taken username or a non-guest is refused', async ({ store, alice, bob, carol }) => {
      await store.join({ room: 'lobby', user: ref(bob) });
      await store.createRoom({ id: 'dm-ab', name: 'dm', kind: 'dm', createdBy: ref(alice), members: [ref(bob)] });
      await rejectsWith(store.claimGuest({ user: bob.id, username: 'alice', passwordHash: 'h' }), 'name_taken');
      await rejectsWith(store.claimGuest({ user: alice.id, passwordHash: 'h' }), 'forbidden');
      await rejectsWith(store.claimGuest({ user: carol.id, passwordHash: 'h' }), 'forbidden');
      const claimed = await store.claimGuest({ user: bob.id, username: 'Robert', passwordHash: 'hash-bob' });
      assert.deepEqual([claimed.id, claimed.username, claimed.kind, claimed.passwordHash], [bob.id, 'robert', 'account', 'hash-bob']);
      assert.deepEqual(await store.findUserByUsername('robert'), claimed);
      assert.equal(await store.findUserByUsername('bob'), null);
      assert.deepEqual((await store.memberRoomIds(bob.id)).sort(), ['dm-ab', 'lobby']);
      // An account is never a departed guest, and cannot claim again.
      assert.deepEqual(await store.departedGuests({ now: Date.now(), createdBefore: Date.now() + 1, limit: 10 }), []);
      await rejectsWith(store.claimGuest({ user: bob.id, passwordHash: 'h' }), 'forbidden');
      // Keeping the username one has.
      const dan = await store.createUser({ id: 'user-dan', username: 'dan-123abc', name: 'Dan', kind: 'guest' });
      assert.equal((await store.claimGuest({ user: dan.id, passwordHash: 'h' })).username, 'dan-123abc');
    });
  });
}
