/**
 * Bot accounts end to end (protocol §28): made by a server admin or a room
 * owner, the token shown once and only its hash stored, invited to a room,
 * writing over REST and over the WebSocket with the token, its messages marked
 * as a bot's, its own rate limit, and a revocation that takes effect at once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { CLOSE, type Bot, type BotTokenResponse, type EventFrame, type MessageEvent, type RoomSummary, type WelcomeFrame } from '@parley/protocol';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { api, enterAsAccount, registerAccount } from '../testing/accounts.js';
import { connectRaw, guest, type RawClient } from '../testing/ws-client.js';
import { withServerDatabase } from '../testing/server-database.js';

describe('bot accounts', () => {
  let server: ServerProcess;
  const open: RawClient[] = [];
  before(async () => {
    server = await startServerProcess({ env: { ADMIN_USERS: 'bots-admin', BOT_MESSAGE_BURST: '4', BOT_MESSAGES_PER_MINUTE: '1' } });
  });
  after(async () => {
    for (const client of open) client.close();
    await server.stop();
  });

  test('who may make a bot: a server admin and a room owner, not anyone else and not a bot', async () => {
    const admin = await registerAccount(server.url, 'bots-admin');
    const made = await api<BotTokenResponse>(server.url, admin.token, 'POST', '/api/bots', { username: 'admins-bot' });
    assert.equal(made.status, 201);
    assert.equal(made.body.bot.user.kind, 'bot');
    assert.equal(made.body.bot.user.name, 'admins-bot');

    const visitor = await guest(server.url, 'Visitor');
    const refused = await api<{ error: { code: string } }>(server.url, visitor.token, 'POST', '/api/bots', { username: 'visitors-bot' });
    assert.deepEqual([refused.status, refused.body.error.code], [403, 'forbidden']);

    // The bot itself may not make bots (nor manage any).
    const byBot = await api<{ error: { code: string } }>(server.url, made.body.token, 'POST', '/api/bots', { username: 'bots-bot' });
    assert.deepEqual([byBot.status, byBot.body.error.code], [403, 'forbidden']);

    const taken = await api<{ error: { code: string } }>(server.url, admin.token, 'POST', '/api/bots', { username: 'bots-admin' });
    assert.deepEqual([taken.status, taken.body.error.code], [409, 'name_taken']);
  });

  test('an owner makes a bot, invites it, and it writes over REST and the WebSocket, marked as a bot', async () => {
    const owner = await enterAsAccount(server, 'bot-owner', open);
    const other = await enterAsAccount(server, 'bot-other', open);
    const { body: made } = await api<{ room: RoomSummary }>(server.url, owner.token, 'POST', '/api/rooms', { name: 'With a bot', kind: 'private' });
    const room = made.room.id;
    await api(server.url, owner.token, 'POST', `/api/rooms/${room}/invite`, { username: 'bot-other' });

    const created = await api<BotTokenResponse>(server.url, owner.token, 'POST', '/api/bots', { username: 'deploy-bot', name: 'Deploy' });
    assert.equal(created.status, 201);
    const { bot, token } = created.body;
    assert.match(token, /^pbot_[A-Za-z0-9_-]{43}$/);

    // Shown once: the list has no token, and the store keeps only its SHA-256.
    const listed = await api<{ bots: Bot[] }>(server.url, owner.token, 'GET', '/api/bots');
    assert.deepEqual(listed.body.bots.map((b) => [b.user.username, b.createdBy.id, b.active]), [['deploy-bot', owner.user.id, true]]);
    assert.ok(!JSON.stringify(listed.body).includes(token));
    const stored = await withServerDatabase(server, (db) => db.selectFrom('bots').selectAll().where('user_id', '=', bot.user.id).executeTakeFirstOrThrow());
    assert.equal(stored.token_hash, createHash('sha256').update(token).digest('base64url'));
    // Another person who owns nothing of it does not see it.
    assert.deepEqual((await api<{ bots: Bot[] }>(server.url, other.token, 'GET', '/api/bots')).body.bots, []);

    const invited = await api(server.url, owner.token, 'POST', `/api/rooms/${room}/invite`, { username: 'deploy-bot' });
    assert.equal(invited.status, 200);

    const me = await api<{ user: { kind: string } }>(server.url, token, 'GET', '/api/me');
    assert.equal(me.body.user.kind, 'bot');
    const sent = await api<{ seq: number }>(server.url, token, 'POST', `/api/rooms/${room}/messages`, { id: 'bot-msg-00001', body: 'deployed v1' });
    assert.equal(sent.status, 200);
    const live = await other.client.waitFor<EventFrame>((f) => f.type === 'event' && f.event.room === room && f.event.seq === sent.body.seq);
    assert.equal((live.event as MessageEvent).bot, true);
    assert.deepEqual(live.event.user, { id: bot.user.id, name: 'Deploy' });

    // The same token at the WebSocket handshake.
    const socket = await connectRaw(server.wsUrl, { token });
    open.push(socket);
    const welcome = socket.frames.find((f): f is WelcomeFrame => f.type === 'welcome')!;
    assert.equal(welcome.user.kind, 'bot');
    assert.ok(welcome.rooms.some((r) => r.id === room));
    const ack = await socket.request<{ seq: number }>({ type: 'send', id: 'bot-msg-00002', room, body: 'deployed v2' });
    const overSocket = await other.client.waitFor<EventFrame>((f) => f.type === 'event' && f.event.seq === ack.seq && f.event.room === room);
    assert.equal((overSocket.event as MessageEvent).bot, true);

    // History keeps the mark; a person's message has none.
    const mine = await api<{ seq: number }>(server.url, owner.token, 'POST', `/api/rooms/${room}/messages`, { id: 'owner-msg-0001', body: 'thanks' });
    const page = await api<{ events: MessageEvent[] }>(server.url, owner.token, 'GET', `/api/rooms/${room}/messages`);
    const bySeq = new Map(page.body.events.map((e) => [e.seq, e]));
    assert.equal(bySeq.get(sent.body.seq)!.bot, true);
    assert.equal(bySeq.get(ack.seq)!.bot, true);
    assert.equal(bySeq.get(mine.body.seq)!.bot, undefined);

    // Its own rate limit (BOT_MESSAGE_BURST 4, then one a minute): two more pass, the next is refused.
    const statuses: number[] = [];
    for (let i = 3; i <= 5; i++) {
      statuses.push((await api(server.url, token, 'POST', `/api/rooms/${room}/messages`, { id: `bot-msg-0000${i}`, body: `n ${i}` })).status);
    }
    assert.deepEqual(statuses, [200, 200, 429]);
    // People's messages are counted in their own buckets.
    assert.equal((await api(server.url, owner.token, 'POST', `/api/rooms/${room}/messages`, { id: 'owner-msg-0002', body: 'still fine' })).status, 200);

    // Someone else cannot manage it (it does not exist for them).
    const foreign = await api<{ error: { code: string } }>(server.url, other.token, 'DELETE', `/api/bots/${bot.user.id}/token`);
    assert.deepEqual([foreign.status, foreign.body.error.code], [404, 'not_found']);

    // Revoked: at once over REST, and its open socket closes.
    const revoked = await api<{ bot: Bot }>(server.url, owner.token, 'DELETE', `/api/bots/${bot.user.id}/token`);
    assert.deepEqual([revoked.status, revoked.body.bot.active], [200, false]);
    assert.equal((await socket.closed).code, CLOSE.sessionEnded);
    assert.equal((await api(server.url, token, 'GET', '/api/rooms')).status, 401);
    await assert.rejects(connectRaw(server.wsUrl, { token }), (error: { statusCode?: number }) => error.statusCode === 401);

    // A new token works; the old one stays dead.
    const renewed = await api<BotTokenResponse>(server.url, owner.token, 'POST', `/api/bots/${bot.user.id}/token`);
    assert.deepEqual([renewed.status, renewed.body.bot.active], [200, true]);
    assert.notEqual(renewed.body.token, token);
    assert.equal((await api(server.url, renewed.body.token, 'GET', '/api/rooms')).status, 200);
    assert.equal((await api(server.url, token, 'GET', '/api/rooms')).status, 401);
  });
});
