/**
 * Moderation: roles, kicks, bans, time-outs, slow mode, settings, moderators'
 * deletions, and the audit entry each writes. The rank rules are covered whole
 * by the server's permission matrix (test/moderation-matrix.test.ts); here, what
 * each write stores and refuses, and what must hold across several stores.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { ParleyError, type MessageEvent, type RoomEvent } from '@parley/protocol';
import type { Store, StoredUser } from '../store.js';
import { assertPlainJson, clientId, ref, rejectsWith, storeTest, wholeLog, type Fixture, type MakeStore } from './harness.js';

/** Alice owns public room-m; Bob and Carol are members. */
async function moderatedRoom({ store, alice, bob, carol }: Fixture): Promise<void> {
  await store.createRoom({ id: 'room-m', name: 'moderated', kind: 'public', createdBy: ref(alice) });
  await store.join({ room: 'room-m', user: ref(bob) });
  await store.join({ room: 'room-m', user: ref(carol) });
}

const post = (store: Store, user: StoredUser, n: number, room = 'room-m') =>
  store.appendMessage({ room, user: ref(user), clientId: clientId(n), body: `m${n}` }).then((result) => result.event);

async function auditCount(store: Store): Promise<number> {
  return (await store.auditLog({ limit: 200 })).entries.length;
}

/** Runs `action`, and checks that it wrote exactly one audit entry of `action` kind, by `actor`. */
async function oneAuditEntry<T>(store: Store, action: string, actor: StoredUser, run: () => Promise<T>): Promise<T> {
  const before = await auditCount(store);
  const result = await run();
  const { entries } = await store.auditLog({ limit: 200 });
  assert.equal(entries.length, before + 1, `${action}: one audit entry`);
  assert.equal(entries[0]!.action, action);
  assert.deepEqual(entries[0]!.actor, ref(actor));
  assertPlainJson(entries);
  return result;
}

async function refusedWith(promise: Promise<unknown>, code: string): Promise<ParleyError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ParleyError, `expected a ParleyError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}`);
}

