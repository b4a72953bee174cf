/**
 * Webhooks and link previews in the browser, through a real server (its allow-list lets it reach
 * a page on 127.0.0.1 only): the owner adds an incoming webhook in the room's settings and copies
 * its URL; a post to it appears in every member's timeline marked as the webhook's, and the link
 * it carries gets a preview card whose image is inline (the browser fetches nothing from the
 * linked site); the delivery log of an outgoing webhook shows in the settings. Screenshots in
 * English and Korean.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { Receiver } from '@parley/server/testing/receiver';
import { enterAsGuest, messages, openPerson, openRoom, screenshot, send, transitionsDone, type Person, useServerAndBrowser } from './support/harness.js';

describe('webhooks and link previews in the browser', { timeout: 120_000 }, () => {
  const stage = useServerAndBrowser({ env: { OUTBOUND_ALLOWED_ADDRESSES: '127.0.0.1', LINK_PREVIEWS: 'on', WEBHOOK_POLL_MS: '50', WEBHOOK_RETRY_BASE_MS: '50' } });
  let owner: Person;
  let reader: Person;
  let site: Receiver;
  let hookUrl = '';

  before(async () => {
    const png = await sharp({ create: { width: 320, height: 200, channels: 3, background: { r: 40, g: 120, b: 200 } } }).png().toBuffer();
    site = new Receiver((request) => {
      if (request.path === '/cover.png') return { headers: { 'content-type': 'image/png' }, body: png };
      if (request.method === 'POST') return { status: 503 };
      return {
        headers: { 'content-type': 'text/html' },
        body: '<head><meta property="og:title" content="Build 512 report"><meta property="og:description" content="All 1,204 tests passed in 9 min."><meta property="og:site_name" content="CI"><meta property="og:image" content="/cover.png"></head>',
      };
    });
    await site.start();
    owner = await openPerson(stage.browser, stage.server.url);
    reader = await openPerson(stage.browser, stage.server.url);
    await enterAsGuest(owner.page, 'Olivia Owner');
    await enterAsGuest(reader.page, 'Rex Reader');
    await owner.page.getByRole('button', { name: 'Create a room' }).click();
    await owner.page.getByLabel('Room name').fill('builds');
    await owner.page.getByRole('button', { name: 'Create', exact: true }).click();
    await owner.page.locator('#room-title', { hasText: 'builds' }).waitFor();
    await reader.page.reload();
    await openRoom(reader.page, 'builds');
    await reader.page.getByRole('button', { name: 'Join room' }).click();
    await reader.page.locator('#composer').waitFor();
  });
  after(async () => {
    await site?.stop();
  });

  test('the owner adds an incoming webhook in the room’s settings and sees its URL once', async () => {
    await owner.page.getByRole('button', { name: 'Room settings' }).click();
    const dialog = owner.page.getByRole('dialog');
    await dialog.getByText('No webhooks yet.').waitFor();
    await dialog.getByLabel('Name').fill('CI');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    const secret = dialog.getByLabel('CI: copy this now, it is not shown again');
    await secret.waitFor();
    hookUrl = await secret.inputValue();
    assert.match(hookUrl, new RegExp(`^${stage.server.url}/api/hooks/`));
    await dialog.getByRole('list', { name: 'Webhooks' }).getByText('CI').waitFor();
    await dialog.locator('fieldset.webhooks').scrollIntoViewIfNeeded();
    await transitionsDone(owner.page);
    await screenshot(owner.page, 'webhooks-settings-desktop-en');
    await owner.page.keyboard.press('Escape');
  });

  test('a post to it appears for everyone, marked, with the preview card of its link', async () => {
    const posted = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: `Build 512 passed: ${site.url('/builds/512')}` }) });
    assert.equal(posted.status, 200);
    for (const page of [owner.page, reader.page]) {
      const row = page.locator('.msg', { hasText: 'Build 512 passed' });
      await row.waitFor();
      await row.locator('.msg-webhook-badge', { hasText: 'webhook' }).waitFor();
      const card = row.getByRole('complementary', { name: /Preview of a link to 127\.0\.0\.1/ });
      await card.getByRole('link', { name: 'Build 512 report' }).waitFor({ timeout: 10_000 });
      await card.getByText('All 1,204 tests passed in 9 min.').waitFor();
      const src = await card.locator('img').getAttribute('src');
      assert.match(src ?? '', /^data:image\/webp;base64,/);
    }
    // Only the server fetched the linked site: the page and its image, once each.
    assert.deepEqual(site.requests.map((r) => `${r.method} ${r.path}`).sort(), ['GET /builds/512', 'GET /cover.png']);
    await transitionsDone(reader.page);
    await screenshot(reader.page, 'webhooks-preview-desktop-en');
  });

  test('an outgoing webhook’s delivery log shows in the settings (Korean)', async () => {
    await send(reader.page, 'deploying soon');
    await messages(owner.page, 'deploying soon').waitFor();
    await owner.page.getByRole('button', { name: 'Room settings' }).click();
    const dialog = owner.page.getByRole('dialog');
    await dialog.getByLabel('Kind of webhook').selectOption('outgoing');
    await dialog.getByLabel('Name').fill('Pager');
    await dialog.getByLabel('URL to call').fill(site.url('/pager'));
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await dialog.getByRole('list', { name: 'Webhooks' }).getByText('Pager', { exact: true }).waitFor();
    await owner.page.keyboard.press('Escape');
    await send(reader.page, 'page the on-call');
    await messages(owner.page, 'page the on-call').waitFor();
    // The receiver answers 503: the delivery is retried, and the log says why.
    await owner.page.evaluate(() => localStorage.setItem('parley.lang', 'ko'));
    await owner.page.reload();
    await openRoom(owner.page, 'builds');
    await owner.page.getByRole('button', { name: '채널 설정' }).click();
    await owner.page.getByRole('dialog').getByText(/대기 중 · #\d+ · Pager/).waitFor({ timeout: 10_000 });
    await owner.page.getByRole('dialog').getByText(/HTTP 503/).first().waitFor();
    await owner.page.getByRole('dialog').getByRole('list', { name: '최근 전송' }).scrollIntoViewIfNeeded();
    await transitionsDone(owner.page);
    await screenshot(owner.page, 'webhooks-deliveries-desktop-ko');
  });
});
