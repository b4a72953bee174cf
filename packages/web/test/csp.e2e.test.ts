/**
 * The Content-Security-Policy's connect-src: the app reaches its own server
 * ('self' covers same-origin ws: in Chromium) and the origins in ALLOWED_ORIGINS,
 * and nothing else — script that slipped into the page cannot open a socket to
 * a host of its choosing.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { enterAsGuest, messages, openPerson, send, useServerAndBrowser, WAIT_MS } from './support/harness.js';

/** A WebSocket endpoint elsewhere (another port is another origin): it completes each handshake, counts it, and closes. */
async function elsewhere(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  const server = createServer((_request, response) => response.writeHead(404).end());
  let connections = 0;
  server.on('upgrade', (request, socket) => {
    connections++;
    const accept = createHash('sha1').update(`${request.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.end(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    connections: () => connections,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const listed = await elsewhere();
const unlisted = await elsewhere();
after(async () => {
  await listed.close();
  await unlisted.close();
});
const stage = useServerAndBrowser({ env: { ALLOWED_ORIGINS: `http://127.0.0.1:${listed.port}` } });

test('the app connects to its own server; script may open a socket to an allowed origin and to no other', { timeout: 60_000 }, async () => {
  const person = await openPerson(stage.browser, stage.server.url);
  await enterAsGuest(person.page, 'Careful');
  await send(person.page, 'through the same origin');
  await messages(person.page, 'through the same origin').locator(':scope:not([class*="pending-"])').waitFor({ timeout: WAIT_MS });

  const attempt = (port: number) =>
    person.page.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          document.addEventListener('securitypolicyviolation', (event) => resolve(`blocked by ${event.effectiveDirective}`), { once: true });
          try {
            const ws = new WebSocket(url);
            ws.onopen = () => resolve('open');
            ws.onerror = () => setTimeout(() => resolve('error'), 500);
          } catch (error) {
            resolve(`threw ${(error as Error).name}`);
          }
        }),
      `ws://127.0.0.1:${port}/`,
    );
  assert.equal(await attempt(unlisted.port), 'blocked by connect-src');
  assert.equal(unlisted.connections(), 0, 'the unlisted server was reached');
  assert.equal(await attempt(listed.port), 'open');
  assert.equal(listed.connections(), 1);
  assert.deepEqual(person.errors.filter((e) => !/Content Security Policy/.test(e)), []);
  await person.context.close();
});
