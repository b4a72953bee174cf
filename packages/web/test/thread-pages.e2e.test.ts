/**
 * A thread longer than one page in Chromium (§25): the panel opens at its start with the first
 * page, a "Show N more replies" button where the loaded replies end; a reply posted live waits
 * after that button; an edit and a deletion of replies not loaded yet show once their page is;
 * pressing the button (by mouse, then by keyboard) until it is gone reaches the last reply, with
 * every reply shown once, in order. Screenshots of the button in light and dark, desktop and
 * phone, and in Korean.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { enterAsGuest, eventually, openPerson, openTab, type Person, screenshot, send, useServerAndBrowser } from './support/harness.js';

const REPLIES = 520;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

type Frame = Record<string, unknown> & { type: string };

/**
 * Sends frames over a WebSocket session of the page's own, faster than a person could, and
 * resolves with each one's ack seq, in order (the ref of a send is its id).
 */
async function overSocket(page: Page, frames: Frame[]): Promise<number[]> {
  return page.evaluate(async (all) => {
    const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws`);
    await new Promise<void>((resolve, reject) => {
      ws.onmessage = (event) => JSON.parse(event.data as string).type === 'welcome' && resolve();
      ws.onerror = () => reject(new Error('socket failed'));
    });
    const seqs = await new Promise<Map<string, number>>((resolve, reject) => {
      const acked = new Map<string, number>();
      ws.onmessage = (event) => {
        const frame = JSON.parse(event.data as string) as { type: string; ref?: string; seq?: number; message?: string };
        if (frame.type === 'error') reject(new Error(`refused: ${frame.message}`));
        if (frame.type === 'ack' && frame.ref !== undefined) acked.set(frame.ref, frame.seq ?? 0);
        if (acked.size === all.length) resolve(acked);
      };
      for (const frame of all) ws.send(JSON.stringify(frame));
    });
    ws.close();
    return all.map((frame) => seqs.get(String(frame.id ?? frame.ref))!);
  }, frames);
}

const label = (i: number) => `reply ${String(i).padStart(3, '0')}`;

/** The seqs of the messages the thread panel shows, top to bottom. */
function panelSeqs(page: Page): Promise<number[]> {
  return page.getByTestId('thread-panel').locator('article.msg[data-seq]').evaluateAll((rows) => rows.map((row) => Number((row as HTMLElement).dataset.seq)));
}

/** Whether each message (by seq) of the thread panel is before or after its "more" button. */
function sidesOfButton(page: Page, seqs: number[]): Promise<string[]> {
  return page.getByTestId('thread-more').evaluate((button, all) => {
    const panel = button.closest('[data-testid="thread-panel"]')!;
    return all.map((seq) => {
      const row = panel.querySelector(`article.msg[data-seq="${seq}"]`)!;
      return button.compareDocumentPosition(row) & Node.DOCUMENT_POSITION_FOLLOWING ? 'after' : 'before';
    });
  }, seqs);
}

describe('a thread longer than a page', { timeout: 180_000 }, () => {
  // Seeding writes faster than a person may; the rate limits are not what this test is about.
  const stage = useServerAndBrowser({ env: { RATE_LIMITS: 'off' } });
  let ann: Person;
  let bob: Person;
  let reader: Page;
  let root: number;
  let replies: number[];

  before(async () => {
    ann = await openPerson(stage.browser, stage.server.url);
    bob = await openPerson(stage.browser, stage.server.url);
    await enterAsGuest(ann.page, 'Ann');
    await enterAsGuest(bob.page, 'Bob');
    await send(ann.page, 'A long thread starts here');
    const row = ann.page.locator('article.msg[data-seq]', { hasText: 'A long thread starts here' });
    await row.waitFor();
    root = Number(await row.getAttribute('data-seq'));
    const frames = Array.from({ length: REPLIES }, (_, i) => ({ type: 'send', id: `thread-${String(i + 1).padStart(4, '0')}`, room: 'lobby', body: label(i + 1), thread: root }));
    replies = await overSocket(ann.page, frames);
    assert.equal(new Set(replies).size, REPLIES);
  });

  test('the panel reads on a page at a time to the last reply, each reply once, live ones too', async () => {
    // Ann follows her thread: a fresh tab of hers opens it from the threads list.
    reader = await openTab(ann);
    await reader.getByTestId('threads-link').click();
    await reader.getByTestId('threads-item').first().click();
    const panel = reader.getByTestId('thread-panel');
    const more = panel.getByRole('button', { name: 'Show 200 more replies' });
    await more.waitFor();
    await panel.getByText('320 not loaded yet').waitFor();
    await panel.getByText(`${REPLIES} replies`).waitFor();
    // Opened at its start: the root in view, the first page and nothing past it.
    assert.ok(await panel.getByText('A long thread starts here').isVisible(), 'the root is in view');
    assert.deepEqual(await panelSeqs(reader), [root, ...replies.slice(0, 200)]);

    // A reply posted now shows at once, after the button; an edit of a reply not loaded yet waits for its page.
    const [live] = await overSocket(bob.page, [{ type: 'send', id: 'bob-live-1', room: 'lobby', body: 'a live reply from Bob', thread: root }]);
    await overSocket(bob.page, [{ type: 'edit', ref: 'bob-edit-1', room: 'lobby', target: live!, body: 'a live reply from Bob, edited' }]);
    await overSocket(ann.page, [
      { type: 'edit', ref: 'ann-edit-1', room: 'lobby', target: replies[449]!, body: 'reply 450, edited' },
      { type: 'delete', ref: 'ann-delete-1', room: 'lobby', target: replies[459]! },
    ]);
    await panel.getByText('a live reply from Bob, edited').waitFor();
    assert.deepEqual(await panelSeqs(reader), [root, ...replies.slice(0, 200), live]);
    assert.deepEqual(await sidesOfButton(reader, [replies[199]!, live!]), ['before', 'after'], 'the button sits between the loaded replies and the live one');

    await more.scrollIntoViewIfNeeded();
    await reader.mouse.move(0, 0);
    await screenshot(reader, 'thread-more-desktop-en');
    await reader.emulateMedia({ colorScheme: 'dark' });
    await screenshot(reader, 'thread-more-desktop-dark-en');
    await reader.setViewportSize(PHONE);
    await more.scrollIntoViewIfNeeded();
    await screenshot(reader, 'thread-more-phone-dark-en');
    await reader.emulateMedia({ colorScheme: 'light' });
    await screenshot(reader, 'thread-more-phone-en');
    await reader.setViewportSize(DESKTOP);

    // The button reads the next page into place and gives the focus to its first reply.
    await more.click();
    await panel.getByText(label(400), { exact: true }).waitFor();
    await eventually('the first new reply has the focus', () => reader.evaluate((seq) => document.activeElement?.getAttribute('data-seq') === String(seq), replies[200]!));
    assert.deepEqual(await panelSeqs(reader), [root, ...replies.slice(0, 400), live]);
    // And by keyboard.
    await panel.getByRole('button', { name: 'Show 120 more replies' }).focus();
    await reader.keyboard.press('Enter');
    await panel.getByText('reply 450, edited').waitFor();
    await panel.getByTestId('thread-more').waitFor({ state: 'detached' });

    // Every reply once, in seq order, the live one last; then another live one follows it.
    assert.deepEqual(await panelSeqs(reader), [root, ...replies, live]);
    assert.equal(await panel.getByText(label(450), { exact: true }).count(), 0);
    assert.equal(await panel.getByText(label(460), { exact: true }).count(), 0);
    await panel.locator(`article.msg[data-seq="${replies[459]}"]`).getByText('This message was deleted.').waitFor();
    const [last] = await overSocket(bob.page, [{ type: 'send', id: 'bob-live-2', room: 'lobby', body: 'the newest reply', thread: root }]);
    await panel.getByText('the newest reply').waitFor();
    assert.deepEqual(await panelSeqs(reader), [root, ...replies, live, last]);
    await panel.getByText(`${REPLIES + 2} replies`).waitFor();
    assert.deepEqual(ann.errors, []);
    assert.deepEqual(bob.errors, []);
  });

  test('in Korean', async () => {
    await reader.getByTestId('thread-panel').getByRole('button', { name: 'Close thread' }).click();
    await reader.getByRole('button', { name: /^Account and settings/ }).click();
    await reader.getByRole('button', { name: '한국어' }).click();
    await reader.getByRole('button', { name: /^계정 및 설정/ }).click();
    await reader.getByTestId('threads-link').click();
    await reader.getByTestId('threads-item').first().click();
    const panel = reader.getByTestId('thread-panel');
    await panel.getByRole('button', { name: '답글 200개 더 보기' }).waitFor();
    await panel.getByText('아직 불러오지 않은 답글 322개').waitFor();
    await panel.getByTestId('thread-more').scrollIntoViewIfNeeded();
    await reader.mouse.move(0, 0);
    await screenshot(reader, 'thread-more-desktop-ko');
    assert.deepEqual(ann.errors, []);
  });
});
