/**
 * Webhooks and link previews end to end, against real server processes (on SQLite, and on
 * PostgreSQL when PARLEY_TEST_STORE says so) and receivers listening on 127.0.0.1 only:
 * - incoming webhooks post marked messages, check Standard Webhooks signatures, are revocable;
 * - outgoing deliveries reach a receiver that was down across a server restart, each once after
 *   deduplication, every signature verified with the stock `standardwebhooks` library;
 * - a bot answers a slash command through its outgoing webhook;
 * - a webhook and a link preview aimed at 127.0.0.1 are refused when the operator has not
 *   allowed it: the receiver there sees no connection;
 * - a link preview is fetched, attached by an event, and carries its image inline.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import sharp from 'sharp';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import type { AckFrame, EventFrame, HistoryPage, MessageEvent, ServerFrame, WebhookDelivery } from '@parley/protocol';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { connectRaw, enterAsGuest, type GuestSession, type RawClient } from '../testing/ws-client.js';
import { Receiver, eventually, type ReceivedRequest } from '../testing/receiver.js';
import { api, enterAsAccount } from '../testing/accounts.js';

/** Quick rounds and retries, so that a test sees many of them. */
const FAST = {
  RATE_LIMITS: 'off',
  WEBHOOK_POLL_MS: '50',
  WEBHOOK_RETRY_BASE_MS: '50',
  WEBHOOK_RETRY_MAX_MS: '400',
  WEBHOOK_TIMEOUT_MS: '3000',
  LINK_PREVIEWS: 'on',
};

/** Matches a rejected request by its error code. */
const code = (expected: string) => (error: unknown) => (error as { code?: string }).code === expected;

const messageFrom = (room: string, match: (event: MessageEvent) => boolean) => (frame: ServerFrame) =>
  frame.type === 'event' && frame.event.room === room && frame.event.kind === 'message' && match(frame.event);

