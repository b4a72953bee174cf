/**
 * Two people in two browser contexts chat through a real server: the lobby,
 * a private room with an invite, typing, presence, unread badges and DMs.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { enterAsGuest, eventually, invite, messageAction, messages, openPerson, openRoom, type Person, register, screenshot, send, startDm, transitionsDone, typeUntil, useServerAndBrowser } from './support/harness.js';

describe('two people chatting', { timeout: 90_000 }, () => {
  let alice: Person;
  let bob: Person;

  const stage = useServerAndBrowser();

  before(async () => {
    alice = await openPerson(stage.browser, stage.server.url);
    bob = await openPerson(stage.browser, stage.server.url);
    await register(alice.page, 'alice', 'correct horse battery', 'Alice');
    await register(bob.page, 'bob', 'correct horse battery', 'Bob');
  });

  test('they see each other online and read each other in the lobby', async () => {
    const onlineCount = alice.page.getByTestId('online-count');
    await eventually('Alice sees 2 online', async () => (await onlineCount.textContent()) === '2');
    await alice.page.getByTestId('members-online').getByText('Bob').waitFor();

    await send(alice.page, 'Hi Bob, welcome to the **lobby**');
    await messages(bob.page, 'Hi Bob, welcome to the lobby').waitFor();
    assert.equal(await messages(bob.page, 'Hi Bob').locator('strong').textContent(), 'lobby');
    // Alice's own copy settles from "sending" to a stored message.
    await alice.page.locator('article.msg:not([class*="pending-"])', { hasText: 'Hi Bob' }).waitFor();

    await send(bob.page, 'Hello Alice!');
    await messages(alice.page, 'Hello Alice!').waitFor();
    // Bob's second message right after joins his group: one author header.
    await send(bob.page, 'How are you?');
    await messages(alice.page, 'How are you?').waitFor();
    assert.equal(await messages(alice.page, 'How are you?').locator('.msg-author').count(), 0);
  });

  test('typing shows on the other side and clears when the message arrives', async () => {
    const composer = bob.page.locator('#composer');
    await composer.fill('I am writing');
    const indicator = alice.page.getByTestId('typing').getByText('Bob is typing…');
    await typeUntil(bob.page, 'Alice sees Bob typing', () => indicator.isVisible());
    await composer.fill('I am writing something long');
    await composer.press('Enter');
    await messages(alice.page, 'I am writing something long').waitFor();
    await eventually('typing cleared', async () => ((await alice.page.getByTestId('typing').textContent()) ?? '') === '');
  });

  test('a private room: create, invite, and talk in it', async () => {
    await alice.page.getByRole('button', { name: 'Create a room' }).click();
    await alice.page.getByLabel('Room name').fill('launch-plans');
    await alice.page.getByText('Private — only people you invite').click();
    await alice.page.getByRole('button', { name: 'Create', exact: true }).click();
    await alice.page.locator('#room-title', { hasText: 'launch-plans' }).waitFor();

    // Bob cannot see the private room before he is invited.
    assert.equal(await bob.page.locator('nav .room-link', { hasText: 'launch-plans' }).count(), 0);

    await invite(alice.page, 'bob', '@bob');

    await openRoom(bob.page, 'launch-plans');
    await send(bob.page, 'Thanks for the invite');
    await messages(alice.page, 'Thanks for the invite').waitFor();
    await send(alice.page, 'Secret plans go here');
    await messages(bob.page, 'Secret plans go here').waitFor();
    await alice.page.getByText('Alice added Bob.').waitFor();
  });

  test("the member panel follows someone else's invitation and a leave as they happen, without reopening", async () => {
    const post = async (path: string, body: unknown, token?: string) => {
      const response = await fetch(`${stage.server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      assert.ok(response.ok, `${path}: ${response.status}`);
      return (await response.json()) as { token?: string };
    };
    const { token: daveToken } = await post('/api/auth/register', { username: 'dave', password: 'correct horse battery', name: 'Dave Invited' });
    await openRoom(alice.page, 'launch-plans');
    const panel = alice.page.getByRole('complementary', { name: 'Members' });
    await panel.getByText('Bob', { exact: true }).waitFor();
    assert.equal(await panel.getByText('Dave Invited').count(), 0);

    await openRoom(bob.page, 'launch-plans');
    await invite(bob.page, 'dave', '@dave');
    await panel.getByTestId('members-offline').getByText('Dave Invited').waitFor();
    await transitionsDone(alice.page);
    await screenshot(alice.page, 'member-panel-after-invite');

    const room = await alice.page.locator('nav .room-link', { hasText: 'launch-plans' }).getAttribute('data-room');
    await post(`/api/rooms/${encodeURIComponent(room!)}/leave`, {}, daveToken);
    await panel.getByText('Dave Invited').waitFor({ state: 'detached' });
  });

  test('a message in another room raises its unread badge', async () => {
    await openRoom(alice.page, 'lobby');
    await send(alice.page, 'Back in the lobby');
    const lobbyLink = bob.page.locator('nav .room-link[data-room="lobby"]');
    await lobbyLink.locator('.badge', { hasText: '1' }).waitFor();
    await openRoom(bob.page, 'lobby');
    await messages(bob.page, 'Back in the lobby').waitFor();
    assert.equal(await lobbyLink.locator('.badge').count(), 0);
  });

  test('a DM arrives in its own list', async () => {
    await startDm(alice.page, 'bob', '@bob');
    await alice.page.locator('#room-title', { hasText: 'Bob' }).waitFor();
    await send(alice.page, 'psst, just between us');

    const dmSection = bob.page.getByRole('region', { name: 'Direct messages' });
    const dmLink = dmSection.locator('.room-link', { hasText: 'Alice' });
    await dmLink.locator('.badge', { hasText: '1' }).waitFor();
    await dmLink.click();
    await messages(bob.page, 'psst, just between us').waitFor();
    await send(bob.page, 'got it');
    await messages(alice.page, 'got it').waitFor();
  });

  test('a DM to a user who does not exist says so', async () => {
    await alice.page.getByRole('button', { name: 'New direct message' }).click();
    const picker = alice.page.getByRole('combobox', { name: 'Name or username' });
    await picker.fill('nobody-here');
    await alice.page.getByText('Nobody called “nobody-here” shares a room with you.').waitFor();
    // Enter with no match asks for the text as a username.
    await picker.press('Enter');
    await alice.page.getByRole('dialog').getByText('There is no user named “nobody-here”.').waitFor();
    // The dialog stays open for a correction; Escape closes it.
    await alice.page.keyboard.press('Escape');
    await alice.page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  test('reactions, edits and deletions reach the other side', async () => {
    await openRoom(alice.page, 'lobby');
    await openRoom(bob.page, 'lobby');
    await send(alice.page, 'react to this please');
    await messageAction(bob.page, 'react to this please', 'React with 🎉');
    const chip = messages(alice.page, 'react to this please').getByRole('button', { name: '🎉 by Bob' });
    await chip.waitFor();
    // Alice adds hers to the same chip, then Bob takes his back.
    await chip.click();
    await messages(bob.page, 'react to this please').getByRole('button', { name: '🎉 by Bob, Alice' }).waitFor();
    await messages(bob.page, 'react to this please').getByRole('button', { name: '🎉 by Bob, Alice' }).click();
    await messages(alice.page, 'react to this please').getByRole('button', { name: '🎉 by Alice' }).waitFor();

    await send(alice.page, 'this one is a mistake');
    await messageAction(alice.page, 'this one is a mistake', 'Delete');
    await alice.page.getByRole('dialog', { name: 'Delete this message?' }).getByRole('button', { name: 'Delete' }).click();
    await bob.page.getByText('This message was deleted.').waitFor();
    assert.equal(await messages(bob.page, 'this one is a mistake').count(), 0);
  });

  test('the keyboard alone: send, edit the last message, move through messages', async () => {
    const page = alice.page;
    await page.locator('#composer').focus();
    await page.keyboard.type('written with the keyboard');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('on two lines');
    await page.keyboard.press('Enter');
    await messages(bob.page, 'on two lines').locator('br').waitFor({ state: 'attached' });
    await page.locator('article.msg:not([class*="pending-"])', { hasText: 'on two lines' }).waitFor();

    // Arrow-up in the empty composer edits the last own message; Enter saves and returns to the composer.
    await page.keyboard.press('ArrowUp');
    const editor = page.getByRole('textbox', { name: 'Edit' });
    await editor.waitFor();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('written with the keyboard, edited');
    await page.keyboard.press('Enter');
    await messages(bob.page, 'written with the keyboard, edited').getByText('(edited)').waitFor();
    await eventually('focus back in the composer', () => page.evaluate(() => document.activeElement?.id === 'composer'));

    // Shift+Tab reaches the newest message; arrows move between messages; Escape returns to the composer.
    const focusedRow = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.closest('article')?.dataset.row ?? null);
    for (let i = 0; i < 12 && (await page.evaluate(() => document.activeElement?.tagName)) !== 'ARTICLE'; i++) await page.keyboard.press('Shift+Tab');
    const newest = await focusedRow();
    assert.ok(newest, 'a message row took the focus');
    await page.keyboard.press('ArrowUp');
    const previous = await focusedRow();
    assert.ok(previous && previous !== newest, 'ArrowUp moved to the previous message');
    await page.keyboard.press('Escape');
    await eventually('Escape returns to the composer', () => page.evaluate(() => document.activeElement?.id === 'composer'));
  });

  test('a new display name shows for everyone', async () => {
    await alice.page.getByRole('button', { name: /^Account and settings/ }).click();
    await alice.page.getByRole('button', { name: 'Change display name' }).click();
    await alice.page.getByRole('dialog').getByLabel('Display name', { exact: true }).fill('Alice Cooper');
    await alice.page.getByRole('button', { name: 'Save' }).click();
    await bob.page.getByText('Alice is now Alice Cooper.').waitFor();
    await bob.page.getByTestId('members-online').getByText('Alice Cooper').waitFor();
    await alice.page.locator('.user-name', { hasText: 'Alice Cooper' }).waitFor();
  });

  test('a guest joins, and leaving the page takes them offline', async () => {
    const carol = await openPerson(stage.browser, stage.server.url);
    await enterAsGuest(carol.page, 'Carol');
    await openRoom(alice.page, 'lobby');
    const onlineCount = alice.page.getByTestId('online-count');
    await eventually('Alice sees 3 online', async () => (await onlineCount.textContent()) === '3');
    await alice.page.getByText('Carol joined.').waitFor();
    await carol.context.close();
    await eventually('Alice sees 2 online', async () => (await onlineCount.textContent()) === '2', 10_000);
    await alice.page.getByTestId('members-offline').getByText('Carol').waitFor();
    assert.deepEqual(carol.errors, []);
  });

  test('logging out returns to the entry screen for good', async () => {
    await bob.page.getByRole('button', { name: /^Account and settings/ }).click();
    await bob.page.getByRole('button', { name: 'Log out' }).click();
    await bob.page.getByRole('button', { name: 'Continue as guest' }).waitFor();
    await bob.page.reload();
    await bob.page.getByRole('button', { name: 'Continue as guest' }).waitFor();
    await eventually('Alice sees Bob go offline', async () => (await alice.page.getByTestId('online-count').textContent()) === '1', 10_000);
  });

  test('no errors in either page', () => {
    assert.deepEqual(alice.errors, []);
    assert.deepEqual(bob.errors, []);
  });
});
