import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, exportSPKI, generateKeyPair } from 'jose';
import { CLOSE } from '@parley/protocol';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { connectRaw, guest, nextRef } from '../testing/ws-client.js';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const ADMIN = fileURLToPath(new URL('../admin/main.js', import.meta.url));

describe('the WebSocket handshake', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess({ env: { JWT_SECRET: SECRET, AUTH_TIMEOUT_MS: '500', ALLOWED_ORIGINS: 'https://chat.example.com' } });
  });
  after(async () => {
    await server.stop();
  });

  test('a foreign Origin gets HTTP 403, even with a valid session', async () => {
    const g = await guest(server.url, 'Origin');
    await assert.rejects(connectRaw(server.wsUrl, { token: g.token, origin: 'https://evil.example' }), { statusCode: 403 });
  });

  test('the server’s own origin and allow-listed origins are accepted', async () => {
    const g = await guest(server.url, 'Origin2');
    const own = await connectRaw(server.wsUrl, { token: g.token, origin: server.url });
    own.close();
    const listed = await connectRaw(server.wsUrl, { token: g.token, origin: 'https://chat.example.com' });
    listed.close();
  });

  test('the session cookie authenticates a browser handshake', async () => {
    const g = await guest(server.url, 'Cookie');
    const client = await connectRaw(server.wsUrl, { cookie: `parley_session=${g.token}`, origin: server.url });
    assert.equal(client.frames[0]?.type, 'welcome');
    client.close();
  });

  test('a bad token at the handshake gets HTTP 401', async () => {
    await assert.rejects(connectRaw(server.wsUrl, { token: 'not-a-real-session-token' }), { statusCode: 401 });
  });

  test('a token in the URL is ignored: the connection is still unauthenticated', async () => {
    const g = await guest(server.url, 'UrlToken');
    const client = await connectRaw(`${server.wsUrl}?token=${g.token}`, { waitWelcome: false });
    const reply = await client.request({ type: 'rooms' }).catch((e: { code: string }) => e);
    assert.equal((reply as { code: string }).code, 'unauthenticated');
    client.close();
  });

  test('an auth first frame authenticates a client without headers', async () => {
    const g = await guest(server.url, 'FirstFrame');
    const client = await connectRaw(server.wsUrl, { waitWelcome: false });
    const ref = nextRef();
    client.send({ type: 'auth', ref, token: g.token });
    await client.waitFor((f) => f.type === 'welcome');
    await client.waitFor((f) => f.type === 'ack' && f.ref === ref);
    client.close();
  });

  test('a second auth frame sent before the first is answered is refused; one connection results', async () => {
    const g = await guest(server.url, 'Twice');
    const client = await connectRaw(server.wsUrl, { waitWelcome: false });
    client.send({ type: 'auth', ref: 'first', token: g.token });
    client.send({ type: 'auth', ref: 'second', token: g.token });
    const refused = await client.waitFor((f) => f.type === 'error' && f.ref === 'second');
    // Refused as 'unauthenticated' while the first is checked, or 'invalid_frame' once it passed.
    assert.ok(refused.type === 'error' && ['unauthenticated', 'invalid_frame'].includes(refused.code));
    await client.waitFor((f) => f.type === 'ack' && f.ref === 'first');
    assert.equal(client.frames.filter((f) => f.type === 'welcome').length, 1);
    client.close();
  });

  test('a wrong token in the auth frame gets invalid_credentials and close 4401', async () => {
    const client = await connectRaw(server.wsUrl, { waitWelcome: false });
    client.send({ type: 'auth', ref: 'a1', token: 'wrong' });
    const error = await client.waitFor((f) => f.type === 'error');
    assert.equal(error.type === 'error' && error.code, 'invalid_credentials');
    assert.equal((await client.closed).code, CLOSE.sessionEnded);
  });

  test('before authentication a frame larger than 8 KiB closes the connection with 1009, unparsed', async () => {
    const big = await connectRaw(server.wsUrl, { waitWelcome: false });
    big.send({ type: 'auth', ref: 'big', token: 'x'.repeat(9000) });
    assert.equal((await big.closed).code, CLOSE.tooLarge);
    assert.equal(big.frames.length, 0, 'no error frame: the frame was not read as JSON');
    // Up to 8 KiB is read as usual: a frame other than auth is answered `unauthenticated`.
    const small = await connectRaw(server.wsUrl, { waitWelcome: false });
    const rooms = Array.from({ length: 60 }, (_, i) => ({ room: `${'r'.repeat(100)}-${i}`, after: 0 }));
    assert.ok(JSON.stringify({ type: 'resume', ref: 'r', rooms }).length > 7000);
    small.send({ type: 'resume', ref: 'r', rooms });
    const error = await small.waitFor((f) => f.type === 'error');
    assert.equal(error.type === 'error' && error.code, 'unauthenticated');
    small.close();
  });

  test('no auth frame in time closes with 4008', async () => {
    const client = await connectRaw(server.wsUrl, { waitWelcome: false });
    assert.equal((await client.closed).code, CLOSE.authTimeout);
  });

  test('an HS256 JWT is accepted and mapped to one user by sub', async () => {
    const secret = new TextEncoder().encode(SECRET);
    const token = await new SignJWT({ name: 'Jay From SSO' }).setProtectedHeader({ alg: 'HS256' }).setSubject('sso|42').setExpirationTime('5m').sign(secret);
    const first = await connectRaw(server.wsUrl, { token });
    const second = await connectRaw(server.wsUrl, { token });
    const a = first.frames[0];
    const b = second.frames[0];
    assert.ok(a?.type === 'welcome' && b?.type === 'welcome');
    assert.equal(a.user.id, b.user.id);
    assert.equal(a.user.name, 'Jay From SSO');
    assert.equal(a.user.kind, 'external');
    first.close();
    second.close();
  });

  test('a revoked JWT is refused, and the sockets open with it close with 4401 within seconds; other tokens stay', { timeout: 20_000 }, async () => {
    const secret = new TextEncoder().encode(SECRET);
    const sign = (subject: string, jti: string, iat: number) =>
      new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(subject).setJti(jti).setIssuedAt(iat).setExpirationTime('10m').sign(secret);
    const now = Math.floor(Date.now() / 1000);
    const byJti = await sign('sso|revoke-1', 'jti-revoked', now);
    const kept = await sign('sso|revoke-1', 'jti-kept', now);
    const old = await sign('sso|revoke-2', 'jti-old', now - 60);
    const clients = await Promise.all([byJti, kept, old].map((token) => connectRaw(server.wsUrl, { token })));
    const admin = (args: string[]) =>
      spawnSync(process.execPath, [ADMIN, ...args], { encoding: 'utf8', env: { ...process.env, ...server.database.kind === 'postgres' ? { DATABASE_URL: server.database.url } : { DATABASE_URL: '', DATA_DIR: server.dataDir } } });
    const closedAt = clients.map((client) => client.closed.then((closed) => ({ ...closed, at: performance.now() })));
    for (const args of [['revoke-jwt', '--jti', 'jti-revoked'], ['revoke-jwt', '--subject', 'sso|revoke-2', '--before', new Date((now - 30) * 1000).toISOString()]]) {
      const result = admin(args);
      assert.equal(result.status, 0, result.stderr);
    }
    const revoked = performance.now();
    const [first, third] = await Promise.all([closedAt[0]!, closedAt[2]!]);
    assert.deepEqual([first.code, third.code], [CLOSE.sessionEnded, CLOSE.sessionEnded]);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal(clients[1]!.ws.readyState, clients[1]!.ws.OPEN, 'the same user\'s other token stays');
    console.log(`# the revoked tokens' sockets closed ${Math.round(Math.max(first.at, third.at) - revoked)} ms after the commands ended`);
    await assert.rejects(connectRaw(server.wsUrl, { token: byJti }), { statusCode: 401 });
    await assert.rejects(connectRaw(server.wsUrl, { token: old }), { statusCode: 401 });
    const fresh = await connectRaw(server.wsUrl, { token: await sign('sso|revoke-2', 'jti-new', now) });
    assert.equal(fresh.frames[0]?.type, 'welcome', 'a token issued after the subject\'s revocation time works');
    fresh.close();
    clients[1]!.close();
  });

  test('a connection made with a JWT ends with 4401 when the JWT expires, within a second of its exp', { timeout: 10_000 }, async () => {
    // 2–3 s ahead (exp is in whole seconds): connecting comes first, even on a loaded machine.
    const exp = Math.floor(Date.now() / 1000) + 3;
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('sso|short').setExpirationTime(exp).sign(new TextEncoder().encode(SECRET));
    const lastingToken = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('sso|long').setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));
    const client = await connectRaw(server.wsUrl, { token });
    const lasting = await connectRaw(server.wsUrl, { token: lastingToken });
    assert.equal(client.frames[0]?.type, 'welcome');
    const closed = await client.closed;
    const at = Date.now();
    assert.equal(closed.code, CLOSE.sessionEnded);
    assert.ok(at >= exp * 1000 && at < exp * 1000 + 1500, `closed ${at - exp * 1000} ms after exp`);
    // The sweep that closed it left the connection whose token is still valid open.
    lasting.send({ type: 'ping', ref: 'still-open' });
    await lasting.waitFor((f) => f.type === 'pong' && f.ref === 'still-open');
    lasting.close();
  });

  test('a JWT with the wrong signature, or expired, gets HTTP 401', async () => {
    const wrong = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('x').sign(new TextEncoder().encode('another-secret-another-secret-another'));
    await assert.rejects(connectRaw(server.wsUrl, { token: wrong }), { statusCode: 401 });
    const expired = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(new TextEncoder().encode(SECRET));
    await assert.rejects(connectRaw(server.wsUrl, { token: expired }), { statusCode: 401 });
  });
});

describe('JWTs signed with a private key', () => {
  for (const alg of ['RS256', 'ES256'] as const) {
    test(`${alg}: verified with the configured public key`, async () => {
      const { publicKey, privateKey } = await generateKeyPair(alg);
      const server = await startServerProcess({ env: { JWT_PUBLIC_KEY: await exportSPKI(publicKey) } });
      try {
        const token = await new SignJWT({ preferred_username: 'kim' }).setProtectedHeader({ alg }).setSubject(`kim-${alg}`).sign(privateKey);
        const client = await connectRaw(server.wsUrl, { token });
        assert.equal(client.frames[0]?.type, 'welcome');
        client.close();
        const other = await generateKeyPair(alg);
        const forged = await new SignJWT({}).setProtectedHeader({ alg }).setSubject('kim').sign(other.privateKey);
        await assert.rejects(connectRaw(server.wsUrl, { token: forged }), { statusCode: 401 });
      } finally {
        await server.stop();
      }
    });
  }
});
