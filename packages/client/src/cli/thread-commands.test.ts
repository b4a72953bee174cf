/**
 * Threads in the terminal client under tmux (§25): another person's reply shows with its root
 * (↳ #SEQ), /reply answers in a thread (and --room also in the room), /quote quotes, /thread
 * shows a thread, /threads lists the followed ones with their unread count.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { messagesOf, startServer, waitFor, within } from '../test-support/helpers.js';
import { startTmuxTerminal } from '../test-support/tmux.js';

it('shows replies, answers with /reply and /quote, lists threads', { timeout: 60_000 }, async (t) => {
  const { server, pool } = await startServer(t);
  const { screen, keys } = startTmuxTerminal(t, ['chat', '--server', server.url, '--guest', 'alice']);
  await waitFor('the client connects', () => screen().includes('* connected to'));

  const bob = pool.create(server.url, { kind: 'guest', name: 'bob' });
  await within('bob connects', bob.connect());
  const root = await bob.send('lobby', 'who brings snacks?');
  await waitFor("alice sees bob's question", () => screen().includes('bob: who brings snacks?'));

  keys(`/reply ${root.seq} I will`, 'Enter');
  await waitFor('bob gets the reply in the thread', () => messagesOf(bob, 'lobby').some((m) => m.body === 'I will' && m.thread === root.seq));
  await waitFor('alice sees her reply with its root', () => screen().includes(`↳ #${root.seq} alice: I will`));

  await bob.send('lobby', 'great, thanks', { thread: root.seq });
  await waitFor("bob's reply shows with its root", () => screen().includes(`↳ #${root.seq} bob: great, thanks`));
  keys('/threads', 'Enter');
  await waitFor('the thread is listed with one unread reply', () => /#lobby #\d+ bob: “who brings snacks\?” \(2 replies\) 1 unread/.test(screen()));

  keys(`/thread ${root.seq}`, 'Enter');
  await waitFor('the thread is shown', () => screen().includes('[2 replies: /thread') && screen().split('great, thanks').length > 2);
  keys('/threads', 'Enter');
  await waitFor('no unread left', () => /\(2 replies\)\s*$/m.test(screen()));

  keys(`/reply ${root.seq} also for everyone --room`, 'Enter');
  await waitFor('sent to the room too', () => messagesOf(bob, 'lobby').some((m) => m.body === 'also for everyone' && m.alsoInRoom === true));
  keys(`/quote ${root.seq} me too`, 'Enter');
  await waitFor('a quoted reply', () => messagesOf(bob, 'lobby').some((m) => m.body === 'me too' && m.replyTo === root.seq));
  await waitFor('shown as quoting', () => screen().includes(`↪ #${root.seq} alice: me too`));
  assert.ok(!screen().includes('! '), 'no error was printed');
});
