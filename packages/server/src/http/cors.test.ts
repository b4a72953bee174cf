/** CORS for the REST API: opened to ALLOWED_ORIGINS only (with credentials), to nobody by default. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { guest } from '../testing/ws-client.js';

const ALLOWED = 'https://app.example.test';
const OTHER = 'https://evil.example.test';

function preflight(url: string, origin: string, method = 'POST'): Promise<Response> {
  return fetch(`${url}/api/rooms`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type' },
  });
}

describe('CORS with ALLOWED_ORIGINS', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess({ env: { ALLOWED_ORIGINS: `${ALLOWED},https://other-app.example.test` } });
  });
  after(() => server.stop());

  test('a preflight from an allowed origin is answered, with credentials', async () => {
    const response = await preflight(server.url, ALLOWED);
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), ALLOWED);
    assert.equal(response.headers.get('access-control-allow-credentials'), 'true');
    assert.match(response.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(response.headers.get('access-control-allow-headers') ?? '', /Authorization/i);
    assert.match(response.headers.get('vary') ?? '', /Origin/i);
  });

  test('an allowed origin reads answers; another origin gets no CORS header, and its writes are refused', async () => {
    const { token } = await guest(server.url, 'Cors');
    const read = await fetch(`${server.url}/api/rooms`, { headers: { origin: ALLOWED, authorization: `Bearer ${token}` } });
    assert.equal(read.status, 200);
    assert.equal(read.headers.get('access-control-allow-origin'), ALLOWED);
    assert.equal(read.headers.get('access-control-allow-credentials'), 'true');

    const other = await preflight(server.url, OTHER);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    assert.equal(other.headers.get('access-control-allow-credentials'), null);
    const otherRead = await fetch(`${server.url}/api/rooms`, { headers: { origin: OTHER, authorization: `Bearer ${token}` } });
    assert.equal(otherRead.headers.get('access-control-allow-origin'), null);
    // A write carrying another origin is refused whatever the browser would have done with the answer.
    const write = await fetch(`${server.url}/api/rooms`, {
      method: 'POST',
      headers: { origin: OTHER, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'From elsewhere', kind: 'public' }),
    });
    assert.equal(write.status, 403);
    assert.equal(((await write.json()) as { error: { code: string } }).error.code, 'forbidden');
    const allowedWrite = await fetch(`${server.url}/api/rooms`, {
      method: 'POST',
      headers: { origin: ALLOWED, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'From the app', kind: 'public' }),
    });
    assert.equal(allowedWrite.status, 201);
  });
});

describe('CORS by default', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess();
  });
  after(() => server.stop());

  test('nothing is opened: no origin gets a CORS header', async () => {
    for (const origin of [ALLOWED, OTHER, 'null']) {
      const response = await preflight(server.url, origin);
      assert.equal(response.headers.get('access-control-allow-origin'), null, origin);
      assert.equal(response.headers.get('access-control-allow-credentials'), null, origin);
    }
  });
});
