/**
 * Browser notifications: for DMs and mentions of the person's name, only while
 * the tab is hidden. Chromium's real Notification is used (permission granted
 * through the browser context); a subclass records what was shown, and the
 * tab's visibility is reported as hidden, which headless Chromium cannot do
 * by itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, messages, openPerson, register, send, startDm, useServerAndBrowser } from './support/harness.js';

const stage = useServerAndBrowser();

interface Shown {
  title: string;
  body: string;
}

test('DMs and mentions notify while the tab is hidden; other messages do not', { timeout: 60_000 }, async () => {
  const reader = await openPerson(stage.browser, stage.server.url);
  await reader.context.grantPermissions(['notifications'], { origin: stage.server.url });
  await reader.page.addInitScript(() => {
    const shown: Array<{ title: string; body: string }> = [];
    const RealNotification = window.Notification;
    class RecordedNotification extends RealNotification {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push({ title, body: options?.body ?? '' });
      }
    }
    Object.defineProperty(window, 'Notification', { value: RecordedNotification });
    Object.defineProperty(window, '__shown', { value: shown });
    Object.defineProperty(document, 'visibilityState', { get: () => ((window as unknown as { __hidden?: boolean }).__hidden ? 'hidden' : 'visible') });
  });
  await reader.page.reload();
  const writer = await openPerson(stage.browser, stage.server.url);
  await register(reader.page, 'rita', 'correct horse battery', 'Rita');
  await register(writer.page, 'walt', 'correct horse battery', 'Walt');
  const shown = () => reader.page.evaluate(() => (window as unknown as { __shown: Shown[] }).__shown.slice());

  // Visible tab: nothing, even for a mention.
  await send(writer.page, '@Rita are you there?');
  await messages(reader.page, '@Rita are you there?').waitFor();
  assert.deepEqual(await shown(), []);

  await reader.page.evaluate(() => ((window as unknown as { __hidden: boolean }).__hidden = true));
  await send(writer.page, 'just chatting, nobody mentioned');
  await send(writer.page, 'ping @rita, the build is green');
  await eventually('the mention notified', async () => (await shown()).length === 1);
  assert.deepEqual(await shown(), [{ title: 'Walt in lobby', body: 'ping @rita, the build is green' }]);

  await startDm(writer.page, 'rita', '@rita');
  await writer.page.locator('#room-title', { hasText: 'Rita' }).waitFor();
  await send(writer.page, 'a private word');
  await eventually('the DM notified', async () => (await shown()).length === 2);
  assert.deepEqual((await shown())[1], { title: 'Walt', body: 'a private word' });
  assert.deepEqual(reader.errors, []);
  assert.deepEqual(writer.errors, []);
});
