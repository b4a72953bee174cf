/**
 * The HTTP fallback transport on the server (protocol.md §30): a stream is a
 * connection like a WebSocket — the same refusals, frames, acks, error budget,
 * frame size limit and close codes, delivered as server-sent events.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CLOSE, type AckFrame, type ErrorFrame, type EventFrame, type WelcomeFrame } from '@parley/protocol';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { openStream, type SseClient } from '../testing/sse-client.js';
import { connectRaw, guest } from '../testing/ws-client.js';
import { get, type IncomingMessage } from 'node:http';
import { FALLBACK_STREAM_PATH } from '@parley/protocol';

describe('the HTTP fallback transport', () => {
  let server: ServerProcess;
  const open: SseClient[] = [];
  const stream = async (token: string | null, headers: Record<string, string> = {}): Promise<SseClient> => {
    const client = await openStream(server.url, token, headers);
    open.push(client);
    return client;
  };

  before(async () => {
    server = await startServerProcess({ env: { ALLOWED_ORIGINS: 'https://allowed.example' } });
  });
  after(async () => {
    for (const client of open) client.abort();
    await server.stop();
  });

  it('refuses a stream without credentials, with bad ones, or from a foreign origin, as the upgrade does', async () => {
    assert.equal((await stream(null)).status, 401);
    assert.equal((await stream('not-a-token')).status, 401);
    const { token } = await guest(server.url, 'Origin');
    assert.equal((await stream(token, { origin: 'https://evil.example' })).status, 403);
    const allowed = await stream(token, { origin: 'https://allowed.example' });
    assert.equal(allowed.status, 200);
    await allowed.waitFor((f) => f.type === 'welcome');
    // Open to the page's origin by CORS (§20), as the REST API is: the stream and its POSTs.
    const opened = (headers: Headers) => [headers.get('access-control-allow-origin'), headers.get('access-control-allow-credentials')];
    assert.deepEqual(opened(allowed.headers), ['https://allowed.example', 'true']);
    const posted = await allowed.post([{ type: 'ping', ref: 'cors' }], { headers: { origin: 'https://allowed.example' } });
    assert.equal(posted.status, 202);
    assert.deepEqual(opened(posted.headers), ['https://allowed.example', 'true']);
    const own = await stream(token);
    assert.deepEqual(opened(own.headers), [null, null], 'no CORS header without an Origin');
  });

  it('opens with its id and welcome; POSTed frames are answered on the stream, in order', async () => {
    const { token, user } = await guest(server.url, 'Streamer');
    const client = await stream(token);
    assert.equal(client.status, 200);
    const welcome = await client.waitFor<WelcomeFrame>((f) => f.type === 'welcome');
    assert.equal(welcome.user.id, user.id);
    assert.match(client.id ?? '', /^[A-Za-z0-9_-]{22}$/);
    assert.match(await (await fetch(`${server.url}/api/metrics`)).text(), /^parley_fallback_streams [1-9]/m);
    const answer = await client.post([
      { type: 'ping', ref: 'p1' },
      { type: 'send', id: '018f0000-0000-7000-8000-000000000001', room: 'lobby', body: 'hello over sse' },
      { type: 'ping', ref: 'p2' },
    ]);
    assert.deepEqual({ status: answer.status, body: answer.body }, { status: 202, body: { accepted: 3 } });
    const ack = await client.waitFor<AckFrame<'send'>>((f) => f.type === 'ack' && f.ref === '018f0000-0000-7000-8000-000000000001');
    await client.waitFor((f) => f.type === 'event' && (f as EventFrame).event.seq === ack.seq);
    const order = client.frames.filter((f) => f.type === 'pong' || f.type === 'ack').map((f) => ('ref' in f ? f.ref : null));
    assert.deepEqual(order, ['p1', '018f0000-0000-7000-8000-000000000001', 'p2'], 'replies in request order');
  });

  it('refuses POSTs for no stream, for another user’s stream, and malformed ones', async () => {
    const ann = await guest(server.url, 'Ann');
    const bob = await guest(server.url, 'Bob');
    const client = await stream(ann.token);
    await client.waitFor((f) => f.type === 'welcome');
    assert.equal((await client.post([{ type: 'ping' }], { stream: 'A'.repeat(22) })).status, 404);
    const foreign = await client.post([{ type: 'ping', ref: 'x' }], { token: bob.token });
    assert.equal(foreign.status, 403);
    assert.equal((await client.post([{ type: 'ping' }], { token: 'nobody' })).status, 401);
    assert.equal((await client.post([{ type: 'ping' }], { headers: { origin: 'https://evil.example' } })).status, 403);
    const malformed = await client.post([]);
    assert.equal(malformed.status, 400);
    assert.equal((malformed.body as { error: { code: string } }).error.code, 'invalid_frame');
    assert.equal(client.frames.filter((f) => f.type === 'pong').length, 0, 'none of them reached the stream');
  });

  it('answers invalid frames with errors and closes after too many (4029), as on a WebSocket', async () => {
    const { token } = await guest(server.url, 'Sloppy');
    const client = await stream(token);
    await client.waitFor((f) => f.type === 'welcome');
    assert.equal((await client.post([{ type: 'no-such-frame', ref: 'bad-1' }])).status, 202);
    const error = await client.waitFor<ErrorFrame>((f) => f.type === 'error');
    assert.equal(error.code, 'invalid_frame');
    await client.post(Array.from({ length: 30 }, (_, i) => ({ type: 'no-such-frame', ref: `bad-${i + 2}` })));
    assert.equal((await client.waitForClose()).code, CLOSE.tooManyErrors);
    await client.ended;
    assert.equal((await client.post([{ type: 'ping' }])).status, 404, 'the stream is gone');
  });

  it('closes a stream sent a frame over the size limit (1009)', async () => {
    const { token } = await guest(server.url, 'Large');
    const client = await stream(token);
    await client.waitFor((f) => f.type === 'welcome');
    await client.post([{ type: 'send', id: '018f0000-0000-7000-8000-000000000002', room: 'lobby', body: 'x'.repeat(70 * 1024) }]);
    assert.equal((await client.waitForClose()).code, CLOSE.tooLarge);
  });

  it('closes the streams of a session that logs out (4401)', async () => {
    const { token } = await guest(server.url, 'Leaver');
    const client = await stream(token);
    await client.waitFor((f) => f.type === 'welcome');
    const logout = await fetch(`${server.url}/api/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    assert.ok(logout.ok, `logout: ${logout.status}`);
    assert.equal((await client.waitForClose()).code, CLOSE.sessionEnded);
  });
});

it('closes every stream with 4000 when the server shuts down', async () => {
  const server = await startServerProcess();
  const { token } = await guest(server.url, 'Restarted');
  const client = await openStream(server.url, token);
  try {
    await client.waitFor((f) => f.type === 'welcome');
    await server.stop();
    assert.equal((await client.waitForClose()).code, CLOSE.serverRestart);
  } finally {
    client.abort();
  }
});

it('closes a stream whose reader stopped reading as a slow consumer (4002), as a WebSocket', async () => {
  const server = await startServerProcess({ env: { RATE_LIMITS: 'off', OUTBOUND_QUEUE_LIMIT_BYTES: String(256 * 1024) } });
  try {
    const sender = await connectRaw(server.wsUrl, { token: (await guest(server.url, 'Sender')).token });
    const { token } = await guest(server.url, 'Stalled');
    // A reader that takes the head of the stream and then reads nothing: the kernel's buffers fill, then the server's queue.
    const response = await new Promise<IncomingMessage>((resolve, reject) =>
      get(`${server.url}${FALLBACK_STREAM_PATH}`, { headers: { authorization: `Bearer ${token}` } }, resolve).on('error', reject),
    );
    assert.equal(response.statusCode, 200);
    response.pause();
    const streams = async () => Number(/^parley_fallback_streams (\d+)/m.exec(await (await fetch(`${server.url}/api/metrics`)).text())![1]);
    assert.equal(await streams(), 1);
    const body = 'x'.repeat(3900);
    let last: AckFrame<'send'> | undefined;
    for (let i = 0; i < 2000 && (await streams()) > 0; i += 100) {
      const batch = [];
      for (let j = i; j < i + 100; j++) batch.push(sender.request<AckFrame<'send'>>({ type: 'send', id: `flood-${String(j).padStart(6, '0')}`, room: 'lobby', body }, 20_000));
      last = (await Promise.all(batch)).at(-1);
    }
    assert.ok(last);
    // The close frame waits behind the full buffer; the stream is cut a second after it (connection.ts).
    for (let waited = 0; waited < 5000 && (await streams()) > 0; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    const metrics = await (await fetch(`${server.url}/api/metrics`)).text();
    assert.match(metrics, /^parley_slow_consumers_total 1/m);
    assert.match(metrics, /^parley_fallback_streams 0/m, 'the stream was closed');
    response.socket.destroy();
    sender.close();
  } finally {
    await server.stop();
  }
});
