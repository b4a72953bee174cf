/** Accounts, sessions and renames. */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { assertPlainJson, ref, rejectsWith, storeTest, wholeLog, type MakeStore } from './harness.js';

export function accountTests(makeStore: MakeStore): void {
  describe('accounts and sessions', () => {
    storeTest(makeStore, 'createUser stores a user that each finder returns', async ({ store, alice, bob, carol }) => {
      assert.deepEqual(
        { ...alice, createdAt: 0 },
        { id: 'user-alice', username: 'alice', name: 'Alice', kind: 'account', passwordHash: 'hash-a', externalId: null, createdAt: 0, disabled: false },
      );
      assert.ok(Math.abs(alice.createdAt - Date.now()) < 60_000);
      assert.deepEqual(bob.passwordHash, null);
      assert.deepEqual(await store.findUserById(alice.id), alice);
      assert.deepEqual(await store.findUserByUsername('bob'), bob);
      assert.deepEqual(await store.findUserByExternalId('sub-carol'), carol);
      assert.equal(await store.findUserById('nobody'), null);
      const found = await store.findUsersByIds([carol.id, 'nobody', alice.id, alice.id]);
      assert.deepEqual(found.sort((a, b) => a.id.localeCompare(b.id)), [alice, carol].sort((a, b) => a.id.localeCompare(b.id)));
      assert.deepEqual(await store.findUsersByIds([]), []);
      assert.equal(await store.findUserByUsername('nobody'), null);
      assert.equal(await store.findUserByExternalId('sub-nobody'), null);
    });

    storeTest(makeStore, 'usernames are unique and stored lowercase', async ({ store }) => {
      const dora = await store.createUser({ id: 'user-dora', username: 'Dora', name: 'Dora', kind: 'account' });
      assert.equal(dora.username, 'dora');
      assert.deepEqual(await store.findUserByUsername('dora'), dora);
      await rejectsWith(store.createUser({ id: 'user-alice-2', username: 'alice', name: 'Another', kind: 'guest' }), 'name_taken');
      await rejectsWith(store.createUser({ id: 'user-dora-2', username: 'DORA', name: 'Another', kind: 'guest' }), 'name_taken');
      assert.equal(await store.findUserById('user-alice-2'), null);
      assert.equal(await store.findUserById('user-dora-2'), null);
    });

    storeTest(makeStore, 'sessions are found until revoked, and stay found as revoked', async ({ store, alice }) => {
      const expiresAt = Date.now() + 3_600_000;
      await store.createSession('hash-1', alice.id, expiresAt);
      assert.deepEqual(await store.findSession('hash-1'), { userId: alice.id, expiresAt, revoked: false });
      assert.equal(await store.findSession('hash-2'), null);
      await store.revokeSession('hash-1');
      assert.deepEqual(await store.findSession('hash-1'), { userId: alice.id, expiresAt, revoked: true });
      await store.revokeSession('hash-unknown');
      assert.equal(await store.findSession('hash-unknown'), null);
    });

    storeTest(makeStore, 'a session is found with its user in one read, revoked or not; none for an unknown token', async ({ store, alice }) => {
      const expiresAt = Date.now() + 3_600_000;
      await store.createSession('hash-1', alice.id, expiresAt);
      assert.deepEqual(await store.findSessionUser('hash-1'), { session: { userId: alice.id, expiresAt, revoked: false }, user: await store.findUserById(alice.id) });
      await store.revokeSession('hash-1');
      assert.deepEqual((await store.findSessionUser('hash-1'))?.session, await store.findSession('hash-1'));
      assert.equal(await store.findSessionUser('hash-unknown'), null);
    });

    storeTest(makeStore, 'revoked JWTs: one by its jti, or a subject\'s issued before a time; listed for the sweep', async ({ store }) => {
      const before = Date.now();
      assert.equal(await store.tokenRevoked({ subject: 'sub-a', jti: 'jti-1', issuedAt: 1000 }), false);
      await store.revokeTokens({ jti: 'jti-1' });
      assert.equal(await store.tokenRevoked({ subject: 'sub-a', jti: 'jti-1', issuedAt: 1000 }), true);
      assert.equal(await store.tokenRevoked({ subject: 'sub-a', jti: 'jti-2', issuedAt: 1000 }), false);
      await store.revokeTokens({ subject: 'sub-b', notBefore: 5000 });
      assert.equal(await store.tokenRevoked({ subject: 'sub-b', issuedAt: 4999 }), true);
      assert.equal(await store.tokenRevoked({ subject: 'sub-b', issuedAt: 5000 }), false, 'issued at the time: valid');
      assert.equal(await store.tokenRevoked({ subject: 'sub-b' }), true, 'no iat: counted as issued before');
      await store.revokeTokens({ subject: 'sub-b', notBefore: 9000 });
      assert.equal(await store.tokenRevoked({ subject: 'sub-b', issuedAt: 6000 }), true, 'a later revocation moves the time');
      await store.revokeTokens({ jti: 'jti-1' });
      const listed = await store.revocationsSince(before - 1);
      assertPlainJson(listed);
      assert.deepEqual(
        listed.map(({ createdAt: _, ...rest }) => rest).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
        [{ jti: 'jti-1' }, { subject: 'sub-b', notBefore: 9000 }],
      );
      assert.deepEqual(await store.revocationsSince(Date.now() + 60_000), []);
    });

    storeTest(makeStore, 'renameUser appends a rename event to each of the user\'s rooms', async ({ store, alice, bob }) => {
      await store.join({ room: 'lobby', user: ref(alice) });
      await store.createRoom({ id: 'room-r', name: 'r', kind: 'private', createdBy: ref(alice) });
      await store.createRoom({ id: 'room-other', name: 'other', kind: 'public', createdBy: ref(bob) });
      const { event: message } = await store.appendMessage({ room: 'lobby', user: ref(alice), clientId: 'client-0001', body: 'hi' });

      const { user, events } = await store.renameUser(alice.id, 'Alicia');
      assert.deepEqual(user, { ...alice, name: 'Alicia' });
      assert.deepEqual(await store.findUserById(alice.id), user);
      assert.deepEqual(
        events.map((event) => ({ ...event, ts: 0 })).sort((a, b) => a.room.localeCompare(b.room)),
        [
          { kind: 'rename', room: 'lobby', seq: message.seq + 1, ts: 0, user: { id: alice.id, name: 'Alicia' }, from: 'Alice', to: 'Alicia' },
          { kind: 'rename', room: 'room-r', seq: 3, ts: 0, user: { id: alice.id, name: 'Alicia' }, from: 'Alice', to: 'Alicia' },
        ],
      );
      for (const event of events) assert.deepEqual((await wholeLog(store, event.room)).at(-1), event);
      assert.equal(await store.latestSeq('room-other'), 2);
      // Earlier events keep the name the user had then.
      assert.deepEqual((await store.findMessage('lobby', message.seq))?.user, { id: alice.id, name: 'Alice' });
      assert.equal((await store.listMembers('lobby'))[0]?.user.name, 'Alicia');

      assert.deepEqual(await store.renameUser(alice.id, 'Alicia'), { user, events: [] });
      await rejectsWith(store.renameUser('nobody', 'X'), 'not_found');
    });
  });
}
