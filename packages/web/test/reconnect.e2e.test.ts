/**
 * The server restarts while Alice is typing and sending. She sees the banner,
 * her message waits and is delivered exactly once, what Dan sent while she
 * was away appears, and nothing is doubled, live or after a reload.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enterAsGuest, eventually, messages, openPerson, type Person, screenshot, send, startServer, useServerAndBrowser } from './support/harness.js';

const RECONNECT_MS = 25_000;

const stage = useServerAndBrowser();

test('a server restart loses nothing and doubles nothing', { timeout: 90_000 }, async () => {
  const alice = await openPerson(stage.browser, stage.server.url);
  const dan = await openPerson(stage.browser, stage.server.url);
  await enterAsGuest(alice.page, 'Alice');
  await enterAsGuest(dan.page, 'Dan');
  await send(dan.page, 'before the restart');
  await messages(alice.page, 'before the restart').waitFor();

  // Alice is halfway through a message when the server goes away.
  const composer = alice.page.locator('#composer');
  await composer.fill('typed while the server');
  const port = stage.server.port;
  const dataDir = stage.server.dataDir;
  await stage.server.stop('SIGTERM');
  await alice.page.getByText('Connection lost. Reconnecting…').waitFor();
  assert.equal(await composer.inputValue(), 'typed while the server');
  await composer.pressSequentially(' was down');
  await composer.press('Enter');
  const pending = messages(alice.page, 'typed while the server was down');
  await pending.getByText('Waiting for connection…').waitFor();
  await screenshot(alice.page, 'reconnecting-desktop-en');

  // Alice's network drops too, so that Dan's messages happen while she is away.
  await alice.context.setOffline(true);
  stage.server = await startServer({ port, dataDir });
  await dan.page.getByText('Connection lost. Reconnecting…').waitFor({ state: 'detached', timeout: RECONNECT_MS });
  await send(dan.page, 'sent while Alice was away 1');
  await send(dan.page, 'sent while Alice was away 2');
  await dan.page.locator('article.msg:not([class*="pending-"])', { hasText: 'sent while Alice was away 2' }).waitFor();

  await alice.context.setOffline(false);
  await alice.page.getByText('Connected').waitFor({ timeout: RECONNECT_MS });
  await alice.page.locator('article.msg:not([class*="pending-"])', { hasText: 'typed while the server was down' }).waitFor();
  await messages(alice.page, 'sent while Alice was away 2').waitFor();
  await messages(dan.page, 'typed while the server was down').waitFor();

  const exactlyOnce = async (person: Person, texts: string[]) => {
    for (const text of texts) assert.equal(await messages(person.page, text).count(), 1, `"${text}" once for ${await person.page.title()}`);
  };
  const all = ['before the restart', 'typed while the server was down', 'sent while Alice was away 1', 'sent while Alice was away 2'];
  await exactlyOnce(alice, all);
  await exactlyOnce(dan, all);

  // The order is the server's for both of them.
  const order = async (person: Person) =>
    (await person.page.locator('article.msg .msg-body').allTextContents()).filter((text) => all.some((t) => text.includes(t)));
  assert.deepEqual(await order(alice), await order(dan));

  // What the server stored is the same: a reload shows each message once.
  await alice.page.reload();
  await messages(alice.page, 'sent while Alice was away 2').waitFor();
  await eventually('history loaded', async () => (await messages(alice.page, 'before the restart').count()) === 1);
  await exactlyOnce(alice, all);
  assert.deepEqual(alice.errors, []);
  assert.deepEqual(dan.errors, []);
});
