/**
 * Threads in Chromium (§25): two people; a reply in a thread from the message's toolbar, the
 * reply count under the root, the root author's unread badge on Threads and the list with the
 * unread thread first, reading it clears the badge on both of her tabs; unfollowing silences a
 * thread and following again brings its badge back; "also send to the room" puts a reply in the
 * timeline; a quoted reply. Then screenshots of the thread panel in English and Korean, light
 * and dark, desktop and phone.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { enterAsGuest, messageAction, messages, openPerson, openTab, type Person, screenshot, send, useServerAndBrowser } from './support/harness.js';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

function threadsBadge(page: Page) {
  return page.getByTestId('threads-link').locator('.badge');
}

async function replyInThread(page: Page, text: string, options: { alsoInRoom?: boolean } = {}): Promise<void> {
  const panel = page.getByTestId('thread-panel');
  if (options.alsoInRoom) await panel.getByRole('checkbox').check();
  const composer = page.locator('#thread-composer');
  await composer.fill(text);
  await composer.press('Enter');
  await panel.locator('article.msg:not([class*="pending-"])', { hasText: text }).waitFor();
}

describe('threads', { timeout: 120_000 }, () => {
  const stage = useServerAndBrowser();
  let ann: Person;
  let bob: Person;

  test('two people: a reply in a thread, unread, follow, also in the room, a quoted reply', async () => {
    ann = await openPerson(stage.browser, stage.server.url);
    bob = await openPerson(stage.browser, stage.server.url);
    await enterAsGuest(ann.page, 'Ann');
    await enterAsGuest(bob.page, 'Bob');
    const annTab = await openTab(ann);
    await annTab.locator('#composer').waitFor();

    await send(ann.page, 'Lunch plans for Friday?');
    await messages(bob.page, 'Lunch plans').waitFor();
    await messageAction(bob.page, 'Lunch plans', 'Reply in thread');
    const bobPanel = bob.page.getByTestId('thread-panel');
    await bobPanel.getByText('Lunch plans for Friday?').waitFor();
    await replyInThread(bob.page, 'Pizza at noon');
    // Kept in the thread: the room's timeline shows the count under the root, not the reply.
    await bob.page.locator('.message-scroller').getByTestId('thread-summary').getByText('1 reply').waitFor();
    assert.equal(await bob.page.locator('.message-scroller article.msg', { hasText: 'Pizza at noon' }).count(), 0);

    // Ann, the root's author, follows it: a badge on Threads on both her tabs, the room not unread.
    for (const page of [ann.page, annTab]) await threadsBadge(page).getByText('1').waitFor();
    await ann.page.locator('.message-scroller').getByTestId('thread-summary').getByText('1 reply').waitFor();
    assert.equal(await ann.page.locator('.message-scroller article.msg', { hasText: 'Pizza at noon' }).count(), 0);
    await ann.page.getByTestId('threads-link').click();
    const item = ann.page.getByTestId('threads-item').first();
    await item.getByText('1 new reply').waitFor();
    await item.click();
    await ann.page.getByTestId('thread-panel').getByText('Pizza at noon').waitFor();
    // Read in one tab, cleared in both.
    for (const page of [ann.page, annTab]) await threadsBadge(page).waitFor({ state: 'detached' });

    // Bob unfollows: Ann's next reply gives him no badge; following again, the next one does.
    await bobPanel.getByRole('button', { name: 'Following' }).click();
    await bobPanel.getByRole('button', { name: 'Follow', exact: true }).waitFor();
    await bobPanel.getByRole('button', { name: 'Close thread' }).click();
    await replyInThread(ann.page, 'Sounds good');
    await bob.page.locator('.message-scroller').getByTestId('thread-summary').getByText('2 replies').waitFor();
    assert.equal(await threadsBadge(bob.page).count(), 0, 'an unfollowed thread has no badge');
    await bob.page.locator('.message-scroller').getByTestId('thread-summary').click();
    await bobPanel.getByText('Sounds good').waitFor();
    await bobPanel.getByRole('button', { name: 'Follow', exact: true }).click();
    await bobPanel.getByRole('button', { name: 'Following' }).waitFor();
    await bobPanel.getByRole('button', { name: 'Close thread' }).click();
    await replyInThread(ann.page, 'Everyone is welcome', { alsoInRoom: true });
    await threadsBadge(bob.page).getByText('1').waitFor();
    // Sent to the room too: in Bob's timeline, marked as a thread reply that opens the thread.
    const inRoom = bob.page.locator('.message-scroller article.msg', { hasText: 'Everyone is welcome' });
    await inRoom.getByTestId('quoted-reply').getByText('replied to a thread').waitFor();
    await inRoom.getByTestId('quoted-reply').click();
    await bobPanel.getByText('Everyone is welcome').waitFor();
    await threadsBadge(bob.page).waitFor({ state: 'detached' });
    await bobPanel.getByRole('button', { name: 'Close thread' }).click();

    // A quoted reply in the main timeline.
    // The root, not the reply above that names it.
    const root = bob.page.locator('.message-scroller article.msg[data-seq]', { hasText: 'Lunch plans' }).first();
    await root.hover();
    await root.getByRole('button', { name: 'Quote reply', exact: true }).click();
    await bob.page.getByTestId('quote-banner').getByText('Replying to Ann').waitFor();
    await send(bob.page, 'Count me in');
    const quoted = messages(ann.page, 'Count me in').getByTestId('quoted-reply');
    await quoted.getByText('Ann').waitFor();
    await quoted.getByText('Lunch plans for Friday?').waitFor();
    assert.deepEqual(ann.errors, []);
    assert.deepEqual(bob.errors, []);
  });

  test('the thread panel, in English and Korean, light and dark, desktop and phone', async () => {
    const page = ann.page;
    await page.bringToFront();
    await page.getByTestId('threads-link').click();
    await page.getByTestId('threads-item').first().click();
    const panel = page.getByTestId('thread-panel');
    await panel.getByText('Everyone is welcome').waitFor();
    await page.mouse.move(0, 0);
    await screenshot(page, 'thread-desktop-en');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'thread-desktop-dark-en');
    await page.setViewportSize(PHONE);
    await panel.getByText('Everyone is welcome').waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, 'thread-phone-dark-en');
    await page.emulateMedia({ colorScheme: 'light' });
    await screenshot(page, 'thread-phone-en');
    await panel.getByRole('button', { name: 'Close thread' }).click();

    await page.setViewportSize(DESKTOP);
    await page.getByRole('button', { name: /^Account and settings/ }).click();
    await page.getByRole('button', { name: '한국어' }).click();
    await page.getByRole('button', { name: /^계정 및 설정/ }).click();
    await page.getByTestId('threads-link').click();
    await page.getByTestId('threads-panel').getByText('스레드', { exact: true }).waitFor();
    await screenshot(page, 'threads-list-desktop-ko');
    await page.getByTestId('threads-item').first().click();
    await panel.getByRole('button', { name: '스레드 닫기' }).waitFor();
    await panel.getByText('답글 3개').waitFor();
    await page.mouse.move(0, 0);
    await screenshot(page, 'thread-desktop-ko');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'thread-desktop-dark-ko');
    await page.setViewportSize(PHONE);
    await page.waitForTimeout(300);
    await screenshot(page, 'thread-phone-dark-ko');
    await page.emulateMedia({ colorScheme: 'light' });
    await screenshot(page, 'thread-phone-ko');
    assert.deepEqual(ann.errors, []);
  });
});

