import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryPresence } from './presence-memory.js';

test('a user comes online with their first connection and goes offline with their last', () => {
  const presence = new MemoryPresence();
  assert.deepEqual(presence.connected('ana', ['lobby', 'design', 'lobby']), ['lobby', 'design']);
  assert.deepEqual(presence.connected('ana', ['lobby', 'design']), []);
  assert.equal(presence.isOnline('ana'), true);
  assert.equal(presence.onlineCount('lobby'), 1);
  assert.deepEqual(presence.disconnected('ana'), []);
  assert.equal(presence.isOnline('ana'), true);
  assert.deepEqual(presence.disconnected('ana'), ['lobby', 'design']);
  assert.equal(presence.isOnline('ana'), false);
  assert.equal(presence.onlineCount('lobby'), 0);
  assert.deepEqual(presence.disconnected('ana'), [], 'a disconnect too many changes nothing');
});

test('joins and leaves of an online user move the counts once; the last disconnect reports the rooms they are in then', () => {
  const presence = new MemoryPresence();
  presence.connected('ana', ['lobby']);
  presence.connected('ben', ['lobby', 'design']);
  assert.equal(presence.joined('design', 'ana'), true);
  assert.equal(presence.joined('design', 'ana'), false);
  assert.equal(presence.onlineCount('design'), 2);
  assert.equal(presence.left('lobby', 'ana'), true);
  assert.equal(presence.left('lobby', 'ana'), false);
  assert.equal(presence.onlineCount('lobby'), 1);
  assert.equal(presence.joined('design', 'cleo'), false, 'an offline user changes no count');
  assert.deepEqual(presence.disconnected('ana'), ['design']);
  assert.equal(presence.onlineCount('design'), 1);
});
