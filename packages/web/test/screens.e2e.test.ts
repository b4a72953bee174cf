/**
 * Screenshots of the main screens at desktop and phone widths, in English and
 * Korean, light and dark, kept in test-artifacts/screenshots for people to
 * look at. Each screen is also checked for the language it should be in.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { enterAsGuest, invite, messageAction, messages, openPerson, openRoom, type Person, register, screenshot, send, startDm, typeUntil, useServerAndBrowser } from './support/harness.js';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** Resizes and lets the drawer's slide (which runs when the layout crosses the phone breakpoint) finish. */
async function resize(page: Page, size: { width: number; height: number }): Promise<void> {
  await page.setViewportSize(size);
  await page.waitForTimeout(300);
}

/** Alex is typing in the screenshot that follows: the indicator shows on `viewer`. */
async function alexTyping(alex: Page, viewer: Page, text: string): Promise<void> {
  await typeUntil(alex, 'the typing indicator', () => viewer.getByText(text).isVisible());
}

describe('screens', { timeout: 120_000 }, () => {
  let minji: Person;
  let alex: Person;
  let sam: Person;

  const stage = useServerAndBrowser();

  test('the entry screen follows the browser language', async () => {
    const english = await openPerson(stage.browser, stage.server.url);
    await english.page.getByRole('button', { name: 'Continue as guest' }).waitFor();
    await screenshot(english.page, 'auth-desktop-en');
    await resize(english.page, PHONE);
    await screenshot(english.page, 'auth-phone-en');

    const korean = await openPerson(stage.browser, stage.server.url, { locale: 'ko-KR' });
    await korean.page.getByRole('button', { name: '게스트로 입장' }).waitFor();
    assert.equal(await korean.page.locator('html').getAttribute('lang'), 'ko');
    await screenshot(korean.page, 'auth-desktop-ko');
    await resize(korean.page, PHONE);
    await korean.page.getByRole('button', { name: '로그인' }).click();
    await screenshot(korean.page, 'auth-phone-ko');
    await english.context.close();
    await korean.context.close();
  });

  test('a lively conversation, in English', async () => {
    minji = await openPerson(stage.browser, stage.server.url);
    alex = await openPerson(stage.browser, stage.server.url);
    sam = await openPerson(stage.browser, stage.server.url);
    await register(minji.page, 'minji', 'correct horse battery', 'Minji Park');
    await register(alex.page, 'alex', 'correct horse battery', 'Alex Chen');
    await enterAsGuest(sam.page, 'Sam Rivera');

    await send(alex.page, 'Morning all! The **release candidate** is up on staging.');
    await send(alex.page, 'Changelog: https://example.com/changelog');
    await send(minji.page, 'Nice! I will run the smoke tests after standup.');
    await send(sam.page, 'Found one thing — the `--dry-run` flag still writes the lock file:\n```\n$ parley migrate --dry-run\nwrote data/.lock\n```');
    await send(minji.page, '@Sam Rivera good catch, can you file it? _Not a blocker_ for the RC I think.');
    await send(alex.page, 'Agreed. Shipping at 3pm unless someone shouts. 🚀');
    await send(alex.page, '안녕하세요! 오늘 배포는 오후 3시에 시작합니다.');
    await messages(minji.page, '오늘 배포는').waitFor();

    // Reactions, an edit and a deletion.
    await messageAction(minji.page, 'release candidate', 'React with 🎉');
    await messageAction(sam.page, 'Shipping at 3pm', 'React with 👍');
    await messageAction(minji.page, 'Shipping at 3pm', 'React with 👍');
    await send(sam.page, 'typo mesage');
    await messageAction(sam.page, 'typo mesage', 'Edit');
    await sam.page.getByRole('textbox', { name: 'Edit' }).fill('Filed as #142, thanks!');
    await sam.page.getByRole('textbox', { name: 'Edit' }).press('Enter');
    await messages(minji.page, 'Filed as #142').getByText('(edited)').waitFor();

    // A private room with unread messages, and a DM.
    await alex.page.getByRole('button', { name: 'Create a room' }).click();
    await alex.page.getByLabel('Room name').fill('release-war-room');
    await alex.page.getByText('Private — only people you invite').click();
    await alex.page.getByRole('button', { name: 'Create', exact: true }).click();
    await alex.page.locator('#room-title', { hasText: 'release-war-room' }).waitFor();
    await invite(alex.page, 'minji', '@minji');
    await send(alex.page, 'Rollback plan is in the doc.');
    await send(alex.page, 'Ping me if the canary looks off.');
    await startDm(alex.page, 'minji', '@minji');
    await alex.page.locator('#room-title', { hasText: 'Minji Park' }).waitFor();
    await send(alex.page, 'Coffee after the release?');
    await openRoom(alex.page, 'lobby');

    await minji.page.locator('nav .room-link', { hasText: 'release-war-room' }).locator('.badge', { hasText: '2' }).waitFor();
    await minji.page.locator('nav .room-link', { hasText: 'Alex Chen' }).locator('.badge', { hasText: '1' }).waitFor();
    await minji.page.mouse.move(0, 0);
    await alexTyping(alex.page, minji.page, 'Alex Chen is typing…');
    await screenshot(minji.page, 'chat-desktop-en');

    await minji.page.emulateMedia({ colorScheme: 'dark' });
    await alexTyping(alex.page, minji.page, 'Alex Chen is typing…');
    await screenshot(minji.page, 'chat-desktop-dark-en');
    await minji.page.emulateMedia({ colorScheme: 'light' });

    await resize(minji.page, PHONE);
    await alexTyping(alex.page, minji.page, 'Alex Chen is typing…');
    await screenshot(minji.page, 'chat-phone-en');
    await minji.page.getByRole('button', { name: 'Open menu' }).click();
    await minji.page.locator('nav.sidebar').getByText('release-war-room').waitFor();
    await minji.page.waitForTimeout(250); // the drawer's slide-in
    await screenshot(minji.page, 'phone-drawer-en');
    await minji.page.getByRole('button', { name: 'Close menu' }).click();
    await minji.page.waitForTimeout(300); // the drawer's slide-out
    await minji.page.getByRole('button', { name: /^Show members/ }).click();
    await minji.page.getByRole('complementary', { name: 'Members' }).waitFor();
    await screenshot(minji.page, 'phone-members-en');
    await minji.page.getByRole('button', { name: 'Hide members' }).first().click();

    await resize(minji.page, DESKTOP);
    await minji.page.getByRole('button', { name: 'Create a room' }).click();
    await minji.page.getByLabel('Room name').fill('design-review');
    await screenshot(minji.page, 'dialog-create-room-desktop-en');
    await minji.page.keyboard.press('Escape');
  });

  test('the same, switched to Korean in the settings', async () => {
    const page = minji.page;
    await page.getByRole('button', { name: /^Account and settings/ }).click();
    await page.getByRole('button', { name: '한국어' }).click();
    await page.getByRole('button', { name: /^계정 및 설정/ }).click();
    await page.getByText('다이렉트 메시지', { exact: true }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'ko');
    await page.getByPlaceholder('#lobby에 메시지 보내기').waitFor();
    await alexTyping(alex.page, page, 'Alex Chen님이 입력 중…');
    await page.mouse.move(0, 0);
    await screenshot(page, 'chat-desktop-ko');
    await resize(page, PHONE);
    await alexTyping(alex.page, page, 'Alex Chen님이 입력 중…');
    await screenshot(page, 'chat-phone-ko');
    await page.getByRole('button', { name: '메뉴 열기' }).click();
    await page.waitForTimeout(250);
    await screenshot(page, 'phone-drawer-ko');
    await page.getByRole('button', { name: '메뉴 닫기' }).click();

    await resize(page, DESKTOP);
    await openRoom(page, 'release-war-room');
    await page.getByRole('button', { name: /^계정 및 설정/ }).click();
    await page.getByRole('group', { name: '계정 및 설정' }).waitFor();
    await screenshot(page, 'settings-desktop-ko');
    assert.deepEqual(minji.errors, []);
    assert.deepEqual(alex.errors, []);
    assert.deepEqual(sam.errors, []);
  });
});
