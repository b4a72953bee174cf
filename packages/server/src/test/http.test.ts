import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';

const WEB_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

describe('HTTP: the web app, health and errors', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess({ env: { WEB_DIR } });
  });
  after(async () => {
    await server.stop();
  });

  test('the web app is served at / and for client-side routes, with a strict CSP', async () => {
    for (const path of ['/', '/r/lobby']) {
      for (const method of ['GET', 'HEAD']) {
        const response = await fetch(`${server.url}${path}`, { method });
        assert.equal(response.status, 200, `${method} ${path}`);
        assert.match(response.headers.get('content-type') ?? '', /text\/html/);
        assert.match(response.headers.get('content-security-policy') ?? '', /script-src 'self'/);
        assert.equal(response.headers.get('x-frame-options'), 'DENY');
        if (method === 'GET') assert.match(await response.text(), /<div id="root">/);
      }
    }
  });

  test('the CSP lets the app connect to its own origin only, not to any ws: or wss: host', async () => {
    const csp = (await fetch(`${server.url}/`)).headers.get('content-security-policy') ?? '';
    const connect = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('connect-src'));
    assert.equal(connect, "connect-src 'self'");
  });

  test('unknown API paths are JSON errors, not the app', async () => {
    const response = await fetch(`${server.url}/api/nope`);
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), { error: { code: 'not_found', message: 'No such endpoint.', retryable: false } });
  });

  test('health and metrics answer', async () => {
    assert.deepEqual(await (await fetch(`${server.url}/api/health`)).json(), { status: 'ok' });
    assert.match(await (await fetch(`${server.url}/api/metrics`)).text(), /parley_connections/);
  });

  test('without METRICS_TOKEN, metrics are refused to a request a proxy forwarded', async () => {
    for (const headers of [{ 'x-forwarded-for': '203.0.113.7' }, { forwarded: 'for=203.0.113.7' }]) {
      const response = await fetch(`${server.url}/api/metrics`, { headers });
      assert.equal(response.status, 403);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'forbidden');
    }
  });
});

describe('HTTP: metrics behind METRICS_TOKEN', () => {
  const TOKEN = 'metrics-token-for-the-test';
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess({ env: { METRICS_TOKEN: TOKEN } });
  });
  after(async () => {
    await server.stop();
  });

  test('metrics need the token as a Bearer token, from this machine too', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: TOKEN }]) {
      const response = await fetch(`${server.url}/api/metrics`, { headers });
      assert.equal(response.status, 401, JSON.stringify(headers));
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'unauthenticated');
    }
    const response = await fetch(`${server.url}/api/metrics`, { headers: { authorization: `Bearer ${TOKEN}`, 'x-forwarded-for': '203.0.113.7' } });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /parley_connections/);
  });
});

describe('HTTP: the CSP with ALLOWED_ORIGINS', () => {
  test('each allowed origin may be connected to, over HTTP and over WebSocket; a value that is not an origin stops the server', async () => {
    const server = await startServerProcess({ env: { WEB_DIR, ALLOWED_ORIGINS: 'https://chat.example.com, http://127.0.0.1:9/' } });
    try {
      const csp = (await fetch(`${server.url}/`)).headers.get('content-security-policy') ?? '';
      const connect = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('connect-src'));
      assert.equal(connect, "connect-src 'self' https://chat.example.com wss://chat.example.com http://127.0.0.1:9 ws://127.0.0.1:9");
    } finally {
      await server.stop();
    }
    await assert.rejects(startServerProcess({ env: { ALLOWED_ORIGINS: "https://ok.example.com; script-src 'unsafe-inline'" } }), /ALLOWED_ORIGINS/);
  });
});