export function moderationTests(makeStore: MakeStore): void {
  describe('moderation', () => {
    storeTest(makeStore, 'setRole gives a role below the actor’s own, with a role event, and is null when nothing changes', async (fixture) => {
      const { store, alice, bob, carol } = fixture;
      await moderatedRoom(fixture);
      const event = await oneAuditEntry(store, 'role', alice, () => store.setRole({ room: 'room-m', actor: ref(alice), target: bob.id, role: 'admin' }));
      assert.deepEqual(event, { kind: 'role', room: 'room-m', seq: event!.seq, ts: event!.ts, user: ref(alice), target: ref(bob), role: 'admin' });
      assert.equal(await store.setRole({ room: 'room-m', actor: ref(alice), target: bob.id, role: 'admin' }), null);
      assert.equal(await store.memberRole('room-m', bob.id), 'admin');
      assert.equal((await store.roomSummaryFor('room-m', bob.id))?.role, 'admin');
      assert.deepEqual((await store.listMembers('room-m')).map((m) => m.role), ['owner', 'admin', 'member']);
      // An admin grants moderator, not admin; a moderator grants nothing above member.
      await store.setRole({ room: 'room-m', actor: ref(bob), target: carol.id, role: 'moderator' });
      await rejectsWith(store.setRole({ room: 'room-m', actor: ref(bob), target: carol.id, role: 'admin' }), 'forbidden');
      await rejectsWith(store.setRole({ room: 'room-m', actor: ref(carol), target: bob.id, role: 'member' }), 'forbidden');
      await rejectsWith(store.setRole({ room: 'room-m', actor: ref(bob), target: alice.id, role: 'member' }), 'forbidden');
      await rejectsWith(store.setRole({ room: 'room-m', actor: ref(alice), target: 'user-nobody', role: 'member' }), 'user_not_found');
      // A server admin outranks the owner, and may make owners.
      await store.setRole({ room: 'room-m', actor: { ...ref(carol), admin: true }, target: bob.id, role: 'owner' });
      assert.equal(await store.memberRole('room-m', bob.id), 'owner');
      assert.deepEqual(await store.staffIds('room-m').then((ids) => ids.sort()), [alice.id, bob.id, carol.id].sort());
    });

    storeTest(makeStore, 'kick removes a member with a kick event; they may join again', async (fixture) => {
      const { store, alice, bob } = fixture;
      await moderatedRoom(fixture);
      const event = await oneAuditEntry(store, 'kick', alice, () => store.kick({ room: 'room-m', actor: ref(alice), target: bob.id, reason: 'cool off' }));
      assert.deepEqual(event, { kind: 'kick', room: 'room-m', seq: event.seq, ts: event.ts, user: ref(alice), target: ref(bob) });
      assert.equal(await store.isMember('room-m', bob.id), false);
      assert.equal((await store.auditLog({ room: 'room-m', limit: 1 })).entries[0]!.reason, 'cool off');
      await rejectsWith(store.kick({ room: 'room-m', actor: ref(alice), target: bob.id }), 'user_not_found');
      assert.notEqual(await store.join({ room: 'room-m', user: ref(bob) }), null);
      await rejectsWith(store.kick({ room: 'room-m', actor: ref(bob), target: alice.id }), 'forbidden');
    });

    storeTest(makeStore, 'a ban removes the member and refuses their joins and invitations until it ends or is lifted', async (fixture) => {
      const { store, alice, bob, carol } = fixture;
      await moderatedRoom(fixture);
      const { event, deleted } = await oneAuditEntry(store, 'ban', alice, () => store.ban({ room: 'room-m', actor: ref(alice), target: bob.id }));
      assert.equal(deleted, 0);
      assert.deepEqual(event, { kind: 'ban', room: 'room-m', seq: event.seq, ts: event.ts, user: ref(alice), target: ref(bob), removed: true });
      assert.equal(await store.isMember('room-m', bob.id), false);
      const refused = await refusedWith(store.join({ room: 'room-m', user: ref(bob) }), 'banned');
      assert.equal(refused.retryAfterMs, undefined);
      await rejectsWith(store.join({ room: 'room-m', user: ref(bob), by: ref(carol) }), 'banned');
      assert.deepEqual((await store.listBans('room-m')).map((b) => [b.user.id, b.until]), [[bob.id, undefined]]);
      await oneAuditEntry(store, 'unban', alice, () => store.unban({ room: 'room-m', actor: ref(alice), target: bob.id }));
      await rejectsWith(store.unban({ room: 'room-m', actor: ref(alice), target: bob.id }), 'not_found');
      assert.notEqual(await store.join({ room: 'room-m', user: ref(bob) }), null);

      // A ban with an end, of someone who is not a member.
      await store.leave({ room: 'room-m', user: ref(bob) });
      const until = Date.now() + 400;
      const timed = await store.ban({ room: 'room-m', actor: ref(alice), target: bob.id, until });
      assert.equal((timed.event as Extract<RoomEvent, { kind: 'ban' }>).until, until);
      assert.equal((timed.event as Extract<RoomEvent, { kind: 'ban' }>).removed, undefined, 'not a member: nobody removed');
      const early = await refusedWith(store.join({ room: 'room-m', user: ref(bob) }), 'banned');
      assert.ok(early.retryAfterMs! > 0 && early.retryAfterMs! <= 400);
      await new Promise((resolve) => setTimeout(resolve, until - Date.now() + 20));
      assert.notEqual(await store.join({ room: 'room-m', user: ref(bob) }), null, 'the ban ended');
      assert.deepEqual(await store.listBans('room-m'), []);
      await rejectsWith(store.ban({ room: 'room-m', actor: ref(bob), target: carol.id }), 'forbidden');
    });

    storeTest(makeStore, 'a ban can delete the banned member’s recent messages, each a moderated tombstone named in the event', async (fixture) => {
      const { store, alice, bob, carol } = fixture;
      await moderatedRoom(fixture);
      const old = await post(store, bob, 1);
      const since = Date.now() + 5;
      await new Promise((resolve) => setTimeout(resolve, 10));
      const recent = [await post(store, bob, 2), await post(store, bob, 3)];
      const kept = await post(store, carol, 4);
      await store.react({ room: 'room-m', user: ref(carol), target: recent[0]!.seq, emoji: '👍', on: true });
      await store.editMessage({ room: 'room-m', user: ref(bob), target: recent[1]!.seq, body: 'edited' });
      const { event, deleted } = await store.ban({ room: 'room-m', actor: ref(alice), target: bob.id, deleteSince: since });
      assert.equal(deleted, 2);
      assert.deepEqual((event as Extract<RoomEvent, { kind: 'ban' }>).deleted, recent.map((m) => m.seq));
      for (const message of recent) {
        const { editedTs: _edited, ...stored } = (await store.findMessage('room-m', message.seq))!;
        assert.deepEqual({ ...stored, ts: 0 }, { kind: 'message', room: 'room-m', seq: message.seq, ts: 0, user: ref(bob), id: message.id, body: '', deleted: true, moderated: true });
      }
      const log = await wholeLog(store, 'room-m');
      assert.ok(log.filter((e) => e.kind === 'edit').every((e) => e.kind === 'edit' && e.body === ''), 'edit bodies erased');
      assert.equal((await store.findMessage('room-m', old.seq))?.deleted, undefined);
      assert.equal((await store.findMessage('room-m', kept.seq))?.deleted, undefined);
      assert.deepEqual((await store.auditLog({ room: 'room-m', limit: 1 })).entries[0]!.details, { deleted: 2 });
    });

    storeTest(makeStore, 'a time-out refuses sends, edits and reactions until it ends, survives leaving, and is lifted with 0', async (fixture) => {
      const { store, alice, bob } = fixture;
      await moderatedRoom(fixture);
      const mine = await post(store, bob, 1);
      const until = Date.now() + 60_000;
      const event = await oneAuditEntry(store, 'timeout', alice, () => store.timeout({ room: 'room-m', actor: ref(alice), target: bob.id, until }));
      assert.deepEqual(event, { kind: 'timeout', room: 'room-m', seq: event.seq, ts: event.ts, user: ref(alice), target: ref(bob), until });
      const refused = await refusedWith(post(store, bob, 2), 'timed_out');
      assert.ok(refused.retryAfterMs! > 59_000 && refused.retryAfterMs! <= 60_000);
      await rejectsWith(store.editMessage({ room: 'room-m', user: ref(bob), target: mine.seq, body: 'x' }), 'timed_out');
      await rejectsWith(store.react({ room: 'room-m', user: ref(bob), target: mine.seq, emoji: '👍', on: true }), 'timed_out');
      assert.equal((await store.roomSummaryFor('room-m', bob.id))?.timedOutUntil, until);
      assert.equal((await store.listMembers('room-m')).find((m) => m.user.id === bob.id)?.timedOutUntil, until);
      // Leaving and joining again keeps it.
      await store.leave({ room: 'room-m', user: ref(bob) });
      await store.join({ room: 'room-m', user: ref(bob) });
      await rejectsWith(post(store, bob, 3), 'timed_out');
      // Deleting one's own message stays allowed.
      await store.deleteMessage({ room: 'room-m', user: ref(bob), target: mine.seq });
      await store.timeout({ room: 'room-m', actor: ref(alice), target: bob.id, until: 0 });
      assert.equal((await store.roomSummaryFor('room-m', bob.id))?.timedOutUntil, undefined);
      await post(store, bob, 4);
    });

    storeTest(makeStore, 'slow mode: one message per interval for members, moderators exempt, kept across leaving', async (fixture) => {
      const { store, alice, bob } = fixture;
      await moderatedRoom(fixture);
      const event = await oneAuditEntry(store, 'settings', alice, () => store.updateRoomSettings({ room: 'room-m', actor: ref(alice), slowModeSeconds: 30 }));
      assert.deepEqual(event, { kind: 'settings', room: 'room-m', seq: event.seq, ts: event.ts, user: ref(alice), settings: { slowModeSeconds: 30 } });
      assert.deepEqual((await store.roomSummaryFor('room-m', bob.id))?.settings, { slowModeSeconds: 30 });
      await post(store, bob, 1);
      const refused = await refusedWith(post(store, bob, 2), 'slow_mode');
      assert.ok(refused.retryable);
      assert.ok(refused.retryAfterMs! > 29_000 && refused.retryAfterMs! <= 30_000);
      // A retry of the stored one is still answered as a duplicate.
      assert.equal((await store.appendMessage({ room: 'room-m', user: ref(bob), clientId: clientId(1), body: 'm1' })).duplicate, true);
      await store.leave({ room: 'room-m', user: ref(bob) });
      await store.join({ room: 'room-m', user: ref(bob) });
      await rejectsWith(post(store, bob, 3), 'slow_mode');
      for (let n = 10; n < 13; n++) await post(store, alice, n);
      await store.updateRoomSettings({ room: 'room-m', actor: ref(alice), slowModeSeconds: 0 });
      await post(store, bob, 4);
      assert.equal((await store.roomSummaryFor('room-m', bob.id))?.settings, undefined);
    });

    storeTest(makeStore, 'slow mode cannot be beaten by sending through several stores at once', async (fixture) => {
      const { store, alice, bob } = fixture;
      const stores = [store, await fixture.another(), await fixture.another(), await fixture.another()];
      await moderatedRoom(fixture);
      await store.updateRoomSettings({ room: 'room-m', actor: ref(alice), slowModeSeconds: 60 });
      for (let round = 0; round < 3; round++) {
        const sends = stores.flatMap((s, i) => [0, 1].map((k) => post(s, bob, round * 100 + i * 10 + k)));
        const outcomes = await Promise.allSettled(sends);
        const stored = outcomes.filter((o) => o.status === 'fulfilled');
        if (round === 0) assert.equal(stored.length, 1, 'one message of eight');
        else assert.equal(stored.length, 0, 'none while the interval runs');
        for (const o of outcomes) if (o.status === 'rejected') assert.equal((o.reason as ParleyError).code, 'slow_mode');
      }
      assert.equal((await wholeLog(store, 'room-m')).filter((e) => e.kind === 'message').length, 1);
    });

    storeTest(makeStore, 'read-only rooms, permissions and mentions of everyone follow the settings', async (fixture) => {
      const { store, alice, bob, carol } = fixture;
      await moderatedRoom(fixture);
      await store.setRole({ room: 'room-m', actor: ref(alice), target: carol.id, role: 'moderator' });
      await rejectsWith(store.updateRoomSettings({ room: 'room-m', actor: ref(carol), readOnly: true }), 'forbidden');
      await store.updateRoomSettings({ room: 'room-m', actor: ref(alice), readOnly: true });
      await rejectsWith(post(store, bob, 1), 'forbidden');
      await post(store, carol, 2);
      await store.updateRoomSettings({ room: 'room-m', actor: ref(alice), readOnly: false });
      await rejectsWith(store.appendMessage({ room: 'room-m', user: ref(bob), clientId: clientId(3), body: 'hey @room' }), 'forbidden');
      await store.appendMessage({ room: 'room-m', user: ref(carol), clientId: clientId(4), body: 'hey @everyone' });
      // Only the owner changes permissions: reactions for moderators only, mentions of everyone for members.
      await rejectsWith(store.updateRoomSettings({ room: 'room-m', actor: ref(carol), permissions: { react: 'moderator' } }), 'forbidden');
      await store.updateRoomSettings({ room: 'room-m', actor: ref(alice), permissions: { react: 'moderator', mention_all: 'member' } });
      const message = await post(store, carol, 5);
      await rejectsWith(store.react({ room: 'room-m', user: ref(bob), target: message.seq, emoji: '👍', on: true }), 'forbidden');
      await store.appendMessage({ room: 'room-m', user: ref(bob), clientId: clientId(6), body: 'hey @here' });
      // Setting a permission back to its default leaves no trace of it.
      await store.updateRoomSettings({ room: 'room-m', actor: ref(alice), permissions: { react: 'member' } });
      assert.deepEqual((await store.roomSummaryFor('room-m', bob.id))?.settings, { permissions: { mention_all: 'member' } });
      await rejectsWith(store.updateRoomSettings({ room: 'lobby', actor: ref(alice), readOnly: true }), 'not_member');
    });

    storeTest(makeStore, 'a moderator deletes a lower member’s message as a moderated tombstone; not an equal’s, not in a DM', async (fixture) => {
      const { store, alice, bob, carol } = fixture;
      await moderatedRoom(fixture);
      await store.setRole({ room: 'room-m', actor: ref(alice), target: carol.id, role: 'moderator' });
      const message = await post(store, bob, 1);
      const event = await oneAuditEntry(store, 'delete_message', carol, () =>
        store.deleteMessage({ room: 'room-m', user: ref(carol), target: message.seq, reason: 'spam' }),
      );
      assert.deepEqual(event, { kind: 'delete', room: 'room-m', seq: event.seq, ts: event.ts, user: ref(carol), target: message.seq, moderated: true });
      assert.equal((await store.findMessage('room-m', message.seq))?.moderated, true);
      const entry = (await store.auditLog({ room: 'room-m', limit: 1 })).entries[0]!;
      assert.deepEqual([entry.target, entry.reason, entry.details], [ref(bob), 'spam', { seq: message.seq }]);
      const owners = await post(store, alice, 2);
      await rejectsWith(store.deleteMessage({ room: 'room-m', user: ref(carol), target: owners.seq }), 'forbidden');
      await rejectsWith(store.deleteMessage({ room: 'room-m', user: ref(bob), target: owners.seq }), 'forbidden');
      // Deleting one's own message writes no audit entry.
      const before = await auditCount(store);
      const own = await post(store, bob, 3);
      const selfDelete = await store.deleteMessage({ room: 'room-m', user: ref(bob), target: own.seq });
      assert.equal((selfDelete as Extract<RoomEvent, { kind: 'delete' }>).moderated, undefined);
      assert.equal(await auditCount(store), before);
      await store.createRoom({ id: 'dm-ab', name: 'dm', kind: 'dm', createdBy: ref(alice), members: [ref(bob)] });
      const dm = await post(store, bob, 4, 'dm-ab');
      await rejectsWith(store.deleteMessage({ room: 'dm-ab', user: ref(alice), target: dm.seq }), 'forbidden');
      await rejectsWith(store.kick({ room: 'dm-ab', actor: ref(alice), target: bob.id }), 'forbidden');
    });

    storeTest(makeStore, 'reports reach the open list once per reporter and message, and resolving one is audited', async (fixture) => {
      const { store, alice, bob, carol } = fixture;
      await moderatedRoom(fixture);
      const message: MessageEvent = await post(store, bob, 1);
      const report = await store.report({ room: 'room-m', user: ref(carol), target: message.seq, reason: 'rude' });
      assert.deepEqual({ ...report, ts: 0 }, { id: report.id, room: 'room-m', target: message.seq, author: ref(bob), reporter: ref(carol), reason: 'rude', ts: 0 });
      assert.deepEqual(await store.report({ room: 'room-m', user: ref(carol), target: message.seq }), report);
      assert.deepEqual(await store.openReports('room-m', 10), [report]);
      await rejectsWith(store.report({ room: 'room-m', user: ref(carol), target: 9999 }), 'not_found');
      await rejectsWith(store.resolveReport({ room: 'room-m', actor: ref(carol), report: report.id }), 'forbidden');
      const resolved = await oneAuditEntry(store, 'resolve_report', alice, () => store.resolveReport({ room: 'room-m', actor: ref(alice), report: report.id }));
      assert.deepEqual(resolved.resolved?.by, ref(alice));
      assert.deepEqual(await store.openReports('room-m', 10), []);
      const before = await auditCount(store);
      await store.resolveReport({ room: 'room-m', actor: ref(alice), report: report.id });
      assert.equal(await auditCount(store), before, 'resolving twice writes once');
    });

    storeTest(makeStore, 'blocks: listed in order, idempotent, and a blocked person cannot write to the blocker in a DM', async (fixture) => {
      const { store, alice, bob, carol } = fixture;
      await store.createRoom({ id: 'dm-ab', name: 'dm', kind: 'dm', createdBy: ref(alice), members: [ref(bob)] });
      await store.setBlock({ user: alice.id, blocked: bob.id, on: true });
      await store.setBlock({ user: alice.id, blocked: bob.id, on: true });
      await store.setBlock({ user: alice.id, blocked: carol.id, on: true });
      assert.deepEqual((await store.blockedBy(alice.id)).map((u) => u.id), [bob.id, carol.id]);
      await rejectsWith(post(store, bob, 1, 'dm-ab'), 'forbidden');
      await post(store, alice, 2, 'dm-ab');
      await rejectsWith(store.setBlock({ user: alice.id, blocked: alice.id, on: true }), 'forbidden');
      await rejectsWith(store.setBlock({ user: alice.id, blocked: 'user-nobody', on: true }), 'user_not_found');
      await store.setBlock({ user: alice.id, blocked: bob.id, on: false });
      assert.deepEqual((await store.blockedBy(alice.id)).map((u) => u.id), [carol.id]);
      await post(store, bob, 3, 'dm-ab');
    });

    storeTest(makeStore, 'the audit log pages newest first, per room or server-wide', async (fixture) => {
      const { store, alice, bob, carol } = fixture;
      await moderatedRoom(fixture);
      await store.setRole({ room: 'room-m', actor: ref(alice), target: bob.id, role: 'moderator' });
      await store.setRole({ room: 'room-m', actor: ref(alice), target: carol.id, role: 'moderator' });
      await store.signOutUser({ actor: ref(alice), target: bob.id });
      const all = await store.auditLog({ limit: 2 });
      assert.deepEqual(all.entries.map((e) => e.action), ['sign_out_user', 'role']);
      assert.equal(all.hasMore, true);
      assert.equal(all.entries[0]!.room, null);
      const rest = await store.auditLog({ limit: 2, before: all.entries[1]!.id });
      assert.deepEqual([rest.entries.map((e) => e.target?.id), rest.hasMore], [[bob.id], false]);
      assert.deepEqual((await store.auditLog({ room: 'room-m', limit: 10 })).entries.map((e) => e.action), ['role', 'role']);
    });
  });
}
