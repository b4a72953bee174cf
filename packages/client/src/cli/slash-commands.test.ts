/**
 * A slash command the terminal client does not know itself (`/deploy prod`) goes to the room as
 * a message, where the room's outgoing webhook answers it: the bot's reply shows on the line,
 * marked as from a webhook. The bot is a receiver on 127.0.0.1, which the server's allow-list
 * lets it reach.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Receiver } from '@parley/server/testing/receiver';
import { startServer, within } from '../test-support/helpers.js';
import { startTerminal } from '../test-support/terminal.js';

it('sends an unknown /command to the room, and shows the webhook’s answer', { timeout: 60_000 }, async (t) => {
  const { server, pool } = await startServer(t, { env: { OUTBOUND_ALLOWED_ADDRESSES: '127.0.0.1', WEBHOOK_POLL_MS: '50' } });
  const bot = new Receiver((request) => {
    const payload = JSON.parse(request.body) as { command: { text: string } };
    return { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: `deploying ${payload.command.text}` }) };
  });
  await bot.start();
  t.after(() => bot.stop());
  const owner = pool.create(server.url, { kind: 'guest', name: 'Owner' });
  await within('the owner connects', owner.connect());
  const room = await owner.createRoom('ops');
  await owner.createWebhook(room.id, { kind: 'outgoing', name: 'shipit', url: bot.url('/deploy'), triggers: ['command'], command: 'deploy' });

  const alice = startTerminal(t, ['chat', '--server', server.url, '--guest', 'Alice']);
  await alice.waitForLine('alice connects', /\* connected to/);
  alice.type('/join ops');
  await alice.waitForLine('alice is in the room', /now in #ops/);
  alice.type('/deploy prod');
  await alice.waitForLine('her command is sent as a message', /Alice: \/deploy prod/);
  await alice.waitForLine('the bot answers', /shipit \[webhook\]: deploying prod/);
  assert.equal(await alice.end(), 0);
});
