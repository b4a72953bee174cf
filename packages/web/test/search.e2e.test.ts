/**
 * Search in the web app: a Korean two-syllable word inside a compound is found and marked, a
 * deleted message is not, a private room's message is found by its member and never by anyone
 * else, and a result opens its room at the message, with the history before it loaded.
 * Screenshots of results in English and Korean, light and dark, desktop and phone.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { eventually, messageAction, messages, openPerson, type Person, register, screenshot, send, transitionsDone, useServerAndBrowser } from './support/harness.js';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
/** Messages sent after the one searched for: more than the room's first page of history. */
const LATER = 60;

/** Opens the search, types `query` and waits for results whose texts include `expect` (or for none). */
async function search(page: Page, query: string, expect: string | null): Promise<string[]> {
  if (!(await page.locator('.search-dialog').isVisible())) {
    await page.getByTestId('open-search').click();
  }
  const dialog = page.locator('.search-dialog');
  await dialog.getByTestId('search-input').fill(query);
  if (expect === null) await dialog.locator('.search-count').filter({ hasText: /No messages match|일치하는 메시지가 없습니다/ }).waitFor();
  else await dialog.locator('.search-result', { hasText: expect }).first().waitFor();
  return dialog.locator('.search-excerpt').allTextContents();
}

describe('search', { timeout: 180_000 }, () => {
  let ann: Person;
  let bob: Person;
  const stage = useServerAndBrowser({ env: { RATE_LIMITS: 'off' } });

  before(async () => {
    ann = await openPerson(stage.browser, stage.server.url);
    await register(ann.page, 'ann', 'correct horse battery', 'Ann Lee');
    bob = await openPerson(stage.browser, stage.server.url);
    await register(bob.page, 'bob', 'correct horse battery', 'Bob Kim');
  });

  test('a Korean word inside a compound is found and marked; a deleted message and a private room’s are not', async () => {
    const { page } = ann;
    await send(page, '새 정보검색 시스템을 오늘 배포합니다. Deploying the search service tonight.');
    await messages(page, '정보검색 시스템').waitFor();
    await send(page, '삭제될 검색어 테스트');
    await messageAction(page, '삭제될 검색어', 'Delete');
    await page.getByRole('dialog', { name: 'Delete this message?' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByText('This message was deleted.').waitFor();
    for (let i = 0; i < LATER; i++) await send(page, `later chatter ${i}`);
    await messages(page, `later chatter ${LATER - 1}`).waitFor();

    await page.getByRole('button', { name: 'Create a room' }).click();
    await page.getByLabel('Room name').fill('secret plans');
    await page.getByText('Private — only people you invite').click();
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.locator('#room-title', { hasText: 'secret plans' }).waitFor();
    await send(page, '비밀 정보검색 계획 deploy');
    await messages(page, '비밀 정보검색').waitFor();

    // Ann is a member of both rooms: she finds both messages, the newest first.
    const hers = await search(page, '검색', '비밀 정보검색');
    assert.deepEqual(hers, ['비밀 정보검색 계획 deploy', '새 정보검색 시스템을 오늘 배포합니다. Deploying the search service tonight.']);
    assert.deepEqual(await page.locator('.search-dialog mark').allTextContents(), ['검색', '검색']);
    // The deleted message is found by nobody, its author included.
    await search(page, '삭제될', null);
    await page.keyboard.press('Escape');

    // Bob is not in the private room: the lobby's message only.
    const his = await search(bob.page, '검색', '정보검색 시스템');
    assert.deepEqual(his, ['새 정보검색 시스템을 오늘 배포합니다. Deploying the search service tonight.']);
    await search(bob.page, '비밀', null);
    await search(bob.page, '삭제될', null);
    await screenshot(bob.page, 'search-desktop-light-ko-query');
    assert.deepEqual([...ann.errors, ...bob.errors], []);
  });

  test('a result opens its room at the message, with the history before it loaded', async () => {
    const { page } = bob;
    // A fresh start: the lobby's first page of history is the newest messages only.
    await page.reload();
    await messages(page, `later chatter ${LATER - 1}`).waitFor();
    assert.equal(await messages(page, '새 정보검색 시스템').count(), 0, 'not in the first page of the lobby');
    await search(page, '검색', '정보검색 시스템');
    await page.locator('.search-result', { hasText: '정보검색 시스템' }).click();
    const row = messages(page, '새 정보검색 시스템');
    await row.waitFor();
    await eventually('the message marked and in view', async () =>
      (await row.getAttribute('data-search-target')) !== null && (await row.isVisible()) &&
      (await row.evaluate((el) => {
        const box = el.getBoundingClientRect();
        const scroller = el.closest('.message-scroller')!.getBoundingClientRect();
        return box.top >= scroller.top && box.bottom <= scroller.bottom;
      })),
    );
    await screenshot(page, 'search-jump-desktop-en');
    assert.deepEqual(bob.errors, []);
  });

  test('screenshots: results in English and Korean, light and dark, desktop and phone', async () => {
    const { page } = ann;
    for (const lang of ['en', 'ko'] as const) {
      await page.evaluate((value) => localStorage.setItem('parley.lang', value), lang);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
          await page.setViewportSize(viewport);
          await page.reload();
          await page.locator('#composer').waitFor();
          await transitionsDone(page);
          await search(page, lang === 'en' ? 'deploy' : '검색', lang === 'en' ? 'Deploying' : '비밀 정보검색');
          await transitionsDone(page);
          await screenshot(page, `search-${size}-${scheme}-${lang}`);
        }
      }
    }
    await page.evaluate(() => localStorage.removeItem('parley.lang'));
    assert.deepEqual(ann.errors, []);
  });
});
