/**
 * Files in the web app, two people in Chromium against a real server: Alice
 * sends a PNG by the attach button (its progress shown on a slowed uplink), a
 * PDF by drag-and-drop and a screenshot by paste, with a caption; Bob sees the
 * thumbnails, opens one in the lightbox and downloads the PDF byte for byte;
 * Eve, not in the room, gets 404 for the files. A failed upload shows why and
 * can be retried. Screenshots in English and Korean, light and dark, desktop and phone.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { eventually, invite, messages, openPerson, openRoom, type Person, register, screenshot, transitionsDone, useServerAndBrowser } from './support/harness.js';

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

async function noisyPng(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#4477aa', noise: { type: 'gaussian', mean: 120, sigma: 30 } } }).png().toBuffer();
}

/** Drops `bytes` as a file on the open room, as a person dragging it from their desktop. */
async function dropFile(page: Page, name: string, type: string, bytes: Buffer): Promise<void> {
  const transfer = await page.evaluateHandle(
    ({ name, type, base64 }) => {
      const data = new DataTransfer();
      data.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type }));
      return data;
    },
    { name, type, base64: bytes.toString('base64') },
  );
  await page.dispatchEvent('section.conversation', 'dragenter', { dataTransfer: transfer });
  await page.dispatchEvent('section.conversation', 'dragover', { dataTransfer: transfer });
  await page.locator('.drop-hint').waitFor();
  await page.dispatchEvent('section.conversation', 'drop', { dataTransfer: transfer });
}

/** Pastes an image into the composer, as a screenshot from the clipboard. */
async function pasteImage(page: Page, bytes: Buffer): Promise<void> {
  await page.locator('#composer').evaluate((area, base64) => {
    const data = new DataTransfer();
    data.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'image.png', { type: 'image/png' }));
    area.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, bytes.toString('base64'));
}

