/** `/search` in the terminal client, driven through tmux against a real server. */
import { it } from 'node:test';
import { startServerProcess } from '@parley/server/testing';
import { ClientPool, waitFor, within } from '../test-support/helpers.js';
import { startTmuxTerminal } from '../test-support/tmux.js';

it('finds a Korean word inside a compound with /search, in the rooms one may read', { timeout: 60_000 }, async (t) => {
  const server = await startServerProcess();
  const pool = new ClientPool();
  t.after(async () => {
    pool.closeAll();
    await server.stop();
  });
  const bob = pool.create(server.url, { kind: 'guest', name: 'bob' });
  await within('bob connects', bob.connect());
  const secret = await bob.createRoom('hidden', 'private');
  await bob.send(secret.id, '비밀 정보검색 계획');
  await bob.send('lobby', '새 정보검색 시스템 안내');

  const { screen, keys, alive } = startTmuxTerminal(t, ['chat', '--server', server.url, '--guest', 'alice']);
  await waitFor('the client connects', () => screen().includes('* connected to'));
  keys('/search 검색', 'Enter');
  await waitFor('the lobby\'s message is found', () => /#lobby #\d+\S* bob: 새 정보검색 시스템 안내/.test(screen()) && screen().includes('(1 found)'));
  if (screen().includes('비밀')) throw new Error('a private room\'s message was shown to someone not in it');
  keys('/search 없는말', 'Enter');
  await waitFor('nothing found is said', () => screen().includes('(no message matches “없는말”)'));
  keys('/quit', 'Enter');
  await waitFor('the client exits', () => !alive());
});
