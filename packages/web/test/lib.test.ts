import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectLang } from '../src/lib/lang.js';
import { groupRooms, mentions } from '../src/lib/rooms.js';

test('the interface language follows the first language Parley speaks', () => {
  assert.equal(detectLang(['ko-KR', 'en-US']), 'ko');
  assert.equal(detectLang(['fr-FR', 'ko']), 'ko');
  assert.equal(detectLang(['en-GB', 'ko-KR']), 'en');
  assert.equal(detectLang(['fr-FR', 'de']), 'en');
  assert.equal(detectLang([]), 'en');
});

test('mentions match @name or @username as a whole word, in any case', () => {
  const rita = { name: 'Rita Moreno', username: 'rita' };
  assert.equal(mentions('hey @Rita Moreno, look', rita), true);
  assert.equal(mentions('ping @RITA', rita), true);
  assert.equal(mentions('@rita.', rita), true);
  assert.equal(mentions('@ritalin is not her', rita), false);
  assert.equal(mentions('rita without the at', rita), false);
  assert.equal(mentions('email rita@example.com', rita), false);
  assert.equal(mentions('mail bob@rita.example', rita), false);
});

test('a mention of everyone (@room, @everyone, @here) mentions each reader', () => {
  const rita = { name: 'Rita Moreno', username: 'rita' };
  assert.equal(mentions('@room standup in 5', rita), true);
  assert.equal(mentions('heads up @Everyone!', rita), true);
  assert.equal(mentions('who is @here?', rita), true);
  assert.equal(mentions('the @roomba is loose', rita), false);
  assert.equal(mentions('mail ops@here.example', rita), false);
});

test('rooms are grouped for the sidebar: lobby first, DMs apart, joinable last', () => {
  const rooms = [
    { id: 'b', name: 'beta', kind: 'public' as const, joined: true },
    { id: 'lobby', name: 'lobby', kind: 'public' as const, joined: true },
    { id: 'a', name: 'Alpha', kind: 'private' as const, joined: true },
    { id: 'd', name: 'Zed', kind: 'dm' as const, joined: true },
    { id: 'x', name: 'extra', kind: 'public' as const, joined: false },
  ];
  const groups = groupRooms(rooms, 'en');
  assert.deepEqual(groups.rooms.map((r) => r.id), ['lobby', 'a', 'b']);
  assert.deepEqual(groups.dms.map((r) => r.id), ['d']);
  assert.deepEqual(groups.joinable.map((r) => r.id), ['x']);
});
