/**
 * Stored XSS through uploads: an SVG with a script, an HTML page, a JPEG/HTML
 * polyglot and HTML under a spoofed MIME type and name, uploaded to Parley and
 * opened in Chromium as a member would (a tab on the file's URL, and the app's
 * own message view). No script may run on Parley's origin. The same payloads
 * served the naive way (inline, as the uploader said, no protective headers)
 * by a small server here do run: the check would catch a server that did that.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { enterAsGuest, openPerson, type Person, useServerAndBrowser } from './support/harness.js';

const script = (name: string) => `document.title='XSS-${name}';console.log('XSS-RAN-${name}');try{localStorage.setItem('xss','${name}')}catch(e){}`;

interface Payload {
  name: string;
  /** What the uploader claims. */
  type: string;
  bytes: Buffer;
}

async function payloads(): Promise<Payload[]> {
  const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#f00' } }).jpeg().toBuffer();
  return [
    { name: 'logo.svg', type: 'image/svg+xml', bytes: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>${script('svg')}</script></svg>`) },
    { name: 'page.html', type: 'text/html', bytes: Buffer.from(`<!doctype html><html><body><script>${script('html')}</script></body></html>`) },
    // A valid JPEG, and a page after it: a sniffing browser served it as HTML would run the script.
    { name: 'polyglot.html', type: 'text/html', bytes: Buffer.concat([jpeg, Buffer.from(`<html><body><script>${script('polyglot')}</script></body></html>`)]) },
    { name: 'cat.png', type: 'image/png', bytes: Buffer.from(`<html><body><script>${script('spoofed')}</script></body></html>`) },
  ];
}

/** Opens `url` in a tab of `person` and reports whether a payload's script ran there. */
async function ran(person: Person, url: string): Promise<boolean> {
  const page: Page = await person.context.newPage();
  let logged = false;
  page.on('console', (message) => {
    if (message.text().startsWith('XSS-RAN')) logged = true;
  });
  try {
    await page.goto(url, { waitUntil: 'load' }).catch(() => undefined);
    await page.waitForTimeout(300);
    const title = await page.title().catch(() => '');
    return logged || title.startsWith('XSS-');
  } finally {
    await page.close();
  }
}

describe('uploads cannot run script on Parley’s origin', { timeout: 90_000 }, () => {
  const stage = useServerAndBrowser();
  let naive: Server;
  let naiveUrl: string;
  const served = new Map<string, Payload>();
  before(async () => {
    for (const payload of await payloads()) served.set(`/${payload.name}`, payload);
    // What a careless server does: the uploader's type (or none, letting the browser guess), inline, nothing else.
    naive = createServer((request, response) => {
      const payload = served.get(request.url ?? '');
      if (!payload) return response.writeHead(404).end();
      if (payload.name !== 'cat.png') response.setHeader('content-type', payload.type);
      response.end(payload.bytes);
    });
    await new Promise<void>((resolve) => naive.listen(0, '127.0.0.1', resolve));
    naiveUrl = `http://127.0.0.1:${(naive.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => naive.close(() => resolve())));

  test('SVG, HTML, a JPEG/HTML polyglot and a spoofed type: served safely, never run', async () => {
    const mallory = await openPerson(stage.browser, stage.server.url);
    await enterAsGuest(mallory.page, 'Mallory');
    const victim = await openPerson(stage.browser, stage.server.url);
    await enterAsGuest(victim.page, 'Victim');

    const attachments = [];
    for (const payload of await payloads()) {
      // The browser's own request, with Mallory's session cookie and the type she claims.
      const response = await mallory.page.request.post(`/api/files?room=lobby&name=${encodeURIComponent(payload.name)}`, {
        headers: { 'content-type': payload.type },
        data: payload.bytes,
      });
      assert.equal(response.status(), 201, payload.name);
      attachments.push({ payload, attachment: await response.json() });
      assert.equal(await ran(mallory, `${naiveUrl}/${payload.name}`), true, `the check sees ${payload.name} run when served naively`);
    }
    const sent = await mallory.page.evaluate(async (ids) => {
      // The app's own client is not reachable from here: send the message over a socket of the page's session.
      const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/ws`);
      await new Promise((resolve) => ws.addEventListener('message', resolve, { once: true }));
      ws.send(JSON.stringify({ type: 'send', id: 'xss-files-message', room: 'lobby', body: 'files for you', attachments: ids }));
      const ack = await new Promise<string>((resolve) => ws.addEventListener('message', (event) => resolve(String(event.data)), { once: true }));
      ws.close();
      return ack;
    }, attachments.map(({ attachment }) => attachment.id));
    assert.match(sent, /"type":"ack"/);

    for (const { payload, attachment } of attachments) {
      const response = await victim.page.request.get(attachment.url);
      assert.equal(response.status(), 200);
      const headers = response.headers();
      assert.equal(headers['x-content-type-options'], 'nosniff');
      assert.equal(headers['content-security-policy'], "sandbox; default-src 'none'");
      if (payload.name === 'polyglot.html') {
        // Its bytes are a JPEG: shown as a picture, inline, never as a page.
        assert.equal(headers['content-type'], 'image/jpeg');
      } else {
        assert.equal(headers['content-type'], 'application/octet-stream', payload.name);
        assert.match(headers['content-disposition']!, /^attachment;/, payload.name);
      }
      assert.equal(await ran(victim, `${stage.server.url}${attachment.url}`), false, `${payload.name} ran on Parley’s origin`);
    }
    // And in the app itself, where the victim reads the message.
    await victim.page.locator('article.msg', { hasText: 'files for you' }).waitFor();
    await victim.page.waitForTimeout(500);
    assert.doesNotMatch(await victim.page.title(), /XSS/);
    assert.equal(await victim.page.evaluate(() => localStorage.getItem('xss')), null);
    assert.deepEqual(victim.errors, []);
  });
});
