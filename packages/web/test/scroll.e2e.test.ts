/**
 * Scrolling a long room: older history loads near the top without moving
 * what the reader looks at; a new message while scrolled up leaves the view
 * alone and offers a button down; at the bottom the view follows new messages.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { enterAsGuest, eventually, messages, openPerson, type Person, send, useServerAndBrowser } from './support/harness.js';

const HISTORY = 180;
const SCROLLER = '[data-testid="message-scroller"]';

/** Where a row is on screen, to compare before and after a change. */
async function rowTop(page: Page, key: string): Promise<number> {
  return page.locator(`${SCROLLER} [data-row="${key}"]`).evaluate((row) => row.getBoundingClientRect().top);
}

async function distanceFromBottom(page: Page): Promise<number> {
  return page.locator(SCROLLER).evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
}

/** Writes `count` messages straight over the page's own WebSocket session, to build history quickly. */
async function seed(page: Page, count: number): Promise<void> {
  await page.evaluate(async (total) => {
    const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws`);
    await new Promise<void>((resolve, reject) => {
      ws.onmessage = (event) => {
        if (JSON.parse(event.data as string).type === 'welcome') resolve();
      };
      ws.onerror = () => reject(new Error('seed socket failed'));
    });
    await new Promise<void>((resolve, reject) => {
      let acked = 0;
      ws.onmessage = (event) => {
        const frame = JSON.parse(event.data as string) as { type: string; message?: string };
        if (frame.type === 'error') reject(new Error(`seed refused: ${frame.message}`));
        if (frame.type === 'ack' && ++acked === total) resolve();
      };
      for (let i = 1; i <= total; i++) {
        ws.send(JSON.stringify({ type: 'send', id: `seed-${String(i).padStart(6, '0')}`, room: 'lobby', body: `history message ${i}` }));
      }
    });
    ws.close();
  }, count);
}

describe('scrolling a long room', { timeout: 90_000 }, () => {
  let writer: Person;
  let reader: Person;

  // Seeding writes faster than a person may; the rate limits are not what this test is about.
  const stage = useServerAndBrowser({ env: { RATE_LIMITS: 'off' } });

  before(async () => {
    writer = await openPerson(stage.browser, stage.server.url);
    await enterAsGuest(writer.page, 'Writer');
    await seed(writer.page, HISTORY);
    reader = await openPerson(stage.browser, stage.server.url, { viewport: { width: 1024, height: 700 } });
    await enterAsGuest(reader.page, 'Reader');
    await messages(reader.page, `history message ${HISTORY}`).waitFor();
  });

  test('the room opens at the newest message', async () => {
    assert.ok((await distanceFromBottom(reader.page)) <= 2);
    await eventually('the newest message is in view', () => messages(reader.page, `history message ${HISTORY}`).isVisible());
  });

  test('scrolling up loads older history without moving the view', async () => {
    const scroller = reader.page.locator(SCROLLER);
    const rowsBefore = await reader.page.locator('article.msg').count();
    assert.ok(rowsBefore < HISTORY, `only a first page is loaded (${rowsBefore})`);
    // Scroll to the top and note which row is first on screen, and where.
    const first = await scroller.evaluate((el) => {
      el.scrollTop = 0;
      const row = el.querySelector<HTMLElement>('article.msg')!;
      return { key: row.dataset.row!, top: row.getBoundingClientRect().top };
    });
    await eventually('an older page loaded', async () => (await reader.page.locator('article.msg').count()) > rowsBefore);
    const moved = Math.abs((await rowTop(reader.page, first.key)) - first.top);
    assert.ok(moved <= 2, `the row the reader was looking at moved by ${moved}px`);

    // Keep going back to the very first message.
    await eventually('all history loaded', async () => {
      await scroller.evaluate((el) => el.scrollTo(0, 0));
      return reader.page.getByText('This is the very beginning of #lobby.').isVisible();
    }, 15_000);
    assert.equal(await reader.page.locator('article.msg .md-p', { hasText: /^history message 1$/ }).count(), 1);
    assert.equal(await reader.page.locator('article.msg').count(), HISTORY);
  });

  test('a new message while scrolled up does not move the view', async () => {
    const scroller = reader.page.locator(SCROLLER);
    const anchor = await scroller.evaluate((el) => {
      el.scrollTop = el.scrollHeight / 2;
      const top = el.getBoundingClientRect().top;
      const row = [...el.querySelectorAll<HTMLElement>('article.msg')].find((r) => r.getBoundingClientRect().top > top)!;
      return { key: row.dataset.row!, scrollTop: el.scrollTop };
    });
    await reader.page.getByTestId('jump-to-new').waitFor();
    const topBefore = await rowTop(reader.page, anchor.key);

    await send(writer.page, 'a new message while you read');
    await reader.page.getByTestId('jump-to-new').getByText('1 new message').waitFor();
    await messages(reader.page, 'a new message while you read').waitFor({ state: 'attached' });
    assert.equal(await rowTop(reader.page, anchor.key), topBefore, 'the view moved');
    assert.equal(await scroller.evaluate((el) => el.scrollTop), anchor.scrollTop);
    assert.equal(await messages(reader.page, 'a new message while you read').isVisible(), true, 'rendered (in the DOM)');
    assert.ok((await distanceFromBottom(reader.page)) > 200, 'still scrolled up');

    await reader.page.getByTestId('jump-to-new').click();
    await eventually('at the bottom', async () => (await distanceFromBottom(reader.page)) <= 2);
    await reader.page.getByTestId('jump-to-new').waitFor({ state: 'detached' });
  });

  test('at the bottom the view follows new messages', async () => {
    await send(writer.page, 'and another one');
    await messages(reader.page, 'and another one').waitFor();
    await eventually('still pinned to the bottom', async () => (await distanceFromBottom(reader.page)) <= 2);
    assert.deepEqual(reader.errors, []);
    assert.deepEqual(writer.errors, []);
  });
});
