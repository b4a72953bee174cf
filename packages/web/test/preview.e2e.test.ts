/**
 * A public room can be read before joining it: its recent messages, read-only
 * (nothing to write with, nothing to react, edit or delete with), and a Join
 * button that turns the preview into the room.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { eventually, messages, openPerson, type Person, register, screenshot, send, transitionsDone, useServerAndBrowser } from './support/harness.js';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

describe('a public room before joining it', { timeout: 90_000 }, () => {
  let bob: Person;
  let ada: Person;

  const stage = useServerAndBrowser();

  before(async () => {
    bob = await openPerson(stage.browser, stage.server.url);
    await register(bob.page, 'bob', 'correct horse battery', 'Bob');
    await bob.page.getByRole('button', { name: 'Create a room' }).click();
    await bob.page.getByLabel('Room name').fill('garden');
    await bob.page.getByRole('button', { name: 'Create', exact: true }).click();
    await bob.page.locator('#room-title', { hasText: 'garden' }).waitFor();
    await send(bob.page, 'The **tomatoes** are ripe 🍅');
    await send(bob.page, 'Who takes the watering on Sunday?');
    await send(bob.page, '일요일에 물 주실 분 계신가요?');
    await messages(bob.page, '일요일에').locator('xpath=self::article[not(contains(@class, "pending-"))]').waitFor();
    // Someone else in the room reacts, so the preview has a reaction to show.
    await bob.page.locator('article.msg', { hasText: 'tomatoes' }).hover();
    await bob.page.locator('article.msg', { hasText: 'tomatoes' }).getByRole('button', { name: 'React with 👍' }).click();
    ada = await openPerson(stage.browser, stage.server.url);
    await register(ada.page, 'ada', 'correct horse battery', 'Ada');
  });

  const openGarden = async (page: Page) => {
    await page.locator('nav .room-link', { hasText: 'garden' }).click();
    await page.locator('#room-title', { hasText: 'garden' }).waitFor();
  };

  test('shows its recent messages, read-only, with a Join button', async () => {
    const { page } = ada;
    await openGarden(page);
    await messages(page, 'The tomatoes are ripe').waitFor();
    await messages(page, 'Who takes the watering on Sunday?').waitFor();
    assert.equal(await messages(page, 'The tomatoes are ripe').locator('strong').textContent(), 'tomatoes', 'markdown as everywhere else');
    await page.getByText('You are reading #garden without joining it.').waitFor();
    await page.getByRole('button', { name: 'Join room' }).waitFor();
    assert.equal(await page.locator('#composer').count(), 0, 'nothing to write with');
    const row = page.locator('article.msg', { hasText: 'tomatoes' });
    await row.hover();
    assert.equal(await row.getByRole('toolbar').count(), 0, 'no reacting, editing or deleting');
    assert.equal(await row.locator('.reaction').isDisabled(), true, 'a reaction is shown, not pressable');
    await screenshot(page, 'preview-desktop-en');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'preview-desktop-dark-en');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize(PHONE);
    await page.getByRole('button', { name: 'Join room' }).waitFor();
    await transitionsDone(page);
    await screenshot(page, 'preview-phone-en');
    await page.setViewportSize(DESKTOP);
  });

  test('in Korean too', async () => {
    const korean = await openPerson(stage.browser, stage.server.url, { locale: 'ko-KR', viewport: PHONE });
    await korean.page.getByRole('button', { name: '가입' }).click();
    await korean.page.getByLabel('사용자 이름', { exact: true }).fill('minji');
    await korean.page.getByLabel('표시 이름', { exact: true }).fill('민지');
    await korean.page.getByLabel('비밀번호', { exact: true }).fill('correct horse battery');
    await korean.page.getByRole('button', { name: '계정 만들기' }).click();
    await korean.page.locator('#composer').waitFor();
    await korean.page.getByRole('button', { name: '메뉴 열기' }).click();
    await korean.page.locator('nav .room-link', { hasText: 'garden' }).click();
    await messages(korean.page, '일요일에 물 주실 분').waitFor();
    await korean.page.getByRole('button', { name: '채널 참여' }).waitFor();
    await korean.page.emulateMedia({ colorScheme: 'dark' });
    await transitionsDone(korean.page);
    await screenshot(korean.page, 'preview-phone-dark-ko');
    await korean.page.setViewportSize(DESKTOP);
    await korean.page.emulateMedia({ colorScheme: 'light' });
    await screenshot(korean.page, 'preview-desktop-ko');
    assert.deepEqual(korean.errors, []);
    await korean.context.close();
  });

  test('joining turns the preview into the room', async () => {
    const { page } = ada;
    await page.getByRole('button', { name: 'Join room' }).click();
    await page.locator('#composer').waitFor();
    await messages(page, 'The tomatoes are ripe').waitFor();
    await send(page, 'I can water on Sunday');
    await messages(bob.page, 'I can water on Sunday').waitFor();
    await eventually('the preview bar is gone', async () => (await page.getByText('without joining it').count()) === 0);
  });

  test('no errors in any page', () => {
    assert.deepEqual(ada.errors, []);
    assert.deepEqual(bob.errors, []);
  });
});
