/**
 * /edit and /delete in the terminal act on the message the person means — their
 * last one in the conversation on screen, or the one they name — and never on a
 * message in another room: text meant for one person must not become public.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { messagesOf, startServer, waitFor, within } from '../test-support/helpers.js';
import { startTerminal } from '../test-support/terminal.js';

it('/dm puts the conversation on screen, so /edit and /delete right after it change the DM, not the lobby', { timeout: 60_000 }, async (t) => {
  const { server, pool } = await startServer(t);
  const bob = pool.create(server.url, { kind: 'register', username: 'bob', password: 'correct horse battery', name: 'Bob' });
  await within('bob connects', bob.connect());
  const alice = startTerminal(t, ['chat', '--server', server.url, '--guest', 'Alice']);
  await alice.waitForLine('alice connects', /\* connected to/);

  alice.type('see you all at three');
  await waitFor('the lobby has alice\'s message', () => messagesOf(bob, 'lobby').some((m) => m.body === 'see you all at three'));
  // Typed at once, as a person does: the edit runs before the DM's message is back from the server as an event.
  alice.type('/dm bob my new number is 555-0100');
  alice.type('/edit my new number is 555-0199');
  const dm = () => bob.getSnapshot().rooms.find((room) => room.kind === 'dm');
  await waitFor('the DM message is edited', () => messagesOf(bob, dm()?.id ?? '').some((m) => m.body === 'my new number is 555-0199' && m.editedTs !== undefined));
  const lobbyMessage = () => messagesOf(bob, 'lobby').find((m) => m.user.name === 'Alice')!;
  assert.equal(lobbyMessage().body, 'see you all at three', 'the lobby message keeps its text');
  assert.equal(lobbyMessage().editedTs, undefined);

  alice.type('/delete');
  await waitFor('the DM message is deleted', () => messagesOf(bob, dm()!.id).some((m) => m.deleted));
  assert.equal(lobbyMessage().deleted, false, 'the lobby message stands');
  assert.match(alice.output(), /\* now in @Bob/);

  // Back in the lobby, the last message there is the one /edit means.
  alice.type('/join lobby');
  alice.type('/edit see you all at four');
  await waitFor('the lobby message is edited', () => lobbyMessage().body === 'see you all at four');
  assert.equal(await alice.end(), 0);
});

it('/edit with nothing of yours on screen says so, and edits nothing elsewhere', { timeout: 60_000 }, async (t) => {
  const { server, pool } = await startServer(t);
  const bob = pool.create(server.url, { kind: 'register', username: 'bob', password: 'correct horse battery', name: 'Bob' });
  await within('bob connects', bob.connect());
  const alice = startTerminal(t, ['chat', '--server', server.url, '--guest', 'Alice']);
  await alice.waitForLine('alice connects', /\* connected to/);
  alice.type('/dm bob a private word');
  await waitFor('bob has the DM message', () => bob.getSnapshot().rooms.some((room) => room.kind === 'dm' && messagesOf(bob, room.id).length === 1));
  alice.type('/join lobby');
  alice.type('/edit a public word');
  await alice.waitForLine('alice is told there is nothing of hers to edit here', /no message of yours to edit here/);
  alice.type('/delete');
  await alice.waitForLine('nor to delete', /no message of yours to delete here/);
  const dmMessage = messagesOf(bob, bob.getSnapshot().rooms.find((room) => room.kind === 'dm')!.id)[0]!;
  assert.equal(dmMessage.body, 'a private word');
  assert.equal(dmMessage.deleted, false);
  assert.equal(await alice.end(), 0);
});
