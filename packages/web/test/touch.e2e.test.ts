/**
 * On a phone (touch, no hover) a long press on a message opens its actions:
 * react, copy, and for one's own messages edit and delete. Touches go through
 * Chromium's own touch input (CDP), so the browser's gesture handling — scroll,
 * tap, long press — is the one a phone has.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CDPSession, Locator, Page } from 'playwright-core';
import { messages, openPerson, type Person, register, screenshot, send, transitionsDone, useServerAndBrowser } from './support/harness.js';

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };

/** Presses a finger on the row and holds it until the actions open, then lifts it. */
async function longPress(cdp: CDPSession, row: Locator, sheet: Locator): Promise<void> {
  await row.scrollIntoViewIfNeeded();
  const box = (await row.boundingBox())!;
  const point = { x: box.x + box.width / 2, y: box.y + Math.min(box.height / 2, 24) };
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] });
  await sheet.waitFor();
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

describe('message actions on a phone', { timeout: 90_000 }, () => {
  let ana: Person;
  let ben: Person;
  let cdp: CDPSession;
  let page: Page;

  const stage = useServerAndBrowser();

  before(async () => {
    ben = await openPerson(stage.browser, stage.server.url);
    await register(ben.page, 'ben', 'correct horse battery', 'Ben');
    ana = await openPerson(stage.browser, stage.server.url, PHONE);
    page = ana.page;
    await register(page, 'ana', 'correct horse battery', 'Ana');
    cdp = await ana.context.newCDPSession(page);
    await send(ben.page, 'Lunch at noon? 🍜');
    await messages(page, 'Lunch at noon?').waitFor();
  });

  const sheet = () => page.getByRole('dialog', { name: 'Message actions' });

  test("a long press on someone else's message offers reactions but not edit or delete", async () => {
    const row = messages(page, 'Lunch at noon?');
    await longPress(cdp, row, sheet());
    await transitionsDone(page);
    await screenshot(page, 'touch-actions-phone-en');
    assert.equal(await sheet().getByRole('button', { name: 'Edit' }).count(), 0);
    assert.equal(await sheet().getByRole('button', { name: 'Delete' }).count(), 0);
    await sheet().getByRole('button', { name: 'React with 👍' }).tap();
    await sheet().waitFor({ state: 'detached' });
    await row.locator('.reaction', { hasText: '👍' }).waitFor();
    await messages(ben.page, 'Lunch at noon?').locator('.reaction', { hasText: '👍' }).waitFor();
  });

  test('a long press on your own message edits it, and deletes it', async () => {
    await send(page, 'See you thre');
    const row = page.locator('article.msg:not([class*="pending-"])', { hasText: 'See you thre' });
    await row.waitFor();
    await longPress(cdp, row, sheet());
    await transitionsDone(page);
    await screenshot(page, 'touch-own-actions-phone-en');
    await sheet().getByRole('button', { name: 'Edit' }).tap();
    const box = page.getByRole('textbox', { name: 'Edit' });
    await box.fill('See you there');
    await box.press('Enter');
    await messages(ben.page, 'See you there').getByText('(edited)').waitFor();

    await longPress(cdp, messages(page, 'See you there'), sheet());
    await sheet().getByRole('button', { name: 'Delete' }).tap();
    await page.getByRole('dialog', { name: 'Delete this message?' }).getByRole('button', { name: 'Delete' }).tap();
    await ben.page.getByText('This message was deleted.').waitFor();
  });

  test('copying the text, since a long press selects none', async () => {
    await ana.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await longPress(cdp, messages(page, 'Lunch at noon?'), sheet());
    await sheet().getByRole('button', { name: 'Copy text' }).tap();
    await sheet().waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'Lunch at noon? 🍜');
  });

  test('a tap is a tap: it opens nothing, and a tap outside closes the actions', async () => {
    const row = messages(page, 'Lunch at noon?');
    await row.tap();
    assert.equal(await sheet().count(), 0);
    await longPress(cdp, row, sheet());
    await page.touchscreen.tap(5, 5);
    await sheet().waitFor({ state: 'detached' });
  });

  test('in Korean, dark', async () => {
    await page.evaluate(() => localStorage.setItem('parley.lang', 'ko'));
    await page.reload();
    await page.emulateMedia({ colorScheme: 'dark' });
    const row = messages(page, 'Lunch at noon?');
    await row.waitFor();
    await longPress(cdp, row, page.getByRole('dialog', { name: '메시지 작업' }));
    await transitionsDone(page);
    await screenshot(page, 'touch-actions-phone-dark-ko');
    await page.keyboard.press('Escape');
  });

  test('no errors in any page', () => {
    assert.deepEqual(ana.errors, []);
    assert.deepEqual(ben.errors, []);
  });
});
