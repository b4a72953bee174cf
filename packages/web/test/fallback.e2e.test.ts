/**
 * Behind a proxy that breaks WebSockets (it answers every `Upgrade:
 * websocket` with 403, as some corporate proxies do), the web app falls back
 * on its own to the HTTP transport (server-sent events and POSTs,
 * protocol.md §30) and chat works end to end: both ways, presence, a room of
 * her own, and a cut of the network that loses nothing and doubles nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTcpProxy, type TcpProxy } from '@parley/client/testing/tcp-proxy';
import { enterAsGuest, eventually, messages, openPerson, openRoom, type Person, screenshot, send, useServerAndBrowser } from './support/harness.js';

describe('behind a proxy that blocks WebSockets', { timeout: 120_000 }, () => {
  const stage = useServerAndBrowser();
  let proxy: TcpProxy;
  let alice: Person;
  let bob: Person;
  /** Requests Alice's page made, by path. */
  const requested: string[] = [];

  before(async () => {
    proxy = await startTcpProxy(stage.server.port, '127.0.0.1', { refuseUpgrades: true });
    alice = await openPerson(stage.browser, proxy.url);
    alice.page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    bob = await openPerson(stage.browser, stage.server.url);
  });

  after(async () => {
    await proxy?.close();
  });

  test('chat works over the HTTP fallback when WebSockets are blocked', { timeout: 90_000 }, async () => {
    await enterAsGuest(alice.page, 'Alice');
    await enterAsGuest(bob.page, 'Bob');
    await eventually('Alice sees 2 online', async () => (await alice.page.getByTestId('online-count').textContent()) === '2', 20_000);
    assert.ok(requested.includes('/fallback/stream'), 'Alice reads a stream');

    await send(alice.page, 'Hello over **HTTP**');
    await messages(bob.page, 'Hello over HTTP').waitFor();
    await alice.page.locator('article.msg:not([class*="pending-"])', { hasText: 'Hello over HTTP' }).waitFor();
    assert.ok(requested.includes('/fallback/frames'), 'Alice POSTs her frames');
    await send(bob.page, 'Hello over a WebSocket');
    await messages(alice.page, 'Hello over a WebSocket').waitFor();

    // Requests with replies, not only sends: Alice makes a room (the dialog's request is answered on her stream).
    await alice.page.getByRole('button', { name: 'Create a room' }).click();
    await alice.page.getByLabel('Room name').fill('behind-the-proxy');
    await alice.page.getByRole('button', { name: 'Create', exact: true }).click();
    await alice.page.locator('#room-title', { hasText: 'behind-the-proxy' }).waitFor();
    await send(alice.page, 'a room of my own');
    await alice.page.locator('article.msg:not([class*="pending-"])', { hasText: 'a room of my own' }).waitFor();
    await screenshot(alice.page, 'fallback-desktop-en');

    // The network drops; Bob writes meanwhile; Alice writes too. Nothing is lost or doubled.
    await openRoom(alice.page, 'lobby');
    proxy.block();
    proxy.cut();
    await alice.page.getByText('Connection lost. Reconnecting…').waitFor({ timeout: 20_000 });
    await send(bob.page, 'while Alice was cut off');
    await send(alice.page, 'written while cut off');
    proxy.unblock();
    await alice.page.getByText('Connection lost. Reconnecting…').waitFor({ state: 'detached', timeout: 30_000 });
    await messages(alice.page, 'while Alice was cut off').waitFor({ timeout: 15_000 });
    await messages(bob.page, 'written while cut off').waitFor({ timeout: 15_000 });
    for (const person of [alice, bob]) {
      for (const text of ['Hello over HTTP', 'Hello over a WebSocket', 'while Alice was cut off', 'written while cut off']) {
        assert.equal(await messages(person.page, text).count(), 1, `"${text}" once`);
      }
    }
    assert.deepEqual(alice.errors, []);
    assert.deepEqual(bob.errors, []);
  });
});
