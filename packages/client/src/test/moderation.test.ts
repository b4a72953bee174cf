/**
 * Moderation through the SDK against a real server: the calls, and the state
 * every client keeps from the events (roles, time-outs, settings, removals,
 * moderated tombstones), live reports and the block list across two clients.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { ParleyError } from '@parley/protocol';
import { messagesOf, startServer, waitFor, within } from '../test-support/helpers.js';

it('moderates a room, and every client’s state follows', { timeout: 30_000 }, async (t) => {
  const { server, pool } = await startServer(t, { env: { ADMIN_USERS: 'ada' } });
  const ada = pool.create(server.url, { kind: 'register', username: 'ada', password: 'correct horse battery', name: 'Ada' });
  const bob = pool.create(server.url, { kind: 'guest', name: 'Bob' });
  const cy = pool.create(server.url, { kind: 'guest', name: 'Cy' });
  await within('clients connect', Promise.all([ada.connect(), bob.connect(), cy.connect()]));
  assert.deepEqual([ada.admin, ada.getSnapshot().admin, bob.getSnapshot().admin], [true, true, false]);

  const room = await ada.createRoom('moderated');
  await bob.join(room.id);
  await cy.join(room.id);
  const bobId = bob.user!.id;
  const cyId = cy.user!.id;
  assert.equal(ada.room(room.id)!.role, 'owner');

  await ada.setRole(room.id, bobId, 'moderator');
  await waitFor('bob learns his role', () => bob.room(room.id)!.role === 'moderator');
  await waitFor('cy sees it in the member list', () => cy.room(room.id)!.members.some((m) => m.user.id === bobId && m.role === 'moderator'));

  const until = await bob.timeout(room.id, cyId, 60_000, 'calm down');
  await waitFor('cy learns of the time-out', () => cy.room(room.id)!.timedOutUntil === until);
  await assert.rejects(cy.send(room.id, 'muted?'), (error) => error instanceof ParleyError && error.code === 'timed_out');
  await bob.timeout(room.id, cyId, 0);
  await waitFor('the time-out is lifted', () => cy.room(room.id)!.timedOutUntil === undefined);

  const { seq } = await cy.send(room.id, 'something rude');
  const reported = await ada.report(room.id, seq, 'rude');
  await waitFor('the moderator gets the report live', () => bob.getSnapshot().reports.some((r) => r.id === reported.id));
  assert.deepEqual((await bob.reports(room.id)).map((r) => r.id), [reported.id]);
  await bob.delete(room.id, seq, 'rude');
  await bob.resolveReport(room.id, reported.id);
  await waitFor('everyone sees a moderated tombstone', () =>
    [ada, cy].every((c) => messagesOf(c, room.id).some((m) => m.seq === seq && m.deleted && m.moderated === true)),
  );

  const settings = await ada.updateRoomSettings(room.id, { slowModeSeconds: 30, readOnly: false });
  assert.deepEqual(settings, { slowModeSeconds: 30 });
  await waitFor('cy sees slow mode', () => cy.room(room.id)!.settings.slowModeSeconds === 30);

  await cy.send(room.id, 'one');
  const slowed = cy.send(room.id, 'two').then(() => 'sent', (error: ParleyError) => error.code);
  await waitFor('the second waits in the outbox, queued', () => cy.room(room.id)!.pending.some((p) => p.body === 'two' && p.state === 'queued'));
  await ada.updateRoomSettings(room.id, { slowModeSeconds: 0 });

  const result = await bob.ban(room.id, cyId, { deleteMessagesMs: 60_000, reason: 'enough' });
  assert.equal(result.deleted, 1);
  await waitFor('cy has left the room', () => cy.room(room.id)?.joined !== true);
  assert.equal(await slowed, 'not_member', 'a message waiting out slow mode is dropped when its author is banned');
  await waitFor('ada sees the ban and the deleted message', () => messagesOf(ada, room.id).find((m) => m.body === '' && m.moderated)?.deleted === true);
  assert.equal(ada.room(room.id)!.memberCount, 2);
  await assert.rejects(cy.join(room.id), (error) => error instanceof ParleyError && error.code === 'banned');
  assert.deepEqual((await bob.bans(room.id)).map((b) => b.user.id), [cyId]);
  const audit = await ada.auditLog(room.id);
  assert.deepEqual(audit.entries.map((e) => e.action), ['ban', 'settings', 'settings', 'resolve_report', 'delete_message', 'timeout', 'timeout', 'role']);

  // A block reaches the blocker's other client.
  const adaElsewhere = pool.create(server.url, { kind: 'password', username: 'ada', password: 'correct horse battery' });
  await adaElsewhere.connect();
  await ada.block(cyId);
  await waitFor('the other client learns the list', () => adaElsewhere.isBlocked(cyId));
  assert.deepEqual(ada.getSnapshot().blocked.map((u) => u.id), [cyId]);
  await ada.unblock(cyId);
  await waitFor('and its change', () => !adaElsewhere.isBlocked(cyId));
});
