/**
 * A bot's messages in the browser: a room owner makes a bot over REST and
 * invites it; what the bot sends shows its name with a BOT badge (봇 in
 * Korean), and a person's message has none. Screenshots in English (light)
 * and Korean (dark, phone).
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { enterAsGuest, messages, openPerson, type Person, register, screenshot, send, transitionsDone, useServerAndBrowser } from './support/harness.js';

/** The session token behind a page's cookie, for REST calls made as that person. */
async function tokenOf(page: Page): Promise<string> {
  const cookie = (await page.context().cookies()).find((c) => c.name === 'parley_session');
  assert.ok(cookie, 'no session cookie');
  return cookie.value;
}

describe('bot messages in the web app', { timeout: 120_000 }, () => {
  let owner: Person;
  let guest: Person;
  let botToken: string;
  const stage = useServerAndBrowser();

  async function rest(token: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const response = await fetch(`${stage.server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const answer = (await response.json()) as Record<string, unknown>;
    assert.ok(response.ok, `${method} ${path}: ${JSON.stringify(answer)}`);
    return answer;
  }

  before(async () => {
    owner = await openPerson(stage.browser, stage.server.url);
    guest = await openPerson(stage.browser, stage.server.url, { viewport: { width: 390, height: 844 }, locale: 'ko-KR', colorScheme: 'dark', isMobile: true, hasTouch: true });
    await register(owner.page, 'opsowner', 'correct horse battery', 'Olga Owner');
    await enterAsGuest(guest.page, '게스트');
    await owner.page.getByRole('button', { name: 'Create a room' }).click();
    await owner.page.getByLabel('Room name').fill('ops');
    await owner.page.getByRole('button', { name: 'Create', exact: true }).click();
    await owner.page.locator('#room-title', { hasText: 'ops' }).waitFor();
  });

  test('the bot\'s message has a BOT badge, a person\'s has none', async () => {
    const ownerToken = await tokenOf(owner.page);
    const rooms = (await rest(ownerToken, 'GET', '/api/rooms')).rooms as Array<{ id: string; name: string }>;
    const room = rooms.find((r) => r.name === 'ops')!.id;
    const made = await rest(ownerToken, 'POST', '/api/bots', { username: 'deploy-bot', name: 'Deploy' });
    botToken = made.token as string;
    await rest(ownerToken, 'POST', `/api/rooms/${room}/invite`, { username: 'deploy-bot' });
    const guestUser = (await rest(await tokenOf(guest.page), 'GET', '/api/me')).user as { username: string };
    await rest(ownerToken, 'POST', `/api/rooms/${room}/invite`, { username: guestUser.username });

    await send(owner.page, 'Deploying now?');
    await messages(owner.page, 'Deploying now?').waitFor();
    await rest(botToken, 'POST', `/api/rooms/${room}/messages`, { id: 'deploy-00000001', body: 'Deployed **v1.4** to production.' });
    const row = messages(owner.page, 'Deployed v1.4 to production.');
    await row.waitFor();
    const badge = row.locator('.bot-badge');
    assert.equal(await badge.textContent(), 'BOT');
    assert.equal(await badge.getAttribute('title'), 'A bot account');
    assert.equal(await row.locator('.msg-author').textContent(), 'Deploy');
    assert.equal(await messages(owner.page, 'Deploying now?').locator('.bot-badge').count(), 0);
    // The member list says so too (read as the panel opens: closed and opened again here).
    await owner.page.getByRole('button', { name: /^Hide members/ }).first().click();
    await owner.page.getByRole('button', { name: /^Show members/ }).first().click();
    await owner.page.locator('li.member', { hasText: 'Deploy' }).locator('.bot-badge').waitFor();
    await owner.page.mouse.move(0, 0);
    await screenshot(owner.page, 'bot-message-desktop-en');
    assert.deepEqual(owner.errors, []);
  });

  test('in Korean the badge says 봇', async () => {
    await guest.page.getByRole('button', { name: '메뉴 열기' }).click();
    await transitionsDone(guest.page);
    await guest.page.locator('nav .room-link').filter({ hasText: 'ops' }).first().click();
    await transitionsDone(guest.page);
    const row = messages(guest.page, 'Deployed v1.4 to production.');
    await row.waitFor();
    assert.equal(await row.locator('.bot-badge').textContent(), '봇');
    await screenshot(guest.page, 'bot-message-phone-ko-dark');
    assert.deepEqual(guest.errors, []);
  });
});
