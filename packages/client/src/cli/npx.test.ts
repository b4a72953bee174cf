/**
 * The command the README gives, `npx --no parley chat`, works in a checkout after
 * `npm install`: npm links the `parley` command into node_modules/.bin, and npx
 * runs it from there (`--no`: it never fetches a package of that name instead).
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { messagesOf, startServer, waitFor, within } from '../test-support/helpers.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

it('`npx --no parley chat --help` prints the usage', { timeout: 30_000 }, async () => {
  const { stdout } = await promisify(execFile)(NPX, ['--no', 'parley', 'chat', '--help'], { cwd: REPO_ROOT, timeout: 20_000 });
  assert.match(stdout, /^Usage: parley chat /);
});

it('`npx --no parley chat` chats: a line typed into it reaches the room', { timeout: 30_000 }, async (t) => {
  const { server, pool } = await startServer(t);
  const bob = pool.create(server.url, { kind: 'guest', name: 'Bob' });
  await within('bob connects', bob.connect());
  const child = spawn(NPX, ['--no', 'parley', 'chat', '--server', server.url, '--guest', 'Npx'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  // The end of input sends what was typed, then quits.
  child.stdin.end('hello from npx\n');
  await waitFor('bob receives the line', () => messagesOf(bob, 'lobby').some((m) => m.body === 'hello from npx' && m.user.name === 'Npx'));
  assert.equal(await within('the client exits', exited), 0, output);
});
