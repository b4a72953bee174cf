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

  test('unknown API paths are JSON errors, not the app', async () => {
    const response = await fetch(`${server.url}/api/nope`);
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), { error: { code: 'not_found', message: 'No such endpoint.', retryable: false } });
  });

  test('health and metrics answer', async () => {
    assert.deepEqual(await (await fetch(`${server.url}/api/health`)).json(), { status: 'ok' });
    assert.match(await (await fetch(`${server.url}/api/metrics`)).text(), /parley_connections/);
  });
});
