import { it } from 'node:test';
import assert from 'node:assert/strict';
import { rightsIn } from './rights.js';

const room = { joined: true, kind: 'public' as const, settings: {} };

it('reads the user’s rights from their role, the room’s settings and the server-admin flag', () => {
  const member = rightsIn({ ...room, role: 'member' }, false);
  assert.deepEqual([member.may('post'), member.may('kick'), member.moderator, member.grantable, member.outranks('member')], [true, false, false, [], false]);
  const moderator = rightsIn({ ...room, role: 'moderator' }, false);
  assert.deepEqual([moderator.may('kick'), moderator.may('edit_room'), moderator.grantable, moderator.outranks('member'), moderator.outranks('moderator')], [true, false, ['member'], true, false]);
  const owner = rightsIn({ ...room, role: 'owner', settings: { permissions: { kick: 'owner' as const } } }, false);
  assert.deepEqual([owner.may('kick'), owner.grantable], [true, ['member', 'moderator', 'admin']]);
  assert.equal(rightsIn({ ...room, role: 'admin', settings: { permissions: { kick: 'owner' as const } } }, false).may('kick'), false);
  assert.deepEqual(rightsIn({ ...room, role: 'member' }, true).grantable, ['member', 'moderator', 'admin', 'owner']);
  assert.equal(rightsIn({ ...room, joined: false }, true).may('post'), false);
});

it('tells whether the user may post now: archived, timed out, read-only', () => {
  const now = 1000;
  assert.equal(rightsIn({ ...room, role: 'member', settings: { readOnly: true } }, false).mayPost(now), false);
  assert.equal(rightsIn({ ...room, role: 'moderator', settings: { readOnly: true } }, false).mayPost(now), true);
  assert.equal(rightsIn({ ...room, role: 'owner', settings: { archived: true } }, false).mayPost(now), false);
  assert.equal(rightsIn({ ...room, role: 'member', timedOutUntil: 2000 }, false).mayPost(now), false);
  assert.equal(rightsIn({ ...room, role: 'member', timedOutUntil: 500 }, false).mayPost(now), true);
  const dm = rightsIn({ joined: true, kind: 'dm', settings: {} }, false);
  assert.deepEqual([dm.mayPost(now), dm.may('upload'), dm.may('kick'), dm.moderator], [true, true, false, false]);
});
