/**
 * People in the browser (issue 21): inviting and starting a DM by display name with the people
 * picker ("Bob" while his username is generated — before, "There is no user named 'Bob'"),
 * @-mention autocomplete in the composer, the profile card from a name in the timeline and the
 * member list, and the guest lifecycle (a warning before a guest logs out, who is then gone from
 * the member list; a guest keeping their identity with a password). Screenshots of the picker
 * and the card in English and Korean, light and dark, phone and desktop.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { enterAsGuest, eventually, messages, openPerson, type Person, openRoom, register, screenshot, send, transitionsDone, useServerAndBrowser } from './support/harness.js';

const PHONE = { width: 390, height: 844 };

describe('people: picker, mentions, profile card, guest lifecycle', { timeout: 180_000 }, () => {
  let alice: Person;
  let bob: Person;
  let bobUsername = '';
  const stage = useServerAndBrowser({ env: { RATE_LIMITS: 'off' } });

  before(async () => {
    alice = await openPerson(stage.browser, stage.server.url);
    await register(alice.page, 'alice', 'correct horse battery', 'Alice');
    bob = await openPerson(stage.browser, stage.server.url);
    await enterAsGuest(bob.page, 'Bob');
    bobUsername = await bob.page.evaluate(async () => ((await (await fetch('/api/session')).json()) as { user: { username: string } }).user.username);
    assert.match(bobUsername, /^bob-/);
  });

  const pickerOf = (page: Page, title: string) => page.getByRole('dialog', { name: title });

  test('inviting "Bob" to a private room finds Bob by his display name; the invite adds him', async () => {
    const { page } = alice;
    await page.getByRole('button', { name: 'Create a room' }).click();
    await page.getByLabel('Room name').fill('plans');
    await page.getByText('Private — only people you invite').click();
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.locator('#room-title', { hasText: 'plans' }).waitFor();
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    const dialog = pickerOf(page, 'Invite to plans');
    await dialog.getByRole('combobox', { name: 'Name or username' }).fill('Bob');
    const option = dialog.getByRole('option').filter({ hasText: `@${bobUsername}` });
    await option.waitFor();
    await screenshot(page, 'people-picker-desktop-light-en');
    await page.emulateMedia({ colorScheme: 'dark' });
    await transitionsDone(page);
    await screenshot(page, 'people-picker-desktop-dark-en');
    await page.emulateMedia({ colorScheme: 'light' });
    await dialog.getByRole('combobox').press('Enter');
    await dialog.getByText('Bob was added.').waitFor();
    // Nobody by that name shares a room with Alice: said, not an error.
    await dialog.getByRole('combobox').fill('Zelda');
    await dialog.getByText('Nobody called “Zelda” shares a room with you.').waitFor();
    await dialog.getByRole('button', { name: 'Close', exact: true }).first().click();
    await bob.page.locator('nav .room-link', { hasText: 'plans' }).waitFor();
  });

  test('@-mention autocomplete lists the room\'s members as one types and puts @username in place', async () => {
    const { page } = alice;
    const composer = page.locator('#composer');
    await composer.fill('');
    await composer.pressSequentially('hi @bo');
    const menu = page.getByTestId('mention-menu');
    await menu.getByRole('option', { name: new RegExp(`@${bobUsername}`) }).waitFor();
    await screenshot(page, 'people-mentions-desktop-light-en');
    await composer.press('Enter');
    assert.equal(await composer.inputValue(), `hi @${bobUsername} `);
    assert.equal(await menu.count(), 0);
    await composer.pressSequentially('see you');
    await composer.press('Enter');
    await openRoom(bob.page, 'plans');
    // Bob sees himself mentioned.
    await messages(bob.page, 'see you').and(bob.page.locator('.mention')).waitFor();
    // Escape closes the list and leaves the text alone; the next Enter sends.
    await composer.pressSequentially('@al');
    await menu.getByRole('option', { name: /@alice/ }).waitFor();
    await composer.press('Escape');
    assert.equal(await menu.count(), 0);
    assert.equal(await composer.inputValue(), '@al');
    await composer.fill('');
  });

  test('a name in the timeline opens the profile card: name, username, online, and a DM button', async () => {
    const { page } = bob;
    await openRoom(page, 'plans');
    await page.locator('.msg-author', { hasText: 'Alice' }).first().click();
    const card = page.getByRole('dialog', { name: 'Profile' });
    await card.getByText('@alice').waitFor();
    await card.getByText('Online', { exact: true }).waitFor();
    await screenshot(page, 'profile-card-desktop-light-en');
    await page.emulateMedia({ colorScheme: 'dark' });
    await transitionsDone(page);
    await screenshot(page, 'profile-card-desktop-dark-en');
    await page.emulateMedia({ colorScheme: 'light' });
    await card.getByRole('button', { name: 'Message' }).click();
    await page.locator('#room-title', { hasText: 'Alice' }).waitFor();
  });

  test('a new DM by display name; the member list opens the card too', async () => {
    const { page } = alice;
    await openRoom(page, 'lobby');
    await page.getByRole('button', { name: 'New direct message' }).click();
    const dialog = pickerOf(page, 'New direct message');
    await dialog.getByRole('combobox').fill('bo');
    await dialog.getByRole('option').filter({ hasText: 'Bob' }).waitFor();
    await dialog.getByRole('combobox').press('ArrowDown');
    await dialog.getByRole('combobox').press('ArrowUp');
    await dialog.getByRole('combobox').press('Enter');
    await page.locator('#room-title', { hasText: 'Bob' }).waitFor();
    await openRoom(page, 'lobby');
    await page.getByTestId('members-online').getByText('Bob').click();
    const card = page.getByRole('dialog', { name: 'Profile' });
    await card.getByText(`@${bobUsername}`).waitFor();
    await card.getByText('guest', { exact: true }).waitFor();
    await card.getByRole('button', { name: 'Close', exact: true }).first().click();
  });

  test('a guest is warned before logging out; once gone, they leave the member list', async () => {
    const { page } = bob;
    await page.getByRole('button', { name: /^Account and settings/ }).click();
    await page.getByRole('button', { name: 'Log out' }).click();
    const warning = page.getByRole('dialog', { name: 'Leave for good?' });
    await warning.getByText(/nobody can sign in as you again/).waitFor();
    await screenshot(page, 'guest-logout-warning-desktop-light-en');
    await warning.getByRole('button', { name: 'Log out and delete' }).click();
    await page.getByRole('button', { name: 'Continue as guest' }).waitFor();
    await openRoom(alice.page, 'lobby');
    await eventually('Bob is no longer a member of the lobby', async () => (await alice.page.locator('.member-panel').getByText('Bob', { exact: true }).count()) === 0, 10_000);
    await alice.page.getByText('Bob left.').first().waitFor();
  });

  test('a guest keeps their identity with a password, then logs out without a warning and signs in again', async () => {
    const carol = await openPerson(stage.browser, stage.server.url);
    await enterAsGuest(carol.page, 'Carol');
    const { page } = carol;
    await page.getByRole('button', { name: /^Account and settings/ }).click();
    await page.getByRole('button', { name: 'Keep my identity…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Keep your identity' });
    await dialog.getByLabel('Username', { exact: true }).fill('carol');
    await dialog.getByLabel('Password', { exact: true }).fill('correct horse battery');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved. Sign in with this username and password from now on.').waitFor();
    await page.getByRole('button', { name: /^Account and settings/ }).click();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Continue as guest' }).waitFor();
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('Username', { exact: true }).fill('carol');
    await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in', exact: true }).last().click();
    await page.locator('#composer').waitFor();
    await page.getByText('Carol joined.').first().waitFor();
    assert.deepEqual(carol.errors, []);
  });

  test('in Korean, on a phone, light and dark: the picker finds 서연 inside 김서연, and her card', async () => {
    const seoyeon = await openPerson(stage.browser, stage.server.url, { locale: 'ko-KR' });
    await enterAsGuest(seoyeon.page, '김서연');
    const minji = await openPerson(stage.browser, stage.server.url, { locale: 'ko-KR', viewport: PHONE });
    const { page } = minji;
    await page.getByRole('button', { name: '가입' }).click();
    await page.getByLabel('사용자 이름', { exact: true }).fill('minji');
    await page.getByLabel('표시 이름', { exact: true }).fill('민지');
    await page.getByLabel('비밀번호', { exact: true }).fill('correct horse battery');
    await page.getByRole('button', { name: '계정 만들기' }).click();
    await page.locator('#composer').waitFor();
    await page.getByRole('button', { name: '메뉴 열기' }).click();
    await page.getByRole('button', { name: '새 다이렉트 메시지' }).click();
    const dialog = pickerOf(page, '새 다이렉트 메시지');
    await dialog.getByRole('combobox', { name: '이름 또는 사용자 이름' }).fill('서연');
    await dialog.getByRole('option').filter({ hasText: '김서연' }).waitFor();
    await transitionsDone(page);
    await screenshot(page, 'people-picker-phone-light-ko');
    await page.emulateMedia({ colorScheme: 'dark' });
    await transitionsDone(page);
    await screenshot(page, 'people-picker-phone-dark-ko');
    await dialog.getByRole('option').filter({ hasText: '김서연' }).click();
    await page.locator('#room-title', { hasText: '김서연' }).waitFor();
    await send(page, '안녕하세요');
    await seoyeon.page.locator('nav .room-link', { hasText: '민지' }).click();
    await send(seoyeon.page, '반가워요');
    await page.locator('.msg-author', { hasText: '김서연' }).first().click();
    const card = page.getByRole('dialog', { name: '프로필' });
    await card.getByText(/^@guest-/).waitFor();
    await card.getByText('온라인', { exact: true }).waitFor();
    await card.getByRole('button', { name: '메시지' }).waitFor();
    await transitionsDone(page);
    await screenshot(page, 'profile-card-phone-dark-ko');
    await page.emulateMedia({ colorScheme: 'light' });
    await transitionsDone(page);
    await screenshot(page, 'profile-card-phone-light-ko');
    assert.deepEqual(minji.errors, []);
    assert.deepEqual(seoyeon.errors, []);
  });

  test('no errors in the pages', () => {
    assert.deepEqual(alice.errors, []);
    assert.deepEqual(bob.errors, []);
  });
});
