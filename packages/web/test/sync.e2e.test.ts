/**
 * What one person does shows at once everywhere else it should: reading a
 * conversation in one tab clears its badge in the person's other tab, and the
 * other person's new display name renames the DM in the sidebar and header.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { messages, openPerson, openTab, type Person, register, send, startDm, useServerAndBrowser } from './support/harness.js';

describe('live across tabs and people', { timeout: 90_000 }, () => {
  let ada: Person;
  /** Ada's second tab, on the same session. */
  let adaTab: Page;
  let bob: Person;

  const stage = useServerAndBrowser();

  before(async () => {
    ada = await openPerson(stage.browser, stage.server.url);
    bob = await openPerson(stage.browser, stage.server.url);
    await register(ada.page, 'ada', 'correct horse battery', 'Ada');
    await register(bob.page, 'bob', 'correct horse battery', 'Bob');
    adaTab = await openTab(ada);
    await adaTab.locator('#composer').waitFor();
  });

  const dmLink = (page: Page, name: string) => page.locator('nav .room-link', { hasText: name });

  test('reading a conversation in one tab clears its badge in the other', async () => {
    await startDm(bob.page, 'ada', '@ada');
    await bob.page.locator('#room-title', { hasText: 'Ada' }).waitFor();
    await send(bob.page, 'are you there?');
    await send(bob.page, 'ping me when you read this');
    for (const page of [ada.page, adaTab]) await dmLink(page, 'Bob').locator('.badge', { hasText: '2' }).waitFor();

    await dmLink(ada.page, 'Bob').click();
    await messages(ada.page, 'ping me when you read this').waitFor();
    await dmLink(adaTab, 'Bob').locator('.badge').waitFor({ state: 'detached' });
    assert.equal(await adaTab.title(), 'lobby · Parley', 'no unread count left in the other tab\'s title');
  });

  test("the other person's new name renames the DM in the sidebar and header, without a reload", async () => {
    await bob.page.getByRole('button', { name: /^Account and settings/ }).click();
    await bob.page.getByRole('button', { name: 'Change display name' }).click();
    await bob.page.getByRole('dialog').getByLabel('Display name', { exact: true }).fill('Robert Paulson');
    await bob.page.getByRole('button', { name: 'Save' }).click();
    await ada.page.locator('#room-title', { hasText: 'Robert Paulson' }).waitFor();
    await dmLink(ada.page, 'Robert Paulson').waitFor();
    await dmLink(adaTab, 'Robert Paulson').waitFor();
    assert.equal(await dmLink(ada.page, 'Bob').count(), 0, 'the old name is gone from the sidebar');
    await ada.page.locator('.msg-author', { hasText: 'Robert Paulson' }).first().waitFor();
  });

  test('no errors in any page', () => {
    assert.deepEqual(ada.errors, []);
    assert.deepEqual(bob.errors, []);
  });
});
