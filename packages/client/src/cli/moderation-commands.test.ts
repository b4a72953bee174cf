/**
 * The terminal client's moderation commands against a real server: the owner of a
 * room gives a role, times someone out and lets them speak again, sets slow mode,
 * kicks, bans and unbans, by username or display name; each shows on the line
 * others see, and another client's state follows.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, waitFor, within } from '../test-support/helpers.js';
import { startTerminal } from '../test-support/terminal.js';
import { parseDuration } from './moderation-commands.js';

it('reads durations: seconds, minutes (the default), hours, days', () => {
  assert.deepEqual(['30s', '10', '10m', '2h', '7d', 'soon', '1w'].map(parseDuration), [30_000, 600_000, 600_000, 7_200_000, 604_800_000, null, null]);
});

it('moderates the room on screen with /role, /mute, /unmute, /slow, /kick, /ban and /unban', { timeout: 60_000 }, async (t) => {
  const { server, pool } = await startServer(t);
  const bob = pool.create(server.url, { kind: 'register', username: 'bob', password: 'correct horse battery', name: 'Bob' });
  await within('bob connects', bob.connect());
  const alice = startTerminal(t, ['chat', '--server', server.url, '--guest', 'Alice']);
  await alice.waitForLine('alice connects', /\* connected to/);
  alice.type('/join watercooler');
  await alice.waitForLine('alice made the room', /now in #watercooler/);
  const room = (await bob.listRooms()).find((r) => r.name === 'watercooler')!;
  await bob.join(room.id);

  alice.type('/role bob moderator');
  await waitFor('bob is a moderator', () => bob.room(room.id)?.role === 'moderator');
  await alice.waitForLine('the role shows', /Alice made Bob a moderator/);
  alice.type('/role bob member');
  await waitFor('bob is a member again', () => bob.room(room.id)?.role === 'member');
  alice.type('/mute Bob 10m too loud');
  await waitFor('bob is timed out', () => (bob.room(room.id)?.timedOutUntil ?? 0) > Date.now() + 9 * 60_000);
  await alice.waitForLine('the time-out shows', /Alice timed Bob out until/);
  alice.type('/unmute @bob');
  await waitFor('bob may speak', () => bob.room(room.id)?.timedOutUntil === undefined);
  alice.type('/slow 15');
  await waitFor('slow mode is on', () => bob.room(room.id)?.settings.slowModeSeconds === 15);
  await alice.waitForLine('slow mode shows', /changed the room's settings: slow mode 15 s/);
  alice.type('/kick bob');
  await waitFor('bob is out', () => bob.room(room.id)?.joined === false);
  await bob.join(room.id);
  await bob.send(room.id, 'back again');
  alice.type('/ban bob 1h spam');
  await waitFor('bob is banned', () => bob.room(room.id)?.joined === false);
  await alice.waitForLine('the ban shows', /Alice banned Bob until/);
  await assert.rejects(bob.join(room.id), (error: { code?: string }) => error.code === 'banned');
  alice.type('/unban bob');
  await alice.waitForLine('the unban is confirmed', /Bob may come back/);
  await bob.join(room.id);
  alice.type('/kick nobody');
  await alice.waitForLine('an unknown member is named', /no member "nobody"/);
  assert.equal(await alice.end(), 0);
});
