/**
 * People in the terminal: /dm and /invite take a display name ("Bob Builder" while his username
 * is generated), /people lists matches, and a name that fits several people chooses nobody.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { messagesOf, startServer, waitFor, within } from '../test-support/helpers.js';
import { startTerminal } from '../test-support/terminal.js';
import { parseWho } from './people-commands.js';

it('reads @username, a quoted display name, or one word, then the rest', () => {
  assert.deepEqual(parseWho('@bob-ace316 hi there'), { who: 'bob-ace316', exact: true, rest: 'hi there' });
  assert.deepEqual(parseWho('"Bob Builder" hi'), { who: 'Bob Builder', exact: false, rest: 'hi' });
  assert.deepEqual(parseWho('서연 안녕'), { who: '서연', exact: false, rest: '안녕' });
  assert.deepEqual(parseWho('bob'), { who: 'bob', exact: false, rest: '' });
  assert.equal(parseWho(''), null);
});

it('/dm and /invite by display name; /people lists; several matches choose nobody', { timeout: 60_000 }, async (t) => {
  const { server, pool } = await startServer(t);
  const bob = pool.create(server.url, { kind: 'guest', name: 'Bob Builder' });
  const bobby = pool.create(server.url, { kind: 'guest', name: 'Bobby' });
  await within('bob and bobby connect', Promise.all([bob.connect(), bobby.connect()]));
  assert.notEqual(bob.user!.username, 'bob builder');
  const alice = startTerminal(t, ['chat', '--server', server.url, '--guest', 'Alice']);
  await alice.waitForLine('alice connects', /\* connected to/);

  alice.type('/people bob');
  await alice.waitForLine('both are listed', new RegExp(`Bobby \\(@${bobby.user!.username}\\)`));
  assert.match(alice.output(), new RegExp(`Bob Builder \\(@${bob.user!.username}\\)`));

  // "bob" fits both: nobody is chosen, both are named.
  alice.type('/dm bob hello?');
  await alice.waitForLine('the choice is asked for', /several people match "bob"/);

  alice.type('/dm "Bob Builder" hello Bob');
  const dm = () => bob.getSnapshot().rooms.find((room) => room.kind === 'dm');
  await waitFor('bob gets the DM', () => messagesOf(bob, dm()?.id ?? '').some((m) => m.body === 'hello Bob'));
  assert.equal(bobby.getSnapshot().rooms.some((room) => room.kind === 'dm'), false, 'Bobby got nothing');

  alice.type('/join planning');
  await alice.waitForLine('alice is in #planning', /now in #planning/);
  alice.type('/invite Bobby');
  await alice.waitForLine('the invite is confirmed', /\* Bobby was added to #planning/);
  await waitFor('bobby is in #planning', () => bobby.getSnapshot().rooms.some((room) => room.name === 'planning' && room.joined));
  assert.equal(await alice.end(), 0);
});