async function imagesLoaded(page: Page, selector: string): Promise<number> {
  return page.locator(selector).evaluateAll((images) => images.filter((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0).length);
}

describe('sending files in the web app', { timeout: 120_000 }, () => {
  let alice: Person;
  let bob: Person;
  let eve: Person;
  const stage = useServerAndBrowser();

  before(async () => {
    alice = await openPerson(stage.browser, stage.server.url);
    bob = await openPerson(stage.browser, stage.server.url);
    eve = await openPerson(stage.browser, stage.server.url);
    await register(alice.page, 'alice', 'correct horse battery', 'Alice');
    await register(bob.page, 'bob', 'correct horse battery', 'Bob');
    await register(eve.page, 'eve', 'correct horse battery', 'Eve');
    await alice.page.getByRole('button', { name: 'Create a room' }).click();
    await alice.page.getByLabel('Room name').fill('design-review');
    await alice.page.getByText('Private — only people you invite').click();
    await alice.page.getByRole('button', { name: 'Create', exact: true }).click();
    await alice.page.locator('#room-title', { hasText: 'design-review' }).waitFor();
    await invite(alice.page, 'bob', '@bob');
    await openRoom(bob.page, 'design-review');
  });

  test('a PNG by the button (with progress), a PDF dropped and a screenshot pasted reach the other side', async () => {
    const photo = await noisyPng(900, 600);
    const screenshotPng = await noisyPng(400, 300);
    // A slow uplink, so that the progress can be seen between 0 and 100 %.
    const cdp = await alice.context.newCDPSession(alice.page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 400 * 1024 });

    await alice.page.getByTestId('file-input').setInputFiles({ name: 'mockup.png', mimeType: 'image/png', buffer: photo });
    const progress = alice.page.locator('[data-testid="upload"]', { hasText: 'mockup.png' }).locator('progress');
    await eventually('the progress bar moves', async () => {
      const value = Number(await progress.getAttribute('value').catch(() => '0'));
      return value > 0 && value < 100;
    }, 10_000);
    await screenshot(alice.page, 'files-uploading-desktop-light-en');
    await eventually('the PNG is uploaded', async () => (await alice.page.locator('.upload-done').count()) === 1, 20_000);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    await dropFile(alice.page, 'brief.pdf', 'application/pdf', PDF);
    await pasteImage(alice.page, screenshotPng);
    await eventually('all three are uploaded', async () => (await alice.page.locator('.upload-done').count()) === 3, 10_000);
    await alice.page.locator('#composer').fill('Three files for the review');
    await alice.page.locator('#composer').press('Enter');
    await eventually('the tray is empty after sending', async () => (await alice.page.locator('[data-testid="upload"]').count()) === 0);

    const row = messages(bob.page, 'Three files for the review');
    await row.waitFor();
    await eventually('Bob sees both thumbnails', async () => (await imagesLoaded(bob.page, 'article.msg .attachment-image img')) === 2);
    await row.getByTestId('file-card').getByText('brief.pdf').waitFor();
    await screenshot(bob.page, 'files-message-desktop-light-en');

    await row.getByRole('button', { name: 'Open mockup.png' }).click();
    const lightbox = bob.page.getByRole('dialog', { name: 'Image: mockup.png' });
    await lightbox.waitFor();
    await eventually('the full image loads', async () => (await imagesLoaded(bob.page, '.lightbox-image')) === 1);
    assert.equal(await bob.page.locator('.lightbox-image').evaluate((img) => (img as HTMLImageElement).naturalWidth), 900);
    await screenshot(bob.page, 'files-lightbox-desktop-light-en');
    await bob.page.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'detached' });

    const [download] = await Promise.all([bob.page.waitForEvent('download'), row.getByRole('link', { name: 'Download brief.pdf' }).click()]);
    assert.equal(download.suggestedFilename(), 'brief.pdf');
    assert.ok(readFileSync((await download.path())!).equals(PDF), 'the PDF arrives byte for byte');

    // Eve is signed in but not in the room: every file of it is a 404 to her.
    const urls = await row.locator('a[download], .attachment-image img').evaluateAll((elements) =>
      elements.map((element) => (element as HTMLAnchorElement).href || (element as HTMLImageElement).src),
    );
    assert.equal(urls.length, 3);
    for (const url of urls) assert.equal((await eve.page.request.get(url)).status(), 404, url);
    for (const url of urls) assert.equal((await bob.page.request.get(url)).status(), 200, url);

    await bob.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(bob.page, 'files-message-desktop-dark-en');
    await bob.page.emulateMedia({ colorScheme: 'light' });
  });

  test('an upload cut off shows why and can be retried', async () => {
    await alice.page.route('**/api/files?*', (route) => route.abort('connectionreset'), { times: 1 });
    await alice.page.getByTestId('file-input').setInputFiles({ name: 'notes.pdf', mimeType: 'application/pdf', buffer: PDF });
    const failed = alice.page.locator('.upload-failed', { hasText: 'notes.pdf' });
    await failed.getByRole('alert').getByText('The connection dropped during the upload.').waitFor();
    await screenshot(alice.page, 'files-failed-desktop-light-en');
    await failed.getByRole('button', { name: 'Retry uploading notes.pdf' }).click();
    await alice.page.locator('.upload-done', { hasText: 'notes.pdf' }).waitFor();
    await alice.page.locator('#composer').press('Enter');
    await messages(bob.page, 'notes.pdf').waitFor();
  });

  test('in Korean, dark, on a phone', async () => {
    const phone = await openPerson(stage.browser, stage.server.url, { viewport: { width: 390, height: 844 }, locale: 'ko-KR', colorScheme: 'dark', isMobile: true, hasTouch: true });
    await phone.page.getByRole('button', { name: '로그인', exact: true }).click();
    await phone.page.getByLabel('사용자 이름', { exact: true }).fill('bob');
    await phone.page.getByLabel('비밀번호', { exact: true }).fill('correct horse battery');
    await phone.page.locator('form').getByRole('button', { name: '로그인', exact: true }).click();
    await phone.page.locator('#composer').waitFor();
    await phone.page.getByRole('button', { name: '메뉴 열기' }).click();
    await transitionsDone(phone.page);
    await phone.page.locator('nav .room-link').filter({ hasText: 'design-review' }).first().click();
    await transitionsDone(phone.page);
    await eventually('thumbnails on the phone', async () => (await imagesLoaded(phone.page, 'article.msg .attachment-image img')) === 2);
    await phone.page.getByTestId('file-input').setInputFiles({ name: '회의록.pdf', mimeType: 'application/pdf', buffer: PDF });
    await phone.page.locator('.upload-done').waitFor();
    await screenshot(phone.page, 'files-phone-dark-ko');
    await phone.context.close();
  });
});
