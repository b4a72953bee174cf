/**
 * Moderation in the browser, four people in four contexts through a real
 * server: the owner makes a moderator; the moderator removes a message, times
 * one person out and bans another; each is seen live by the others. Then the
 * room's settings, the moderation log, reports and blocking, with screenshots
 * in English and Korean, light and dark, desktop and phone.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  enterAsGuest,
  eventually,
  messageAction,
  messages,
  openPerson,
  openRoom,
  type Person,
  register,
  screenshot,
  send,
  transitionsDone,
  useServerAndBrowser,
} from './support/harness.js';

const PHONE = { width: 390, height: 844 };

/** Opens what `page` can do about the member named `name` (from the member panel). */
async function memberActions(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: `Actions for ${name}` }).click();
  await page.getByRole('dialog', { name: `Actions for ${name}` }).waitFor();
}

function notice(page: Page, text: string | RegExp) {
  return page.locator('.notice', { hasText: text });
}

describe('moderation in the browser', { timeout: 180_000 }, () => {
  let mia: Person;
  let max: Person;
  let tom: Person;
  let sam: Person;

  const stage = useServerAndBrowser();

  before(async () => {
    const people = await Promise.all([0, 1, 2, 3].map(() => openPerson(stage.browser, stage.server.url)));
    [mia, max, tom, sam] = people as [Person, Person, Person, Person];
    await register(mia.page, 'mia', 'correct horse battery', 'Mia Kang');
    await enterAsGuest(max.page, 'Max Moderator');
    await enterAsGuest(tom.page, 'Tom Spammer');
    await enterAsGuest(sam.page, 'Sam Troll');
    await mia.page.getByRole('button', { name: 'Create a room' }).click();
    await mia.page.getByLabel('Room name').fill('town-square');
    await mia.page.getByRole('button', { name: 'Create', exact: true }).click();
    await mia.page.locator('#room-title', { hasText: 'town-square' }).waitFor();
    for (const person of [max, tom, sam]) {
      // Public rooms others create reach a client's list at its next welcome (or its periodic refresh).
      await person.page.reload();
      await openRoom(person.page, 'town-square');
      await person.page.getByRole('button', { name: 'Join room' }).click();
      await person.page.locator('#composer').waitFor();
    }
  });

  test('the owner makes Max a moderator; everyone sees it, and Max gets the moderation button', async () => {
    await mia.page.getByTestId('members-online').getByText('Max Moderator').waitFor();
    await memberActions(mia.page, 'Max Moderator');
    await mia.page.getByLabel('Role').selectOption('moderator');
    await mia.page.getByText('Done.').waitFor();
    await screenshot(mia.page, 'moderation-member-dialog-desktop-en');
    await mia.page.keyboard.press('Escape');
    await notice(tom.page, 'Mia Kang made Max Moderator moderator.').waitFor();
    await max.page.getByRole('button', { name: 'Moderation', exact: true }).waitFor();
    await mia.page.getByTestId('members-online').locator('.member', { hasText: 'Max Moderator' }).locator('.tag', { hasText: /^mod$/ }).waitFor();
  });

  test('a moderator removes a message: everyone sees it removed, live', async () => {
    await send(tom.page, 'BUY CHEAP WATCHES at cheap-watches.example');
    await messages(sam.page, 'BUY CHEAP WATCHES').waitFor();
    await messageAction(max.page, 'BUY CHEAP WATCHES', 'Remove');
    await max.page.getByLabel('Reason (optional)').fill('spam');
    await max.page.getByRole('button', { name: 'Remove', exact: true }).click();
    for (const person of [mia, tom, sam, max]) {
      await person.page.getByText('This message was removed by a moderator.').waitFor();
      assert.equal(await messages(person.page, 'BUY CHEAP WATCHES').count(), 0);
    }
    // Members may not remove others' messages: Sam's toolbar has no Remove on Mia's message.
    await send(mia.page, 'Welcome to the town square! Be kind.');
    await messages(sam.page, 'Welcome to the town square').hover();
    await messages(sam.page, 'Welcome to the town square').getByRole('button', { name: 'Report' }).waitFor();
    assert.equal(await messages(sam.page, 'Welcome to the town square').getByRole('button', { name: 'Remove' }).count(), 0);
  });

  test('a moderator times Tom out: his composer closes at once, the others see it, and it can be lifted', async () => {
    await memberActions(max.page, 'Tom Spammer');
    await max.page.getByLabel('Time out').selectOption({ label: '10 minutes' });
    await max.page.getByRole('button', { name: 'Time out', exact: true }).click();
    await max.page.getByText('Done.').waitFor();
    await max.page.keyboard.press('Escape');
    await tom.page.getByTestId('composer-closed').getByText(/You are timed out here until/).waitFor();
    assert.equal(await tom.page.locator('#composer').count(), 0);
    for (const person of [mia, sam]) await notice(person.page, /Max Moderator timed Tom Spammer out until/).waitFor();
    await mia.page.getByTestId('members-online').locator('.member', { hasText: 'Tom Spammer' }).getByText('timed out').waitFor();
    await tom.page.mouse.move(0, 0);
    await screenshot(tom.page, 'moderation-timed-out-desktop-en');
  });

  test('a moderator bans Sam and removes his recent messages: Sam is out at once, the others see it', async () => {
    await send(sam.page, 'you are all idiots');
    await messages(mia.page, 'you are all idiots').waitFor();
    await memberActions(max.page, 'Sam Troll');
    await max.page.getByLabel('Also remove their messages of the last').selectOption({ label: '1 hour' });
    await max.page.getByRole('button', { name: 'Ban', exact: true }).click();
    await max.page.getByRole('dialog', { name: 'Actions for Sam Troll' }).waitFor({ state: 'detached' });
    // Sam is out: the room is a preview with a Join button again, and joining is refused.
    await sam.page.getByRole('button', { name: 'Join room' }).waitFor();
    await sam.page.getByRole('button', { name: 'Join room' }).click();
    await sam.page.getByText('You are banned from this room.').waitFor();
    for (const person of [mia, tom]) {
      await notice(person.page, /Max Moderator banned Sam Troll\. One of their messages was removed\./).waitFor();
      assert.equal(await messages(person.page, 'you are all idiots').count(), 0);
    }
    await eventually('Sam is no longer listed', async () => (await mia.page.getByTestId('members-online').getByText('Sam Troll').count()) === 0);
    // Presence follows (in batches of PRESENCE_INTERVAL_MS).
    await eventually('three online', async () => (await mia.page.getByTestId('online-count').textContent()) === '3');
    await mia.page.mouse.move(0, 0);
    await screenshot(mia.page, 'moderation-room-desktop-en');
  });

  test('the moderation log lists each action; settings make the room read-only with slow mode', async () => {
    await max.page.getByRole('button', { name: 'Moderation', exact: true }).click();
    await max.page.getByRole('button', { name: 'Log' }).click();
    const log = max.page.getByRole('list', { name: 'Log' });
    await log.getByText('Max Moderator banned Sam Troll').waitFor();
    await log.getByText('Max Moderator timed Tom Spammer out').waitFor();
    await log.getByText('Max Moderator removed a message by Tom Spammer').waitFor();
    await log.getByText('“spam”').waitFor();
    await log.getByText('Mia Kang made Max Moderator moderator').waitFor();
    await screenshot(max.page, 'moderation-log-desktop-en');
    await max.page.getByRole('button', { name: 'Bans' }).click();
    await max.page.getByRole('list', { name: 'Bans' }).getByText('Sam Troll').waitFor();
    await max.page.keyboard.press('Escape');

    await mia.page.getByRole('button', { name: 'Room settings' }).click();
    await mia.page.getByLabel('Slow mode', { exact: true }).selectOption({ label: '30 s' });
    await mia.page.getByRole('checkbox', { name: /Read-only/ }).check();
    await screenshot(mia.page, 'moderation-settings-desktop-en');
    await mia.page.getByRole('button', { name: 'Save' }).click();
    await tom.page.getByText('Read-only', { exact: true }).waitFor();
    await notice(tom.page, 'Mia Kang changed the room settings: read-only, slow mode 30 s.').waitFor();
    await mia.page.getByRole('button', { name: 'Room settings' }).click();
    await mia.page.getByRole('checkbox', { name: /Read-only/ }).uncheck();
    await mia.page.getByRole('button', { name: 'Save' }).click();
    await notice(tom.page, 'Mia Kang changed the room settings: slow mode 30 s.').waitFor();
  });

  test('a report reaches the moderators live; blocking folds a person’s messages', async () => {
    await memberActions(max.page, 'Tom Spammer');
    await max.page.getByRole('button', { name: 'Lift time-out' }).click();
    await max.page.keyboard.press('Escape');
    await tom.page.locator('#composer').waitFor();
    await tom.page.getByTestId('slow-mode-hint').getByText('Slow mode: one message every 30 s').waitFor();
    await send(tom.page, 'sorry about before, genuinely');
    await messageAction(mia.page, 'sorry about before', 'Report');
    await mia.page.getByLabel('Reason (optional)').fill('still suspicious');
    await mia.page.getByRole('button', { name: 'Send report' }).click();
    await max.page.getByText('A message in #town-square was reported.').waitFor();
    await max.page.getByRole('button', { name: 'Moderation: 1 open report' }).click();
    await max.page.getByText('“still suspicious”').waitFor();
    await max.page.getByRole('button', { name: 'Resolve' }).click();
    await max.page.getByText('No open reports.').waitFor();
    await max.page.keyboard.press('Escape');
    // The owner, a moderator too, had it counted: resolved by Max, it leaves her count as well.
    await mia.page.getByRole('button', { name: 'Moderation', exact: true }).waitFor();
    // A second message within the interval waits, and says so.
    await send(tom.page, 'one more thing');
    await tom.page.getByText(/Slow mode — sending in \d+ s…/).waitFor();

    await memberActions(mia.page, 'Tom Spammer');
    await mia.page.getByRole('button', { name: 'Block', exact: true }).click();
    await mia.page.getByText('Done.').waitFor();
    await mia.page.keyboard.press('Escape');
    await eventually('Tom’s messages are folded for Mia', async () => (await messages(mia.page, 'sorry about before').count()) === 0);
    await mia.page.getByText('A message from someone you blocked.').first().waitFor();
    await mia.page.getByRole('button', { name: /^Account and settings/ }).click();
    await mia.page.getByRole('button', { name: 'Blocked people (1)' }).click();
    await mia.page.getByRole('dialog', { name: 'Blocked people' }).getByText('Tom Spammer').waitFor();
    await mia.page.getByRole('button', { name: 'Unblock' }).click();
    await mia.page.getByText('You have not blocked anyone.').waitFor();
    await mia.page.keyboard.press('Escape');
    await messages(mia.page, 'sorry about before').waitFor();
  });

  test('screens in Korean, in dark, and on a phone', async () => {
    const page = mia.page;
    await page.getByRole('button', { name: /^Account and settings/ }).click();
    await page.getByRole('button', { name: '한국어' }).click();
    await page.getByRole('button', { name: /^계정 및 설정/ }).click();
    await notice(page, 'Max Moderator님이 Sam Troll님을 밴했습니다. 메시지 1개가 삭제되었습니다.').waitFor();
    // Toasts written before the switch stay in the language they were written in: closed first.
    while ((await page.locator('.toast button').count()) > 0) await page.locator('.toast button').first().click();
    await page.getByText('모더레이터가 삭제한 메시지입니다.').first().waitFor();
    await page.mouse.move(0, 0);
    await screenshot(page, 'moderation-room-desktop-ko');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'moderation-room-desktop-dark-ko');
    await page.getByRole('button', { name: /^모더레이션/ }).click();
    await page.getByRole('button', { name: '기록' }).click();
    await page.getByRole('list', { name: '기록' }).getByText('Max Moderator님이 Sam Troll님을 밴').waitFor();
    await screenshot(page, 'moderation-log-desktop-dark-ko');
    await page.keyboard.press('Escape');
    await page.emulateMedia({ colorScheme: 'light' });

    await tom.page.setViewportSize(PHONE);
    await transitionsDone(tom.page);
    await memberActions(max.page, 'Tom Spammer');
    await max.page.getByRole('button', { name: 'Time out', exact: true }).click();
    await max.page.getByText('Done.').waitFor();
    await max.page.keyboard.press('Escape');
    await tom.page.getByTestId('composer-closed').waitFor();
    await screenshot(tom.page, 'moderation-timed-out-phone-en');
    await tom.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(tom.page, 'moderation-timed-out-phone-dark-en');

    await page.setViewportSize(PHONE);
    await transitionsDone(page);
    await page.getByRole('button', { name: /^멤버 보기/ }).click();
    await page.getByRole('button', { name: 'Tom Spammer님에 대한 작업' }).click();
    await page.getByRole('dialog', { name: 'Tom Spammer님에 대한 작업' }).getByText('타임아웃', { exact: true }).first().waitFor();
    await screenshot(page, 'moderation-member-dialog-phone-ko');
    await page.keyboard.press('Escape');
    for (const person of [mia, max, tom, sam]) assert.deepEqual(person.errors, []);
  });
});
