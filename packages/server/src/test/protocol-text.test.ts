import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayName, loginBody, parseClientFrame, registerBody, roomName } from '@parley/protocol';

const LONE = ['\ud800', '\udbff', '\udc00', '\udfff', '\udc00\ud800'];

test('bodies, names, emoji and room ids must be well-formed UTF-16 without NUL', () => {
  for (const bad of [...LONE, '\u0000']) {
    const frames = [
      { type: 'send', id: 'abcdefgh-1', room: 'lobby', body: `a${bad}b` },
      { type: 'edit', ref: 'e', room: 'lobby', target: 1, body: `a${bad}b` },
      { type: 'create', ref: 'c', name: `room${bad}`, kind: 'public' },
      { type: 'rename', ref: 'n', name: `Ann${bad}` },
      { type: 'react', ref: 'x', room: 'lobby', target: 1, emoji: bad, on: true },
      { type: 'join', ref: 'j', room: `lobby${bad}` },
      { type: 'history', ref: 'h', room: `${bad}` },
    ];
    for (const frame of frames) {
      const parsed = parseClientFrame(JSON.stringify(frame));
      assert.equal(parsed.error?.code, 'invalid_frame', `${frame.type} with ${JSON.stringify(bad)}`);
    }
    assert.equal(displayName.safeParse(`Ann${bad}`).success, false);
    assert.equal(roomName.safeParse(`room${bad}`).success, false);
    assert.equal(registerBody.safeParse({ username: 'ann', password: `password${bad}` }).success, bad === '\u0000');
    assert.equal(loginBody.safeParse({ username: `ann${bad}`, password: 'password' }).success, false);
  }
});

test('surrogate pairs and the replacement character itself are well-formed', () => {
  for (const good of ['😀', '𝄞', '\ufffd', '한국어']) {
    const parsed = parseClientFrame(JSON.stringify({ type: 'send', id: 'abcdefgh-1', room: 'lobby', body: `a ${good} b` }));
    assert.equal(parsed.error, undefined, good);
    assert.equal(displayName.safeParse(`Ann ${good}`).success, true, good);
  }
});