describe('webhooks and link previews, end to end', { timeout: 180_000 }, () => {
  /** Allows 127.0.0.1 explicitly: the tests that must deliver do so to loopback receivers. */
  const ENV = { ...FAST, OUTBOUND_ALLOWED_ADDRESSES: '127.0.0.1', ADMIN_USERS: 'hook-admin' };
  let server: ServerProcess;
  const open: RawClient[] = [];
  const receivers: Receiver[] = [];
  let n = 0;

  before(async () => {
    server = await startServerProcess({ env: ENV });
  });
  after(async () => {
    for (const client of open) client.close();
    for (const receiver of receivers) await receiver.stop();
    await server?.stop();
  });

  async function roomWith(owner: GuestSession, ...members: GuestSession[]): Promise<string> {
    const { room } = await owner.client.request<AckFrame<'create'>>({ type: 'create', name: `hooks ${++n}`, kind: 'public' });
    for (const member of members) await member.client.request({ type: 'join', room: room.id });
    return room.id;
  }

  function receiver(handler: ConstructorParameters<typeof Receiver>[0]): Receiver {
    const made = new Receiver(handler);
    receivers.push(made);
    return made;
  }

  test('an incoming webhook posts marked messages, checks signatures when signed, and is revocable', async () => {
    const owner = await enterAsGuest(server, 'Owner', open);
    const member = await enterAsGuest(server, 'Member', open);
    const room = await roomWith(owner, member);

    await assert.rejects(member.client.request({ type: 'webhook_create', room, kind: 'incoming', name: 'CI' }), code('forbidden'));
    await assert.rejects(member.client.request({ type: 'webhooks', room }), code('forbidden'));
    await assert.rejects(owner.client.request({ type: 'webhook_create', room, kind: 'outgoing', name: 'x', url: 'ftp://example.com/', triggers: ['message'] }), code('invalid_frame'));
    const plain = await owner.client.request<AckFrame<'webhook_create'>>({ type: 'webhook_create', room, kind: 'incoming', name: 'CI' });
    assert.ok(plain.url?.startsWith('/api/hooks/'));
    assert.equal(plain.signingSecret, undefined);

    // Slack's shape, with the fields Slack sends besides.
    const posted = await fetch(`${server.url}${plain.url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Build 512 passed', username: 'ignored', icon_emoji: ':tada:' }),
    });
    assert.equal(posted.status, 200);
    const answer = (await posted.json()) as { room: string; seq: number; duplicate: boolean };
    const live = await member.client.waitFor<EventFrame>(messageFrom(room, (event) => event.body === 'Build 512 passed'));
    const event = live.event as MessageEvent;
    assert.deepEqual(event.webhook, { id: plain.webhook.id, name: 'CI' });
    assert.deepEqual(event.user, { id: `webhook:${plain.webhook.id}`, name: 'CI' });
    assert.equal(event.seq, answer.seq);

    // Parley's own shape; neither, both, or not JSON are refused.
    const post = (url: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${server.url}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    assert.equal((await post(plain.url!, JSON.stringify({ body: 'deployed' }))).status, 200);
    assert.equal((await post(plain.url!, JSON.stringify({ text: 'a', body: 'b' }))).status, 400);
    assert.equal((await post(plain.url!, JSON.stringify({ text: '   ' }))).status, 400);
    assert.equal((await post(plain.url!, 'not json')).status, 400);
    assert.equal((await post(`${plain.url!.slice(0, -3)}xyz`, JSON.stringify({ text: 'guessing' }))).status, 404);

    const signed = await owner.client.request<AckFrame<'webhook_create'>>({ type: 'webhook_create', room, kind: 'incoming', name: 'Alerts', signed: true });
    assert.match(signed.signingSecret ?? '', /^whsec_/);
    const body = JSON.stringify({ text: 'disk 91% full' });
    assert.equal((await post(signed.url!, body)).status, 401);
    const sender = new StandardWebhook(signed.signingSecret!);
    const at = new Date();
    const headers = { 'webhook-id': 'msg_alert_0001', 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': sender.sign('msg_alert_0001', at, body) };
    assert.equal((await post(signed.url!, JSON.stringify({ text: 'tampered' }), headers)).status, 401);
    const first = await post(signed.url!, body, headers);
    assert.equal(first.status, 200);
    const again = await post(signed.url!, body, headers);
    assert.equal(((await again.json()) as { duplicate: boolean }).duplicate, true, 'a retried webhook-id stores nothing new');
    assert.equal(((await first.json()) as { duplicate: boolean }).duplicate, false);

    const listed = await owner.client.request<AckFrame<'webhooks'>>({ type: 'webhooks', room });
    assert.deepEqual(listed.webhooks.map((hook) => [hook.name, hook.kind, hook.signed ?? false]), [['CI', 'incoming', false], ['Alerts', 'incoming', true]]);
    assert.ok(!JSON.stringify(listed).includes(signed.secret), 'secrets are never listed');

    await owner.client.request({ type: 'webhook_revoke', room, webhook: plain.webhook.id });
    assert.equal((await post(plain.url!, JSON.stringify({ text: 'after revocation' }))).status, 404);
    await assert.rejects(owner.client.request({ type: 'webhook_revoke', room, webhook: plain.webhook.id }), code('not_found'));
    const history = await owner.client.request<AckFrame<'history'>>({ type: 'history', room });
    const bodies = (history as unknown as HistoryPage).events.filter((e): e is MessageEvent => e.kind === 'message').map((e) => [e.body, e.webhook?.name]);
    assert.deepEqual(bodies, [['Build 512 passed', 'CI'], ['deployed', 'CI'], ['disk 91% full', 'Alerts']]);
  });

  test("deleting a room (admin API) deletes its webhooks: its incoming URL answers 404 not_found, its outgoing one's failing deliveries stop", async () => {
    const admin = await enterAsAccount(server, 'hook-admin', open);
    const owner = await enterAsGuest(server, 'Owner', open);
    const room = await roomWith(owner);
    const failing = receiver(() => ({ status: 503 }));
    await failing.start();
    const incoming = await owner.client.request<AckFrame<'webhook_create'>>({ type: 'webhook_create', room, kind: 'incoming', name: 'CI' });
    await owner.client.request({ type: 'webhook_create', room, kind: 'outgoing', name: 'Down', url: failing.url('/hook'), triggers: ['message'] });
    await owner.client.request({ type: 'send', id: `msg-${++n}-${Date.now()}`, room, body: 'never delivered' });
    await eventually(() => failing.requests.length >= 2, 'failed attempts');

    assert.equal((await api(server.url, admin.token, 'DELETE', `/api/admin/rooms/${room}`)).status, 204);
    const post = await fetch(`${server.url}${incoming.url!}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'into the void' }) });
    assert.equal(post.status, 404);
    assert.equal(((await post.json()) as { error: { code: string } }).error.code, 'not_found');
    // An attempt already under way may still arrive; then none: retries come every 400 ms at most.
    await delay(500);
    const attempts = failing.requests.length;
    await delay(2_000);
    assert.equal(failing.requests.length, attempts, 'no attempt after the room was deleted');
  });

  test('a receiver that is down across a server restart gets every delivery afterwards, each once after deduplication, each signature verified', async () => {
    const owner = await enterAsGuest(server, 'Owner', open);
    const room = await roomWith(owner);
    const verified = new Map<string, { seq: number; body: string }>();
    let badSignatures = 0;
    let secret = '';
    const target = receiver((request: ReceivedRequest) => {
      try {
        new StandardWebhook(secret).verify(request.body, request.headers as Record<string, string>);
      } catch {
        badSignatures++;
        return { status: 400 };
      }
      const payload = JSON.parse(request.body) as { message: { seq: number; body: string } };
      verified.set(String(request.headers['webhook-id']), payload.message);
      return { status: 204 };
    });
    // A port that nobody listens on, for now.
    await target.start(0);
    await target.stop();

    const created = await owner.client.request<AckFrame<'webhook_create'>>({
      type: 'webhook_create',
      room,
      kind: 'outgoing',
      name: 'Archiver',
      url: target.url('/hook'),
      triggers: ['message'],
    });
    secret = created.secret;
    const hook = created.webhook.id;
    const seqs: number[] = [];
    const send = async (body: string) => {
      const ack = await owner.client.request<AckFrame<'send'>>({ type: 'send', id: `msg-${++n}-${Date.now()}`, room, body });
      seqs.push(ack.seq);
    };
    for (const body of ['one', 'two', 'three']) await send(body);
    const deliveries = async () => (await owner.client.request<AckFrame<'webhook_deliveries'>>({ type: 'webhook_deliveries', room })).deliveries;
    await eventually(async () => {
      const list = await deliveries();
      return list.length === 3 && list.every((d) => d.state === 'pending' && d.attempts >= 2 && d.lastError !== undefined);
    }, 'failed attempts of the three deliveries');

    // The server stops and starts again on its data (and database): nothing pending is lost.
    await server.stop();
    server = await startServerProcess({ dataDir: server.dataDir, env: ENV });
    owner.client = await connectRaw(server.wsUrl, { token: owner.token });
    open.push(owner.client);
    for (const body of ['four', 'five', 'six']) await send(body);

    await target.start();
    await eventually(async () => {
      const list = await deliveries();
      return list.length === 6 && list.every((d) => d.state === 'delivered') && list;
    }, 'every delivery delivered', 30_000);
    assert.equal(badSignatures, 0);
    assert.deepEqual([...verified.keys()].sort(), seqs.map((seq) => `${hook}_${seq}`).sort());
    assert.deepEqual(
      [...verified.values()].sort((a, b) => a.seq - b.seq).map((m) => m.body),
      ['one', 'two', 'three', 'four', 'five', 'six'],
    );
    assert.ok(target.requests.length >= 6);
    const log: WebhookDelivery[] = await deliveries();
    for (const delivery of log) assert.ok(delivery.deliveredAt !== undefined && (delivery.lastStatus === 204));
  });

  test('each delivery is attempted by one node: two nodes on one database send each message once to a receiver that is up', async () => {
    // On SQLite there is one node (a file is not shared); on PostgreSQL a second node works the same outbox.
    const second = server.database.kind === 'postgres' ? await startServerProcess({ env: { ...ENV, DATABASE_URL: server.database.url } }) : null;
    try {
      const owner = await enterAsGuest(server, 'Owner', open);
      const room = await roomWith(owner);
      const target = receiver(() => ({ status: 204 }));
      await target.start();
      await owner.client.request({ type: 'webhook_create', room, kind: 'outgoing', name: 'Counter', url: target.url('/count'), triggers: ['message'] });
      for (let i = 0; i < 20; i++) await owner.client.request({ type: 'send', id: `msg-${++n}-count`, room, body: `message ${i}` });
      await eventually(async () => {
        const list = (await owner.client.request<AckFrame<'webhook_deliveries'>>({ type: 'webhook_deliveries', room })).deliveries;
        return list.length === 20 && list.every((d) => d.state === 'delivered');
      }, 'twenty deliveries delivered');
      const ids = target.requests.map((request) => String(request.headers['webhook-id']));
      assert.equal(new Set(ids).size, 20);
      assert.equal(ids.length, 20, 'no attempt made twice');
    } finally {
      await second?.stop();
    }
  });

  test('a bot answers a slash command posted by a user, through its outgoing webhook', async () => {
    const owner = await enterAsGuest(server, 'Owner', open);
    const user = await enterAsGuest(server, 'User', open);
    const room = await roomWith(owner, user);
    let secret = '';
    const bot = receiver((request) => {
      new StandardWebhook(secret).verify(request.body, request.headers as Record<string, string>);
      const payload = JSON.parse(request.body) as { type: string; command: { name: string; text: string }; message: { user: { name: string } } };
      return { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: `Deploying ${payload.command.text} for ${payload.message.user.name}` }) };
    });
    await bot.start();
    const created = await owner.client.request<AckFrame<'webhook_create'>>({
      type: 'webhook_create',
      room,
      kind: 'outgoing',
      name: 'deploybot',
      url: bot.url('/commands'),
      triggers: ['command'],
      command: 'deploy',
    });
    secret = created.secret;
    await user.client.request({ type: 'send', id: `msg-${++n}-plain`, room, body: 'just chatting' });
    await user.client.request({ type: 'send', id: `msg-${++n}-cmd`, room, body: '/deploy staging' });
    const reply = await user.client.waitFor<EventFrame>(messageFrom(room, (event) => event.webhook?.id === created.webhook.id), 20_000);
    assert.equal((reply.event as MessageEvent).body, `Deploying staging for ${user.user.name}`);
    assert.equal(reply.event.user.name, 'deploybot');
    assert.equal(bot.requests.length, 1, 'only the command fired it');
    // The reply is stored before the delivery is recorded: the log says so a moment later.
    const delivery = await eventually(async () => {
      const [first] = (await owner.client.request<AckFrame<'webhook_deliveries'>>({ type: 'webhook_deliveries', room, webhook: created.webhook.id })).deliveries;
      return first?.state === 'delivered' && first;
    }, 'the delivery recorded');
    assert.equal(delivery.event, 'command');
    assert.equal(delivery.attempts, 1);
  });

  test('a link preview is fetched by the server, attached by an event, and carries its image inline', async () => {
    const owner = await enterAsGuest(server, 'Owner', open);
    const reader = await enterAsGuest(server, 'Reader', open);
    const room = await roomWith(owner, reader);
    const png = await sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 200, g: 40, b: 90 } } }).png().toBuffer();
    const site = receiver((request) => {
      if (request.path === '/cover.png') return { headers: { 'content-type': 'image/png' }, body: png };
      return {
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: `<!doctype html><html><head><title>Fallback</title>
          <meta property="og:title" content="Release notes &amp; more">
          <meta property="og:description" content="What changed in 2.0">
          <meta property="og:site_name" content="Example">
          <meta property="og:image" content="/cover.png">
          </head><body><script>alert(1)</script></body></html>`,
      };
    });
    await site.start();
    const link = site.url('/notes');
    const ack = await owner.client.request<AckFrame<'send'>>({ type: 'send', id: `msg-${++n}-link`, room, body: `read ${link}.` });
    const frame = await reader.client.waitFor<EventFrame>((f) => f.type === 'event' && f.event.room === room && f.event.kind === 'preview', 20_000);
    assert.ok(frame.event.kind === 'preview');
    assert.equal(frame.event.target, ack.seq);
    const { preview } = frame.event;
    assert.ok(preview);
    assert.deepEqual({ ...preview, image: undefined }, { url: link, title: 'Release notes & more', description: 'What changed in 2.0', siteName: 'Example', image: undefined });
    assert.match(preview.image ?? '', /^data:image\/webp;base64,/);
    const image = await sharp(Buffer.from(preview.image!.split(',')[1]!, 'base64')).metadata();
    assert.ok(image.width <= 160 && image.height <= 160);
    const page = (await reader.client.request<AckFrame<'history'>>({ type: 'history', room })) as unknown as HistoryPage;
    const message = page.events.find((e) => e.seq === ack.seq) as MessageEvent;
    assert.deepEqual(message.preview, preview);
  });

  describe('without the operator’s allow-list', () => {
    let guarded: ServerProcess;
    before(async () => {
      guarded = await startServerProcess({ env: FAST });
    });
    after(async () => {
      await guarded?.stop();
    });

    test('a webhook and a link preview aimed at 127.0.0.1 are refused, and the receiver there sees no connection', async () => {
      const owner = await enterAsGuest(guarded, 'Owner', open);
      const room = await roomWith(owner);
      const internal = receiver(() => ({ headers: { 'content-type': 'text/html' }, body: '<title>internal</title>' }));
      await internal.start();
      await owner.client.request({ type: 'webhook_create', room, kind: 'outgoing', name: 'prober', url: internal.url('/admin'), triggers: ['message'] });
      await owner.client.request({ type: 'send', id: `msg-${++n}-probe`, room, body: `look ${internal.url('/secret')}` });
      const [delivery] = await eventually(async () => {
        const list = (await owner.client.request<AckFrame<'webhook_deliveries'>>({ type: 'webhook_deliveries', room })).deliveries;
        return list.length === 1 && list[0]!.attempts >= 2 && list;
      }, 'refused attempts');
      assert.equal(delivery!.state, 'pending');
      assert.match(delivery!.lastError ?? '', /refused address for 127\.0\.0\.1: loopback/);
      await eventually(async () => {
        const metrics = await (await fetch(`${guarded.url}/api/metrics`)).text();
        return /parley_link_previews_total\{result="refused"\} 1/.test(metrics);
      }, 'the refused link preview');
      assert.equal(internal.connections, 0);
      assert.equal(internal.requests.length, 0);
    });
  });
});
