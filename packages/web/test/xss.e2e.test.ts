/**
 * Hostile text in messages, display names and room names is shown as text:
 * no script runs, no element is injected, and `javascript:` never becomes a link.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { enterAsGuest, invite, messages, openPerson, openRoom, register, send, useServerAndBrowser } from './support/harness.js';

const stage = useServerAndBrowser();

const NAME = '<img src=x onerror="window.__xss=1">';
const ROOM = '<script>window.__xss=2</script>';
const PAYLOADS = [
  '<img src=x onerror=alert(1)>',
  '<svg onload="window.__xss=3"></svg>',
  '<a href="javascript:window.__xss=4">click me</a>',
  '[a javascript link](javascript:window.__xss=5)',
  '[a data link](data:text/html,<script>window.__xss=6</script>)',
  '**<iframe src="javascript:window.__xss=7"></iframe>**',
  '`<b>code</b>` and <style>body{display:none}</style>',
];

/** Elements no message, name or room may ever produce (the app's own SVGs are its icons and logo). */
const INJECTED = 'img, svg:not(.icon):not(.logo), iframe, script, style, object, embed, a[href^="javascript:" i], a[href^="data:" i]';

async function assertNothingInjected(page: Page, where: string) {
  const injected = await page.locator(`#root :is(${INJECTED})`).count();
  assert.equal(injected, 0, `an element was injected (${where})`);
  // Trap any scripts that did run: none of the payloads may have set the flag or opened a dialog.
  assert.equal(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), undefined, `a script ran (${where})`);
}

test('XSS payloads in messages, names and room names render as plain text', { timeout: 60_000 }, async () => {
  const mallory = await openPerson(stage.browser, stage.server.url);
  const victim = await openPerson(stage.browser, stage.server.url);
  await enterAsGuest(mallory.page, NAME);
  await register(victim.page, 'victim', 'a long enough password', 'Victim');

  for (const payload of PAYLOADS) await send(mallory.page, payload);
  for (const payload of PAYLOADS.slice(0, 3)) await messages(victim.page, payload).first().waitFor();

  // Plain HTML stays literal text, in the other person's view.
  assert.equal(await messages(victim.page, '<img src=x onerror=alert(1)>').locator('.md-p').first().textContent(), '<img src=x onerror=alert(1)>');
  // The name shows in the author line, the member list and the join notice as typed.
  await victim.page.locator('.msg-author', { hasText: NAME }).first().waitFor();
  await victim.page.getByTestId('members-online').getByText(NAME).waitFor();
  await victim.page.getByText(`${NAME} joined.`).waitFor();
  // A javascript: link is shown as its source text, not as a link.
  await messages(victim.page, '[a javascript link](javascript:window.__xss=5)').waitFor();
  await messages(victim.page, '[a data link](data:text/html,<script>window.__xss=6</script>)').waitFor();
  // Markdown still applies around hostile text.
  assert.equal(await messages(victim.page, '<iframe').locator('strong').textContent(), '<iframe src="javascript:window.__xss=7"></iframe>');
  assert.equal(await messages(victim.page, 'and <style>').locator('code').textContent(), '<b>code</b>');

  // A private room named like a script, and the victim invited to it.
  await mallory.page.getByRole('button', { name: 'Create a room' }).click();
  await mallory.page.getByLabel('Room name').fill(ROOM);
  await mallory.page.getByText('Private — only people you invite').click();
  await mallory.page.getByRole('button', { name: 'Create', exact: true }).click();
  await mallory.page.locator('#room-title', { hasText: ROOM }).waitFor();
  await invite(mallory.page, 'victim', '@victim');
  await send(mallory.page, 'a safe link: [docs](https://example.com/docs)');
  await openRoom(victim.page, ROOM);
  await messages(victim.page, 'a safe link').waitFor();
  await victim.page.getByText(`${NAME} created ${ROOM}.`).waitFor();
  const link = messages(victim.page, 'a safe link').getByRole('link', { name: 'docs' });
  assert.equal(await link.getAttribute('href'), 'https://example.com/docs');
  assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
  assert.equal(await link.getAttribute('target'), '_blank');
  assert.ok((await victim.page.title()).includes(ROOM), 'the title shows the room name as text');

  await assertNothingInjected(victim.page, 'victim');
  await assertNothingInjected(mallory.page, 'mallory');
  assert.deepEqual(victim.errors, []);
  assert.deepEqual(mallory.errors, []);
});
