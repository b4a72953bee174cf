import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { connectRaw, guest } from '../testing/ws-client.js';
import { withServerDatabase } from '../testing/server-database.js';
import type { Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { CLOSE, type AckFrame } from '@parley/protocol';

async function post(url: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, any>) : null };
}

describe('accounts and sessions', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess();
  });
  after(async () => {
    await server.stop();
  });

  test('register, then log in with the same password; the session cookie is HttpOnly', async () => {
    const registered = await post(server.url, '/api/auth/register', { username: 'Carol', password: 'correct horse', name: 'Carol C' });
    assert.equal(registered.status, 201);
    assert.equal(registered.body!.user.username, 'carol');
    assert.equal(registered.body!.user.name, 'Carol C');
    assert.equal(registered.body!.user.kind, 'account');
    const cookie = registered.headers.get('set-cookie') ?? '';
    assert.match(cookie, /parley_session=[^;]+/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);

    const login = await post(server.url, '/api/auth/login', { username: 'carol', password: 'correct horse' });
    assert.equal(login.status, 200);
    const me = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${login.body!.token}` } });
    assert.equal(((await me.json()) as any).user.username, 'carol');
  });

  test('the session check answers 200 with the user, or with null when nobody is signed in; /api/me stays a 401', async () => {
    const check = async (headers: Record<string, string> = {}) => {
      const response = await fetch(`${server.url}/api/session`, { headers });
      assert.equal(response.status, 200);
      return (await response.json()) as { user: { username: string } | null };
    };
    assert.deepEqual(await check(), { user: null }, 'no credentials');
    assert.deepEqual(await check({ cookie: 'parley_session=not-a-session-token' }), { user: null }, 'an unknown cookie');
    assert.deepEqual(await check({ authorization: 'Bearer not-a-session-token' }), { user: null }, 'an unknown token');
    const g = await guest(server.url, 'Checked');
    assert.equal((await check({ authorization: `Bearer ${g.token}` })).user?.username, g.user.username);
    assert.equal((await check({ cookie: `parley_session=${g.token}` })).user?.username, g.user.username);
    const me = await fetch(`${server.url}/api/me`);
    assert.equal(me.status, 401);
    assert.deepEqual(await me.json(), { error: { code: 'unauthenticated', message: 'Not signed in.', retryable: false } });
  });

  test('wrong password and unknown user both get invalid_credentials', async () => {
    await post(server.url, '/api/auth/register', { username: 'dave', password: 'password-dave' });
    const wrong = await post(server.url, '/api/auth/login', { username: 'dave', password: 'nope-nope' });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.body!.error.code, 'invalid_credentials');
    const unknown = await post(server.url, '/api/auth/login', { username: 'nobody-here', password: 'whatever1' });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body!.error.code, 'invalid_credentials');
  });

  test('passwords are stored as argon2id with at least m=19 MiB, t=2, p=1', async () => {
    await post(server.url, '/api/auth/register', { username: 'erin', password: 'password-erin' });
    const hash = await withServerDatabase(server, async (db) => {
      const row = await db.selectFrom('users').select('password_hash').where('username', '=', 'erin').executeTakeFirstOrThrow();
      return row.password_hash!;
    });
    assert.match(hash, /^\$argon2id\$v=19\$/);
    const params = Object.fromEntries(hash.split('$')[3]!.split(',').map((kv) => kv.split('=')));
    assert.ok(Number(params.m) >= 19_456, hash);
    assert.ok(Number(params.t) >= 2, hash);
    assert.ok(Number(params.p) >= 1, hash);
  });

  test('a taken username gets name_taken; a bad username gets invalid_frame', async () => {
    await post(server.url, '/api/auth/register', { username: 'frank', password: 'password-frank' });
    const again = await post(server.url, '/api/auth/register', { username: 'FRANK', password: 'password-frank' });
    assert.equal(again.status, 409);
    assert.equal(again.body!.error.code, 'name_taken');
    const bad = await post(server.url, '/api/auth/register', { username: '<script>', password: 'password-x' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body!.error.code, 'invalid_frame');
    const short = await post(server.url, '/api/auth/register', { username: 'shorty', password: 'short' });
    assert.equal(short.status, 400);
  });

  test('malformed JSON bodies get invalid_json, not a crash', async () => {
    const response = await fetch(`${server.url}/api/auth/guest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":' });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as any).error.code, 'invalid_json');
  });

  test('guests enter with only a display name', async () => {
    const g = await guest(server.url, 'Gina');
    assert.equal(g.user.name, 'Gina');
    assert.match(g.user.username, /^gina-[0-9a-f]{6}$/);
    const client = await connectRaw(server.wsUrl, { token: g.token });
    const welcome = client.frames[0];
    assert.equal(welcome?.type, 'welcome');
    client.close();
  });

  test('a connection ends with 4401 when its session expires, within a second of the expiry', { timeout: 10_000 }, async () => {
    const { createHash } = await import('node:crypto');
    const g = await guest(server.url, 'Expiring');
    // Far enough ahead that connecting comes first, even on a loaded machine.
    const expiresAt = Date.now() + 3000;
    const tokenHash = createHash('sha256').update(g.token).digest('base64url');
    const changed = await withServerDatabase(server, (db) =>
      db.updateTable('sessions').set({ expires_at: expiresAt }).where('token_hash', '=', tokenHash).executeTakeFirst(),
    );
    assert.equal(changed.numUpdatedRows, 1n);
    const client = await connectRaw(server.wsUrl, { token: g.token });
    assert.equal(client.frames[0]?.type, 'welcome');
    const closed = await client.closed;
    const at = Date.now();
    assert.equal(closed.code, CLOSE.sessionEnded);
    assert.ok(at >= expiresAt && at < expiresAt + 1500, `closed ${at - expiresAt} ms after the expiry`);
    await assert.rejects(connectRaw(server.wsUrl, { token: g.token }), { statusCode: 401 });
  });

  test('logout revokes the session and closes its sockets within a second', async () => {
    const g = await guest(server.url, 'Leaving');
    const client = await connectRaw(server.wsUrl, { token: g.token });
    const started = Date.now();
    const out = await post(server.url, '/api/auth/logout', {}, { authorization: `Bearer ${g.token}` });
    assert.equal(out.status, 204);
    const closed = await client.closed;
    assert.equal(closed.code, CLOSE.sessionEnded);
    assert.ok(Date.now() - started < 1000, `closed after ${Date.now() - started} ms`);
    await assert.rejects(connectRaw(server.wsUrl, { token: g.token }), { statusCode: 401 });
    const me = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${g.token}` } });
    assert.equal(me.status, 401);
    const session = await fetch(`${server.url}/api/session`, { headers: { authorization: `Bearer ${g.token}` } });
    assert.deepEqual(await session.json(), { user: null });
  });

  test('frames that reach a socket after the server closed it are not executed', async () => {
    const leaving = await guest(server.url, 'Leaving late');
    const watcher = await guest(server.url, 'Watcher');
    const client = await connectRaw(server.wsUrl, { token: leaving.token });
    const watching = await connectRaw(server.wsUrl, { token: watcher.token });
    // This client does not read the close frame the logout brings: it writes on, as one that ignores it would.
    (client.ws as unknown as { _socket: Socket })._socket.pause();
    const out = await post(server.url, '/api/auth/logout', {}, { authorization: `Bearer ${leaving.token}` });
    assert.equal(out.status, 204);
    await delay(200);
    client.send({ type: 'send', id: 'after-logout-1', room: 'lobby', body: 'sent after the logout' });
    client.send({ type: 'rename', ref: 'rename-late', name: 'Renamed after the logout' });
    // The watcher's own message, sent after those, arrives once they have had their turn.
    const probe = await watching.request<AckFrame<'send'>>({ type: 'send', id: 'watcher-probe-1', room: 'lobby', body: 'probe' });
    await watching.waitFor((f) => f.type === 'event' && f.event.seq === probe.seq);
    await delay(200);
    const late = watching.frames.filter((f) => f.type === 'event' && (f.event.kind === 'rename' || (f.event.kind === 'message' && f.event.body === 'sent after the logout')));
    assert.deepEqual(late, []);
    const page = await watching.request<AckFrame<'history'>>({ type: 'history', room: 'lobby', limit: 20 });
    assert.ok(!page.events.some((e) => e.kind === 'message' && e.body === 'sent after the logout'));
    client.ws.terminate();
  });

  test('login attempts per account are rate limited with a retry time', async () => {
    await post(server.url, '/api/auth/register', { username: 'henry', password: 'password-henry' });
    let limited: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i < 8 && !limited; i++) {
      const attempt = await post(server.url, '/api/auth/login', { username: 'henry', password: 'wrong-wrong' });
      if (attempt.status === 429) limited = attempt;
    }
    assert.ok(limited, 'no attempt was rate limited');
    assert.equal(limited.body!.error.code, 'rate_limited');
    assert.equal(limited.body!.error.retryable, true);
    assert.ok(limited.body!.error.retryAfterMs > 0);
  });
});

describe('guest entry switched off', () => {
  test('GUESTS=off refuses guests with guests_disabled', async () => {
    const server = await startServerProcess({ env: { GUESTS: 'off' } });
    try {
      const response = await post(server.url, '/api/auth/guest', { name: 'Nope' });
      assert.equal(response.status, 403);
      assert.equal(response.body!.error.code, 'guests_disabled');
    } finally {
      await server.stop();
    }
  });
});
