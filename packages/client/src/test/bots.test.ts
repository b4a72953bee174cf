/**
 * A bot through the SDK: made by a room owner with `bots.createBot`, invited,
 * connected with its token like any token; its messages reach the others
 * marked `bot`; revoking its token closes it for good (no reconnect loop).
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { ParleyError } from '@parley/protocol';
import { createBot, listBots, revokeBotToken } from '../bot-api.js';
import { messagesOf, startServer, waitFor, within } from '../test-support/helpers.js';

it('a bot made, invited and connected through the SDK; its messages are marked; a revoked token closes it', { timeout: 30_000 }, async (t) => {
  const { server, pool } = await startServer(t);
  const owner = pool.create(server.url, { kind: 'register', username: 'opsowner', password: 'a long enough password' });
  await within('the owner connects', owner.connect());
  const room = await within('a room is made', owner.createRoom('ops'));

  const rest = { baseUrl: server.url, token: owner.token };
  const { bot, token } = await createBot(rest, { username: 'ops-bot', name: 'Ops' });
  assert.equal(bot.user.kind, 'bot');
  assert.deepEqual((await listBots(rest)).map((b) => b.user.username), ['ops-bot']);
  await within('the bot is invited', owner.invite(room.id, 'ops-bot'));

  const client = pool.create(server.url, { kind: 'token', token });
  await within('the bot connects', client.connect());
  assert.equal(client.user?.kind, 'bot');
  await within('the bot sends', client.send(room.id, 'all systems go'));
  await waitFor('the owner sees the bot message', () => messagesOf(owner, room.id).some((m) => m.body === 'all systems go'));
  const seen = messagesOf(owner, room.id).find((m) => m.body === 'all systems go')!;
  assert.equal(seen.bot, true);
  await within('the owner answers', owner.send(room.id, 'thanks'));
  const answer = messagesOf(owner, room.id).find((m) => m.body === 'thanks')!;
  assert.equal(answer.bot, undefined);

  const revoked = await revokeBotToken(rest, bot.user.id);
  assert.equal(revoked.active, false);
  await waitFor('the bot client is closed', () => client.status === 'closed', 10_000);
  await assert.rejects(client.send(room.id, 'too late'), (error) => error instanceof ParleyError);
  const again = pool.create(server.url, { kind: 'token', token });
  await assert.rejects(within('a refusal', again.connect()), (error) => error instanceof ParleyError && error.code === 'invalid_credentials');
});
