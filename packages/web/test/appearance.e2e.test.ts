/**
 * How things look, measured from what the browser paints: the selected option
 * of every segmented control (how to enter, language, theme) stands out from
 * the others in light and dark, and emoji render in colour — never as the
 * black-and-white outlines of a text font that happens to have them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { contrast, paintedColors, PixelLab } from './support/colors.js';
import { enterAsGuest, openPerson, screenshot, send, useServerAndBrowser } from './support/harness.js';

/** WCAG 2.2: text 4.5:1 (1.4.3); what shows a control's state, against what is next to it, 3:1 (1.4.11). */
const TEXT = 4.5;
const STATE = 3;
/** More clearly coloured pixels than this: an emoji in colour (a 😂 drawn by a colour font has over 200). */
const COLOURED = 20;

/**
 * The most clearly coloured pixels `target` shows within `ms`: a glyph is painted once its font
 * has loaded, which under load can be a few frames after the element appears.
 */
async function colouredWithin(lab: PixelLab, target: { screenshot(): Promise<Buffer> }, enough: number, ms = 5000): Promise<number> {
  const deadline = Date.now() + ms;
  for (;;) {
    const coloured = await lab.colouredPixels(await target.screenshot());
    if (coloured > enough || Date.now() > deadline) return coloured;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Checks every segmented control on the page; returns how many it checked. */
async function checkSegmentedControls(page: Page, where: string): Promise<number> {
  const groups = page.locator('.segmented');
  const count = await groups.count();
  for (let i = 0; i < count; i++) {
    const group = groups.nth(i);
    const name = `${where}: "${await group.getAttribute('aria-label')}"`;
    const track = (await paintedColors(group)).background;
    const selected = await paintedColors(group.locator('button[aria-pressed="true"]'));
    const others = group.locator('button[aria-pressed="false"]');
    assert.ok(contrast(selected.text, selected.background) >= TEXT, `${name}: the selected option's text is readable (${contrast(selected.text, selected.background).toFixed(2)}:1)`);
    assert.ok(contrast(selected.background, track) >= STATE, `${name}: the selected option stands out from the others (${contrast(selected.background, track).toFixed(2)}:1)`);
    for (let j = 0; j < (await others.count()); j++) {
      const other = await paintedColors(others.nth(j));
      assert.ok(contrast(other.text, other.background) >= TEXT, `${name}: an unselected option's text is readable (${contrast(other.text, other.background).toFixed(2)}:1)`);
    }
  }
  return count;
}

describe('appearance', { timeout: 90_000 }, () => {
  const stage = useServerAndBrowser();

  test('the selected option of each segmented control stands out, in light and dark', async () => {
    const person = await openPerson(stage.browser, stage.server.url);
    const { page } = person;
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.getByRole('button', { name: 'Continue as guest' }).waitFor();
      assert.equal(await checkSegmentedControls(page, `entry screen, ${scheme}`), 2, 'how to enter, and the language');
      await screenshot(page, `segmented-auth-${scheme}-en`);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await enterAsGuest(page, 'Theo');
    await page.getByRole('button', { name: /^Account and settings/ }).click();
    for (const theme of ['Dark', 'Light'] as const) {
      await page.getByRole('group', { name: 'Theme' }).getByRole('button', { name: theme }).click();
      assert.equal(await checkSegmentedControls(page, `settings, ${theme}`), 2, 'the language and the theme');
      await screenshot(page, `segmented-settings-${theme.toLowerCase()}-en`);
    }
    assert.deepEqual(person.errors, []);
    await person.context.close();
  });

  test('emoji render in colour, in messages and in the reaction picker', async () => {
    const person = await openPerson(stage.browser, stage.server.url);
    const { page } = person;
    const lab = await PixelLab.open(stage.browser);
    /** Whether the colour font draws the emoji in colour at all (some are grey there too: 👀). */
    const hasColour = new Map<string, boolean>();
    await enterAsGuest(page, 'Emma');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const body = `😂 ❤ ${scheme}`;
      await send(page, body);
      const row = page.locator('article.msg:not([class*="pending-"])', { hasText: body });
      const message = row.locator('.msg-body');
      await message.waitFor();
      assert.ok((await colouredWithin(lab, message, 2 * COLOURED)) > 2 * COLOURED, `the message "${body}" shows its emoji in colour`);
      await row.hover();
      await row.getByRole('button', { name: 'Add reaction', exact: true }).click();
      const picker = page.locator('.emoji-picker');
      for (const button of await picker.getByRole('button').all()) {
        const emoji = (await button.textContent()) ?? '';
        if (!hasColour.has(emoji)) hasColour.set(emoji, (await lab.colouredPixels(await lab.colourFontDrawing(emoji))) > COLOURED);
        if (!hasColour.get(emoji)) continue;
        assert.ok((await colouredWithin(lab, button, COLOURED)) > COLOURED, `${emoji} in the picker (${scheme}) is in colour`);
      }
      await screenshot(page, `emoji-picker-${scheme}-en`);
      await page.keyboard.press('Escape');
    }
    assert.ok([...hasColour.values()].filter(Boolean).length >= 10, 'most of the picker was checked');
    assert.deepEqual(person.errors, []);
    await lab.close();
    await person.context.close();
  });
});
