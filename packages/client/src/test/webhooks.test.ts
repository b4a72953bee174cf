/**
 * Webhooks and link previews through the SDK, against a real server: a room's owner makes an
 * outgoing webhook for `/deploy` with `createWebhook`; a test bot (a receiver on 127.0.0.1,
 * allowed by the operator's allow-list) verifies each delivery with the stock Standard Webhooks
 * library and answers; its reply lands in every member's timeline, marked as the webhook's. A
 * link's preview is applied to the message in the timeline by its `preview` event.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Receiver } from '@parley/server/testing/receiver';
import { messagesOf, startServer, waitFor, within } from '../test-support/helpers.js';

it('a test bot answers a slash command posted by a user, and a link gets its preview', { timeout: 60_000 }, async (t) => {
  const { server, pool } = await startServer(t, { env: { OUTBOUND_ALLOWED_ADDRESSES: '127.0.0.1', WEBHOOK_POLL_MS: '50', LINK_PREVIEWS: 'on' } });
  let secret = '';
  const bot = new Receiver((request) => {
    if (request.method === 'GET') {
      return { headers: { 'content-type': 'text/html' }, body: '<html><head><meta property="og:title" content="Deploy guide"><meta name="description" content="How we ship"></head></html>' };
    }
    new StandardWebhook(secret).verify(request.body, request.headers as Record<string, string>);
    const payload = JSON.parse(request.body) as { command: { text: string } };
    return { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: `:rocket: deploying ${payload.command.text}` }) };
  });
  await bot.start();
  t.after(() => bot.stop());

  const owner = pool.create(server.url, { kind: 'guest', name: 'Owner' });
  const user = pool.create(server.url, { kind: 'guest', name: 'User' });
  await within('clients connect', Promise.all([owner.connect(), user.connect()]));
  const room = await owner.createRoom('releases');
  await user.join(room.id);

  const created = await owner.createWebhook(room.id, { kind: 'outgoing', name: 'shipit', url: bot.url('/deploy'), triggers: ['command'], command: 'deploy' });
  secret = created.secret;
  assert.deepEqual((await owner.webhooks(room.id)).map((hook) => hook.name), ['shipit']);

  await user.send(room.id, '/deploy production');
  await waitFor('the bot’s reply reaches the user', () =>
    messagesOf(user, room.id).some((m) => m.webhook?.id === created.webhook.id && m.body === ':rocket: deploying production'),
  );
  // The reply is stored before the delivery is recorded: the log says so a moment later.
  let state: string | undefined;
  for (let i = 0; i < 200 && state !== 'delivered'; i++) {
    state = (await owner.webhookDeliveries(room.id))[0]?.state;
    if (state !== 'delivered') await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(state, 'delivered');

  const { seq } = await user.send(room.id, `guide: ${bot.url('/guide')}`);
  await waitFor('the preview is applied to the message', () => messagesOf(owner, room.id).find((m) => m.seq === seq)?.preview?.title === 'Deploy guide');
  assert.equal(messagesOf(owner, room.id).find((m) => m.seq === seq)?.preview?.description, 'How we ship');

  await owner.revokeWebhook(room.id, created.webhook.id);
  assert.deepEqual(await owner.webhooks(room.id), []);
});
