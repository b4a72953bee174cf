/**
 * The terminal client driven through tmux: it joins a room, sends, shows
 * another client's message without breaking the line being typed, reports a
 * /dm to an unknown user, says so when the server restarts and catches up, and quits.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { startServerProcess } from '@parley/server/testing';
import { ClientPool, messagesOf, waitFor, within } from '../test-support/helpers.js';
import { startTmuxTerminal } from '../test-support/tmux.js';

it('chats from a terminal under tmux', { timeout: 60_000 }, async (t) => {
  let server = await startServerProcess();
  const pool = new ClientPool();
  t.after(async () => {
    pool.closeAll();
    await server.stop();
  });
  const { screen, keys, alive } = startTmuxTerminal(t, ['chat', '--server', server.url, '--guest', 'alice']);
  const lastLine = () => screen().split('\n').filter((line) => line.trim() !== '').at(-1) ?? '';

  await waitFor('the client connects', () => screen().includes('* connected to'));
  keys('/join general', 'Enter');
  await waitFor('alice is in #general', () => screen().includes('now in #general'));

  const bob = pool.create(server.url, { kind: 'guest', name: 'bob' });
  await within('bob connects', bob.connect());
  const general = (await bob.listRooms()).find((room) => room.name === 'general');
  assert.ok(general, 'the room alice created is listed');
  await bob.join(general.id);

  keys('hello from alice', 'Enter');
  await waitFor('bob receives alice\'s message', () => messagesOf(bob, general.id).some((m) => m.body === 'hello from alice' && m.user.name === 'alice'));

  keys('half-typed');
  await waitFor('the typed text is on the prompt', () => lastLine() === '#general> half-typed');
  await bob.send(general.id, 'hello from bob');
  await waitFor('alice sees bob\'s message', () => /\] bob: hello from bob$/m.test(screen()));
  await waitFor('the prompt line keeps what was being typed, below the message', () => {
    const lines = screen().split('\n').filter((line) => line.trim() !== '');
    return lines.at(-1) === '#general> half-typed' && lines.slice(0, -1).some((line) => line.endsWith('] bob: hello from bob'));
  }, 2000);

  // A name the people search does not find is said as such; an @username is asked for as it is.
  keys('C-u', '/dm nobody-here hi', 'Enter');
  await waitFor('nobody is found', () => screen().includes('nobody called "nobody-here" shares a room with you'));
  keys('/dm @nobody-here hi', 'Enter');
  await waitFor('the error is shown', () => screen().includes('! user_not_found'));

  await server.stop('SIGKILL');
  await waitFor('the outage is shown', () => screen().includes('* connection lost'));
  server = await startServerProcess({ port: server.port, dataDir: server.dataDir });
  await waitFor('bob is back', () => bob.status === 'open', 15_000);
  await bob.send(general.id, 'after the restart');
  await waitFor('alice reconnects and catches up', () => screen().includes('* reconnected') && screen().includes('bob: after the restart'), 15_000);

  keys('/quit', 'Enter');
  await waitFor('the client exits', () => !alive());
});
