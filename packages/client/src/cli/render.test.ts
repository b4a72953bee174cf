/**
 * What a room looks like in a real terminal (tmux): markdown as bold, italic and
 * code, a message full of escape sequences shown as harmless text, reactions,
 * and join lines that do not claim today's member count for the past.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { messagesOf, startServer, waitFor, within } from '../test-support/helpers.js';
import { startTmuxTerminal } from '../test-support/tmux.js';

it('shows markdown as terminal styles, user escape sequences as text, reactions, and past joins without counts', { timeout: 60_000 }, async (t) => {
  const { server, pool } = await startServer(t);
  const bob = pool.create(server.url, { kind: 'register', username: 'bob', password: 'correct horse battery', name: 'Bob' });
  const carol = pool.create(server.url, { kind: 'guest', name: 'Carol' });
  await within('bob and carol connect', Promise.all([bob.connect(), carol.connect()]));
  const room = await bob.createRoom('design');
  await carol.join(room.id);
  const styled = await bob.send(room.id, '**Carol** wrote *the plan*: run `npm test` first');
  await carol.react(room.id, styled.seq, '🎉');
  await bob.send(room.id, 'screen wiped? \x1b[2J\x1b[31mred\x1b]0;pwned\x07 no');

  const alice = startTmuxTerminal(t, ['chat', '--server', server.url, '--guest', 'Alice', '--room', 'design']);
  await waitFor('alice is in #design with its latest lines', () => alice.screen().includes('pwned') && alice.screen().includes('now in #design'));
  const lines = () => alice.screen().split('\n');
  const line = (pattern: RegExp) => lines().find((l) => pattern.test(l)) ?? '';

  assert.match(line(/Carol wrote/), /Bob: Carol wrote the plan: run npm test first \[🎉 1\]$/, 'markdown rendered, not shown raw; the reaction counted');
  assert.match(alice.styledScreen(), /\x1b\[1mCarol(\x1b\[[0-9;]*m)+ wrote \x1b\[3mthe plan(\x1b\[[0-9;]*m)+: run \x1b\[33mnpm test(\x1b\[[0-9;]*m)+ first/, 'in bold, italic and code styles');
  assert.match(line(/screen wiped/), /Bob: screen wiped\? \[2J\[31mred\]0;pwned no$/, 'the escape sequences are shown as text, not obeyed');
  assert.match(lines()[0]!, /Connecting to/, 'the screen was not cleared');
  assert.match(line(/Carol joined/), /\* Carol joined$/, "a past join does not claim today's member count");

  alice.keys('hello all', 'Enter');
  await waitFor('bob has alice\'s message', () => messagesOf(bob, room.id).some((m) => m.body === 'hello all'));
  const hello = messagesOf(bob, room.id).find((m) => m.body === 'hello all')!;
  await bob.react(room.id, hello.seq, '👍');
  await waitFor('alice sees the reaction', () => /\* Bob reacted 👍 to Alice: “hello all”$/m.test(alice.screen()));

  const dave = pool.create(server.url, { kind: 'guest', name: 'Dave' });
  await within('dave connects', dave.connect());
  await dave.join(room.id);
  await waitFor('a join that happens now shows the count it makes', () => /\* Dave joined \(4 members\)$/m.test(alice.screen()));
});
