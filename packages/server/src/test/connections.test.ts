import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import WebSocket from 'ws';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { connectRaw, guest } from '../testing/ws-client.js';

/** A raw TCP connection from `localAddress` (any 127.x address is this machine); resolves once connected. */
function open(server: ServerProcess, localAddress = '127.0.0.1'): Promise<Socket & { ended: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: server.port, localAddress });
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    const ended = new Promise<string>((done) => socket.on('close', () => done(received)));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve(Object.assign(socket, { ended })));
    socket.once('error', reject);
  });
}

/** Whether `socket` is closed by the server within `ms`. */
async function closedWithin(socket: { ended: Promise<string> }, ms: number): Promise<boolean> {
  return Promise.race([socket.ended.then(() => true), delay(ms).then(() => false)]);
}

/** GET /api/health over a raw socket from `localAddress`: the status line, or why it failed. */
async function health(server: ServerProcess, localAddress: string): Promise<string> {
  try {
    const socket = await open(server, localAddress);
    socket.write(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    return (await socket.ended).split('\r\n')[0] || 'closed without an answer';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('connections that never finish are closed', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess({
      env: { HTTP_HEADERS_TIMEOUT_MS: '400', HTTP_REQUEST_TIMEOUT_MS: '800', HTTP_KEEP_ALIVE_TIMEOUT_MS: '300', HTTP_IDLE_TIMEOUT_MS: '600', HEARTBEAT_INTERVAL_MS: '60000' },
    });
  });
  after(async () => {
    await server.stop();
  });

  test('a socket that sends nothing, half a request head or half a body is closed; a WebSocket that stays quiet is not', async () => {
    const token = (await guest(server.url, 'Quiet')).token;
    const quiet = await connectRaw(server.wsUrl, { token });
    const silent = await open(server);
    const halfHead = await open(server);
    halfHead.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const halfBody = await open(server);
    halfBody.write('POST /api/auth/guest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":');
    // A trickle: a byte now and then keeps the socket from being idle, not the request from its deadline.
    const trickle = await open(server);
    trickle.write('POST /api/auth/guest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n');
    const dripping = setInterval(() => trickle.write(' '), 100);
    try {
      // Bounds far above the settings (0.3–0.8 s) and far below the defaults these replace (60 s and more).
      for (const [name, socket] of [['silent', silent], ['half a head', halfHead], ['half a body', halfBody], ['a trickle', trickle]] as const) {
        assert.equal(await closedWithin(socket, 10_000), true, `${name} is still open`);
      }
    } finally {
      clearInterval(dripping);
    }
    assert.match(await halfHead.ended, /^(HTTP\/1\.1 408|$)/);
    assert.equal(quiet.ws.readyState, WebSocket.OPEN, 'a quiet WebSocket stays open');
    quiet.send({ type: 'ping', ref: 'still' });
    await quiet.waitFor((f) => f.type === 'pong');
    quiet.close();
  });

  test('a kept-alive connection is closed once idle past the keep-alive timeout', async () => {
    const socket = await open(server);
    socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    assert.equal(await closedWithin(socket, 10_000), true);
    assert.match(await socket.ended, /^HTTP\/1\.1 200/);
  });
});

describe('connections per client address', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess({ env: { MAX_CONNECTIONS_PER_ADDRESS: '5' } });
  });
  after(async () => {
    await server.stop();
  });

  test('past the cap an address’s new connections are closed at once; other addresses are served; closing frees a place', async () => {
    const held = await Promise.all(Array.from({ length: 5 }, () => open(server, '127.0.0.2')));
    const extra = await open(server, '127.0.0.2');
    assert.equal(await closedWithin(extra, 5000), true, 'the sixth connection of 127.0.0.2 stays open');
    assert.match(await health(server, '127.0.0.2'), /reset|^closed without an answer$/i);
    assert.match(await health(server, '127.0.0.3'), /^HTTP\/1\.1 200/);
    for (const socket of held) socket.destroy();
    await Promise.all(held.map((socket) => socket.ended));
    // The server counts a connection as closed when its close event runs: give it a moment.
    let status = '';
    for (let i = 0; i < 50 && !/^HTTP\/1\.1 200/.test(status); i++) {
      status = await health(server, '127.0.0.2');
      if (!/^HTTP\/1\.1 200/.test(status)) await delay(20);
    }
    assert.match(status, /^HTTP\/1\.1 200/);
  });
});

describe('connections per client address behind a proxy (TRUST_PROXY on)', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess({ env: { MAX_CONNECTIONS_PER_ADDRESS: '3', TRUST_PROXY: 'on' } });
  });
  after(async () => {
    await server.stop();
  });

  test('WebSockets are counted by the address the proxy names; the proxy’s own connections are not capped', async () => {
    const token = (await guest(server.url, 'Many tabs')).token;
    const upgrade = (client: string) =>
      new Promise<number | WebSocket>((resolve, reject) => {
        const ws = new WebSocket(server.wsUrl, { headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': client } });
        ws.once('open', () => resolve(ws));
        ws.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        ws.once('error', reject);
      });
    const tabs = await Promise.all([upgrade('203.0.113.5'), upgrade('203.0.113.5'), upgrade('203.0.113.5')]);
    assert.ok(tabs.every((tab) => tab instanceof WebSocket));
    assert.equal(await upgrade('203.0.113.5'), 503);
    const other = await upgrade('203.0.113.6');
    assert.ok(other instanceof WebSocket, 'another client behind the same proxy');
    (tabs[0] as WebSocket).close();
    await new Promise((resolve) => (tabs[0] as WebSocket).once('close', resolve));
    let again: number | WebSocket = 0;
    for (let i = 0; i < 50 && !(again instanceof WebSocket); i++) {
      again = await upgrade('203.0.113.5');
      if (!(again instanceof WebSocket)) await delay(20);
    }
    assert.ok(again instanceof WebSocket, 'a place was freed');
    for (const ws of [...tabs.slice(1), other, again]) (ws as WebSocket).close();
  });
});
