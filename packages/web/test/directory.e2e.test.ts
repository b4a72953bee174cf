/**
 * Public rooms: a new one appears in everyone's sidebar as it is made (it took
 * up to a minute), and every one of them, however many, can be found in the
 * directory, searched by name, previewed and joined.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIRECTORY_PREVIEW } from '@parley/protocol';
import { eventually, openPerson, type Person, register, screenshot, transitionsDone, useServerAndBrowser, WAIT_MS } from './support/harness.js';

describe('public rooms: announced live, all in the directory', { timeout: 120_000 }, () => {
  let maker: Person;
  let finder: Person;
  const stage = useServerAndBrowser({ env: { RATE_LIMITS: 'off' } });

  before(async () => {
    maker = await openPerson(stage.browser, stage.server.url);
    await register(maker.page, 'maker', 'correct horse battery', 'Maker');
    finder = await openPerson(stage.browser, stage.server.url);
    await register(finder.page, 'finder', 'correct horse battery', 'Finder');
  });

  const createRoom = async (name: string) => {
    const { page } = maker;
    await page.getByRole('button', { name: 'Create a room' }).click();
    await page.getByLabel('Room name').fill(name);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.locator('#room-title', { hasText: name }).waitFor();
  };

  test('a public room someone creates shows in the others\' sidebars at once, without reloading', async () => {
    await createRoom('announced');
    const started = Date.now();
    // Well under the minute the sidebar used to wait for its periodic refresh.
    await finder.page.locator('nav .room-link.not-joined', { hasText: 'announced' }).waitFor({ timeout: WAIT_MS });
    console.log(`# the new room showed in the other sidebar ${Date.now() - started} ms after its creator saw it`);
  });

  test(`with more than ${DIRECTORY_PREVIEW} public rooms, the directory finds any of them by name, previews it and joins it`, async () => {
    // Made before the finder arrives: their welcome lists only the newest.
    for (let i = 0; i < DIRECTORY_PREVIEW + 5; i++) await createRoom(`archive ${String(i).padStart(2, '0')}`);
    const late = await openPerson(stage.browser, stage.server.url);
    await register(late.page, 'late', 'correct horse battery', 'Late');
    const { page } = late;
    assert.equal(await page.locator('nav .room-link', { hasText: 'archive 00' }).count(), 0, 'not every public room is in the sidebar');

    await page.getByRole('button', { name: 'Browse all rooms' }).click();
    const dialog = page.getByRole('dialog', { name: 'Public rooms' });
    await dialog.locator('.directory-room').first().waitFor();
    await screenshot(page, 'directory-desktop-en');
    await dialog.getByLabel('Find a room by name').fill('archive 0');
    const wanted = Array.from({ length: 10 }, (_, i) => `archive 0${i}`).join(',');
    await eventually('the search\'s rooms', async () => (await dialog.locator('.directory-name').allTextContents()).join(',') === wanted);
    await dialog.getByLabel('Find a room by name').fill('no such room anywhere');
    await dialog.getByText('No public room has that name.').waitFor();
    await dialog.getByLabel('Find a room by name').fill('archive 00');
    await dialog.locator('.directory-room', { hasText: 'archive 00' }).click();
    await page.locator('#room-title', { hasText: 'archive 00' }).waitFor();
    await page.getByRole('button', { name: 'Join room' }).click();
    await page.locator('#composer').waitFor();
    await page.locator('nav .room-link:not(.not-joined)', { hasText: 'archive 00' }).waitFor();

    // Korean, dark, on a phone.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => localStorage.setItem('parley.lang', 'ko'));
    await page.reload();
    await page.locator('#composer').waitFor();
    await page.getByRole('button', { name: '메뉴 열기' }).click();
    await transitionsDone(page);
    await page.getByRole('button', { name: '모든 채널 둘러보기' }).click();
    await page.getByRole('dialog', { name: '공개 채널' }).locator('.directory-room').first().waitFor();
    await screenshot(page, 'directory-phone-dark-ko');
    assert.deepEqual(late.errors, []);
  });
});
