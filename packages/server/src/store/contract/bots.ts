/** Bot accounts: their users, their token hashes, revocation, and the mark on their messages. */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { ref, rejectsWith, storeTest, type MakeStore } from './harness.js';

export function botTests(makeStore: MakeStore): void {
  describe('bots', () => {
    storeTest(makeStore, 'createBot makes a user of kind bot, found by its token hash and listed for its maker', async ({ store, alice, bob }) => {
      const bot = await store.createBot({ id: 'bot-1', username: 'Deploy-Bot', name: 'Deploy', createdBy: alice.id, tokenHash: 'hash-bot-1' });
      assert.deepEqual({ ...bot, user: { ...bot.user, createdAt: 0 }, createdAt: 0 }, {
        user: { id: 'bot-1', username: 'deploy-bot', name: 'Deploy', kind: 'bot', passwordHash: null, externalId: null, createdAt: 0, disabled: false },
        createdBy: { id: alice.id, name: alice.name },
        createdAt: 0,
        active: true,
      });
      assert.equal(bot.createdAt, bot.user.createdAt);
      assert.deepEqual(await store.findBotByTokenHash('hash-bot-1'), bot.user);
      assert.deepEqual(await store.findUserByUsername('deploy-bot'), bot.user);
      assert.equal(await store.findBotByTokenHash('hash-other'), null);
      await store.createBot({ id: 'bot-2', username: 'bobs-bot', name: 'Bob’s', createdBy: bob.id, tokenHash: 'hash-bot-2' });
      assert.deepEqual((await store.listBots(alice.id)).map((b) => b.user.id), ['bot-1']);
      assert.deepEqual((await store.listBots(null)).map((b) => b.user.id), ['bot-1', 'bot-2']);
      assert.deepEqual(await store.findBot('bot-1'), bot);
      assert.equal(await store.findBot(alice.id), null);
      // A bot is in no room at first.
      assert.deepEqual(await store.memberRoomIds('bot-1'), []);
    });

    storeTest(makeStore, 'a bot username is a username: taken names are refused and nothing is written', async ({ store, alice }) => {
      await rejectsWith(store.createBot({ id: 'bot-x', username: 'alice', name: 'X', createdBy: alice.id, tokenHash: 'hash-x' }), 'name_taken');
      await rejectsWith(store.createBot({ id: 'bot-y', username: 'ybot', name: 'Y', createdBy: 'nobody', tokenHash: 'hash-y' }), 'user_not_found');
      assert.equal(await store.findUserById('bot-x'), null);
      assert.equal(await store.findUserById('bot-y'), null);
      assert.deepEqual(await store.listBots(null), []);
    });

    storeTest(makeStore, 'setBotToken replaces the hash, or revokes it at once', async ({ store, alice }) => {
      await store.createBot({ id: 'bot-1', username: 'a-bot', name: 'A', createdBy: alice.id, tokenHash: 'hash-1' });
      const renewed = await store.setBotToken('bot-1', 'hash-2');
      assert.equal(renewed.active, true);
      assert.equal(await store.findBotByTokenHash('hash-1'), null);
      assert.equal((await store.findBotByTokenHash('hash-2'))?.id, 'bot-1');
      const revoked = await store.setBotToken('bot-1', null);
      assert.equal(revoked.active, false);
      assert.deepEqual(revoked.createdBy, { id: alice.id, name: alice.name });
      assert.equal(await store.findBotByTokenHash('hash-2'), null);
      assert.equal((await store.findBot('bot-1'))?.active, false);
      await rejectsWith(store.setBotToken(alice.id, 'hash-3'), 'not_found');
    });

    storeTest(makeStore, 'a bot\'s messages are marked bot, live and in the log; others\' are not', async ({ store, alice }) => {
      const bot = await store.createBot({ id: 'bot-1', username: 'a-bot', name: 'A', createdBy: alice.id, tokenHash: 'hash-1' });
      await store.join({ room: 'lobby', user: ref(alice) });
      await store.join({ room: 'lobby', user: ref(bot.user) });
      const byBot = await store.appendMessage({ room: 'lobby', user: ref(bot.user), clientId: 'bot-msg-01', body: 'beep', bot: true });
      const byAlice = await store.appendMessage({ room: 'lobby', user: ref(alice), clientId: 'alice-msg-1', body: 'hi' });
      assert.equal(byBot.event.bot, true);
      assert.equal('bot' in byAlice.event, false);
      const again = await store.appendMessage({ room: 'lobby', user: ref(bot.user), clientId: 'bot-msg-01', body: 'beep', bot: true });
      assert.deepEqual([again.duplicate, again.event.bot], [true, true]);
      const page = await store.page('lobby', { limit: 10 });
      const messages = page.events.filter((e) => e.kind === 'message');
      assert.deepEqual(messages.map((e) => [e.seq, e.kind === 'message' ? e.bot : null]), [[byBot.event.seq, true], [byAlice.event.seq, undefined]]);
    });
  });
}
