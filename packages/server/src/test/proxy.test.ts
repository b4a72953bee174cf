import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { connectRaw, guest } from '../testing/ws-client.js';
import WebSocket from 'ws';

/** POST /api/auth/guest with extra headers; the status and the Set-Cookie header. */
async function enter(server: ServerProcess, headers: Record<string, string>): Promise<{ status: number; cookie: string }> {
  const response = await fetch(`${server.url}/api/auth/guest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ name: 'Proxied' }),
  });
  await response.arrayBuffer();
  return { status: response.status, cookie: response.headers.get('set-cookie') ?? '' };
}

/** Opens a WebSocket with the given headers; resolves with the HTTP status of the answer (101 when upgraded). */
function upgradeStatus(server: ServerProcess, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(server.wsUrl, { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

async function signupsUntilRefused(server: ServerProcess, headers: Record<string, string>, most: number): Promise<number> {
  for (let i = 0; i < most; i++) if ((await enter(server, headers)).status === 429) return i;
  return most;
}

describe('TRUST_PROXY off (the default): forwarding headers are ignored everywhere', () => {
  let server: ServerProcess;
  let token: string;
  before(async () => {
    server = await startServerProcess();
    token = (await guest(server.url, 'Direct')).token;
  });
  after(async () => {
    await server.stop();
  });

  test('X-Forwarded-Proto: https neither makes the cookie Secure nor lets an https Origin in', async () => {
    const entered = await enter(server, { 'x-forwarded-proto': 'https' });
    assert.equal(entered.status, 201);
    assert.doesNotMatch(entered.cookie, /Secure/i);
    const host = new URL(server.url).host;
    const status = await upgradeStatus(server, { authorization: `Bearer ${token}`, origin: `https://${host}`, 'x-forwarded-proto': 'https' });
    assert.equal(status, 403);
    // Its own origin over plain HTTP is what this server is.
    const own = await connectRaw(server.wsUrl, { token, origin: `http://${host}` });
    own.close();
  });

  test('X-Forwarded-For does not change the address sign-ups are counted by', async () => {
    const refusedAfter = await signupsUntilRefused(server, { 'x-forwarded-for': '203.0.113.1' }, 40);
    assert.ok(refusedAfter < 40, 'the per-address sign-up limit applies');
    assert.equal((await enter(server, { 'x-forwarded-for': '203.0.113.2' })).status, 429, 'another claimed address is the same socket address');
  });
});

describe('TRUST_PROXY on: the proxy in front says who the client is and how it came', () => {
  let server: ServerProcess;
  let token: string;
  before(async () => {
    server = await startServerProcess({ env: { TRUST_PROXY: 'on' } });
    token = (await guest(server.url, 'Behind a proxy')).token;
  });
  after(async () => {
    await server.stop();
  });

  test('X-Forwarded-Proto: https makes the session cookie Secure and lets the https origin in', async () => {
    const secure = await enter(server, { 'x-forwarded-proto': 'https' });
    assert.equal(secure.status, 201);
    assert.match(secure.cookie, /;\s*Secure/i);
    assert.doesNotMatch((await enter(server, { 'x-forwarded-proto': 'http' })).cookie, /Secure/i);
    const host = new URL(server.url).host;
    assert.equal(await upgradeStatus(server, { authorization: `Bearer ${token}`, origin: `https://${host}`, 'x-forwarded-proto': 'https' }), 101);
    assert.equal(await upgradeStatus(server, { authorization: `Bearer ${token}`, origin: `https://${host}` }), 403, 'not without the header');
  });

  test('sign-ups are counted by the address the proxy appended last to X-Forwarded-For', async () => {
    const refusedAfter = await signupsUntilRefused(server, { 'x-forwarded-for': '198.51.100.9, 203.0.113.1' }, 40);
    assert.ok(refusedAfter < 40, 'the per-address sign-up limit applies');
    assert.equal((await enter(server, { 'x-forwarded-for': '203.0.113.1' })).status, 429, 'the same client');
    assert.equal((await enter(server, { 'x-forwarded-for': '198.51.100.9, 203.0.113.2' })).status, 201, 'another client; the entry it wrote itself is not believed');
  });

  test('metrics are served to a client the proxy says is on this machine, and refused to others', async () => {
    const local = await fetch(`${server.url}/api/metrics`, { headers: { 'x-forwarded-for': '127.0.0.1' } });
    assert.equal(local.status, 200);
    await local.arrayBuffer();
    const outside = await fetch(`${server.url}/api/metrics`, { headers: { 'x-forwarded-for': '127.0.0.1, 203.0.113.7' } });
    assert.equal(outside.status, 403);
    await outside.arrayBuffer();
  });
});
