/**
 * The admin view in the browser, for a server admin (ADMIN_USERS): live
 * figures, users (search, sign out everywhere — seen at once on every tab of
 * that user — disable), rooms (archive, seen at once by its members), the audit
 * log; nothing of it for anyone else, whatever they type in the address bar.
 * Screenshots in English and Korean, light and dark, desktop and phone.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { enterAsGuest, eventually, openPerson, openTab, type Person, register, screenshot, transitionsDone, useServerAndBrowser } from './support/harness.js';

const PHONE = { width: 390, height: 844 };

describe('the admin view', { timeout: 120_000 }, () => {
  let root: Person;
  let bob: Person;
  let tom: Person;

  const stage = useServerAndBrowser({ env: { ADMIN_USERS: 'root' } });

  before(async () => {
    [root, bob, tom] = (await Promise.all([0, 1, 2].map(() => openPerson(stage.browser, stage.server.url)))) as [Person, Person, Person];
    await register(root.page, 'root', 'correct horse battery', 'Rosa Root');
    await register(bob.page, 'bob', 'correct horse battery', 'Bob Builder');
    await enterAsGuest(tom.page, 'Tom Trouble');
    await bob.page.getByRole('button', { name: 'Create a room' }).click();
    await bob.page.getByLabel('Room name').fill('projects');
    await bob.page.getByRole('button', { name: 'Create', exact: true }).click();
    await bob.page.locator('#room-title', { hasText: 'projects' }).waitFor();
  });

  test('a server admin finds it in the account menu and sees live figures', async () => {
    await root.page.getByRole('button', { name: /^Account and settings/ }).click();
    await root.page.getByRole('button', { name: 'Administration' }).click();
    await root.page.locator('#admin-title', { hasText: 'Administration' }).waitFor();
    assert.equal(new URL(root.page.url()).pathname, '/admin');
    const figures = root.page.getByTestId('admin-figures');
    await figures.getByText('Connections').waitFor();
    await eventually('three connections counted', async () => (await figures.locator('.figure', { hasText: 'Connections' }).locator('dd').textContent()) === '3');
    await figures.getByText('Delivery latency').waitFor();
    await root.page.mouse.move(0, 0);
    await screenshot(root.page, 'admin-overview-desktop-en');
  });

  test('lists users and finds one; signing him out ends his session on every tab at once', async () => {
    const tomElsewhere = await openTab(tom);
    await tomElsewhere.locator('#composer').waitFor();
    await root.page.getByRole('button', { name: 'Users', exact: true }).click();
    const users = root.page.getByTestId('admin-users');
    for (const username of ['root', 'bob']) await users.locator(`[data-user="${username}"]`).waitFor();
    await users.getByText('Tom Trouble').waitFor();
    await users.locator('[data-user="root"]').getByText('server admin').waitFor();
    await screenshot(root.page, 'admin-users-desktop-en');
    await root.page.getByLabel('Search by name or username').fill('trouble');
    await eventually('only Tom is listed', async () => (await users.locator('li').count()) === 1);
    await users.getByRole('button', { name: 'Sign out everywhere' }).click();
    await root.page.getByRole('dialog', { name: 'Sign Tom Trouble out everywhere?' }).getByRole('button', { name: 'Sign out everywhere' }).click();
    await root.page.getByText('Tom Trouble was signed out of 1 session.').waitFor();
    for (const page of [tom.page, tomElsewhere]) {
      await page.getByText('Your session has ended. Please sign in again.').waitFor();
      await page.getByRole('button', { name: 'Continue as guest' }).waitFor();
    }
  });

  test('lists rooms; archiving one closes it to its members at once', async () => {
    await root.page.getByRole('button', { name: 'Rooms', exact: true }).click();
    const rooms = root.page.getByTestId('admin-rooms');
    await rooms.getByText('lobby', { exact: true }).waitFor();
    const projects = rooms.locator('li', { hasText: 'projects' });
    await projects.getByText(/1 member/).waitFor();
    await projects.getByRole('button', { name: 'Archive' }).click();
    await projects.getByText('archived', { exact: true }).waitFor();
    await bob.page.getByTestId('composer-closed').getByText('This room is archived: nothing more can be posted here.').waitFor();
    await root.page.mouse.move(0, 0);
    await screenshot(root.page, 'admin-rooms-desktop-en');
    await bob.page.mouse.move(0, 0);
    await screenshot(bob.page, 'admin-archived-room-desktop-en');
  });

  test('the audit log lists what the admin did', async () => {
    await root.page.getByRole('button', { name: 'Audit log' }).click();
    await root.page.getByText('Rosa Root archived the room').waitFor();
    await root.page.getByText('Rosa Root signed Tom Trouble out everywhere').waitFor();
    await root.page.getByText('in #projects').waitFor();
    await screenshot(root.page, 'admin-audit-desktop-en');
  });

  test('nobody else reaches it: the page, and the API it uses', async () => {
    await bob.page.goto('/admin');
    await bob.page.locator('#composer, [data-testid="composer-closed"]').first().waitFor();
    assert.equal(await bob.page.locator('#admin-title').count(), 0);
    await eventually('the address is a room again', () => new URL(bob.page.url()).pathname.startsWith('/r/'));
    await bob.page.getByRole('button', { name: /^Account and settings/ }).click();
    assert.equal(await bob.page.getByRole('button', { name: 'Administration' }).count(), 0);
    const statuses = await bob.page.evaluate(async () =>
      Promise.all(
        [
          ['GET', '/api/admin/users'],
          ['GET', '/api/admin/stats'],
          ['POST', '/api/admin/users/x/sign-out'],
          ['DELETE', '/api/admin/rooms/lobby'],
        ].map(([method, path]) => fetch(path!, { method }).then((response) => response.status)),
      ),
    );
    assert.deepEqual(statuses, [403, 403, 403, 403]);
  });

  test('in Korean, in dark, and on a phone', async () => {
    const page = root.page;
    await page.getByRole('button', { name: /^Account and settings/ }).click();
    await page.getByRole('button', { name: '한국어' }).click();
    // Toasts written before the switch stay in the language they were written in: closed first.
    while ((await page.locator('.toast button').count()) > 0) await page.locator('.toast button').first().click();
    await page.getByRole('button', { name: /^계정 및 설정/ }).click();
    await page.locator('#admin-title', { hasText: '서버 관리' }).waitFor();
    await page.getByRole('button', { name: '사용자' }).click();
    await page.getByLabel('이름이나 사용자 이름으로 검색').fill('');
    await page.getByTestId('admin-users').getByText('Bob Builder').waitFor();
    await page.mouse.move(0, 0);
    await screenshot(page, 'admin-users-desktop-ko');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('button', { name: '개요' }).click();
    await page.getByTestId('admin-figures').getByText('연결').waitFor();
    await screenshot(page, 'admin-overview-desktop-dark-ko');
    await page.setViewportSize(PHONE);
    await transitionsDone(page);
    await page.getByRole('button', { name: '채널', exact: true }).click();
    await page.getByTestId('admin-rooms').getByText('projects').waitFor();
    await screenshot(page, 'admin-rooms-phone-dark-ko');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByRole('button', { name: '사용자' }).click();
    await page.getByTestId('admin-users').getByText('Bob Builder').waitFor();
    await screenshot(page, 'admin-users-phone-ko');
    // Back to the chat.
    await page.getByRole('button', { name: '채팅으로 돌아가기' }).click();
    await page.locator('#composer').waitFor();
    for (const person of [root, bob]) assert.deepEqual(person.errors, []);
  });
});
