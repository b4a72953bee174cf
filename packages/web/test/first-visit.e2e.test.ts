/**
 * A first visit is not an error: the page asks whether someone is signed in,
 * and a visitor who is not gets the entry screen with a clean console — no
 * red "401 (Unauthorized)" from the session check. Every console message is
 * collected here, the browser's own network notices included.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { enterAsGuest, useServerAndBrowser, WAIT_MS } from './support/harness.js';

/** Every console error and warning of the page, and every uncaught error. */
function consoleTrouble(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') seen.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => seen.push(`pageerror: ${error.message}`));
  return seen;
}

describe('a first visit', { timeout: 60_000 }, () => {
  const stage = useServerAndBrowser();

  test('shows the entry screen and logs nothing to the console', async () => {
    const context = await stage.browser.newContext({ baseURL: stage.server.url, locale: 'en-US' });
    context.setDefaultTimeout(WAIT_MS);
    const page = await context.newPage();
    const trouble = consoleTrouble(page);
    const sessionCheck = page.waitForResponse((response) => response.url().includes('/api/') && response.request().method() === 'GET');
    await page.goto('/');
    await page.getByRole('button', { name: 'Continue as guest' }).waitFor();
    assert.deepEqual(trouble, []);
    assert.equal((await sessionCheck).status(), 200, 'not being signed in is an answer, not a failure');

    // The same after a session ends: logging out and coming back is a first visit again.
    await enterAsGuest(page, 'Visitor');
    await page.getByRole('button', { name: /^Account and settings/ }).click();
    await page.getByRole('button', { name: 'Log out' }).click();
    // A guest is warned that the identity goes with the logout (protocol §27.3).
    await page.getByRole('dialog', { name: 'Leave for good?' }).getByRole('button', { name: 'Log out and delete' }).click();
    await page.getByRole('button', { name: 'Continue as guest' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Continue as guest' }).waitFor();
    assert.deepEqual(trouble, []);
    await context.close();
  });
});
