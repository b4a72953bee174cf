/**
 * Terminal lines of events: markdown as terminal styles, never an escape
 * sequence a user typed, reactions, and member counts only where they are
 * the counts of that moment.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageEvent, RoomEvent } from '@parley/protocol';
import { formatEvent, type EventContext } from './format.js';
import { renderBody } from './markdown.js';

const ESC = '\x1b';
const bob = { id: 'u-bob', name: 'Bob' };
const at = new Date(2026, 0, 2, 9, 5).getTime();
const plain: EventContext = { roomLabel: '#design', showRoom: false, color: false };
const colored: EventContext = { ...plain, color: true };

function message(body: string, extra: Partial<MessageEvent> = {}): MessageEvent {
  return { kind: 'message', room: 'r', seq: 7, ts: at, user: bob, id: 'm-0000007', body, ...extra };
}

/** The text with the styles this code adds taken out: what is left of any escape came from the user. */
const withoutOurStyles = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

it('renders bold, italic, code and links as terminal styles, not as markdown', () => {
  assert.equal(
    formatEvent(message('**Bob** says *hi* with `npm test` and [the doc](https://example.com/doc)'), colored),
    `${ESC}[2m[09:05]${ESC}[0m ${ESC}[1mBob${ESC}[0m: ${ESC}[1mBob${ESC}[0m says ${ESC}[3mhi${ESC}[0m with ${ESC}[33mnpm test${ESC}[0m and ${ESC}[4mthe doc${ESC}[0m ${ESC}[2m<https://example.com/doc>${ESC}[0m`,
  );
  assert.equal(formatEvent(message('**Bob** says *hi* to https://example.com'), plain), '[09:05] Bob: Bob says hi to https://example.com');
  assert.deepEqual(renderBody('**b *c* d**', true), [`${ESC}[1mb ${ESC}[0m${ESC}[1;3mc${ESC}[0m${ESC}[1m d${ESC}[0m`], 'a style inside another keeps the outer one');
});

it('puts lines and code blocks on lines of their own, indented under the message', () => {
  assert.equal(formatEvent(message('first\nsecond\n```\nconst a = 1;\n```'), plain), '[09:05] Bob: first\n    second\n    │ const a = 1;');
});

it('never passes on an escape sequence or control character from a name or a message', () => {
  const evil = `\x1b[2J\x1b[31mred\x1b]0;pwned\x07 \u202Eevil\r fake line`;
  const event = message(`**${evil}** \`${evil}\`\n\`\`\`\n${evil}\n\`\`\` [${evil}](https://example.com/${encodeURIComponent(evil)})`, {
    user: { id: 'u-x', name: `Mallory${evil}` },
    reactions: { [`👍${evil}`]: ['u-bob'] },
  });
  for (const context of [plain, colored]) {
    const line = formatEvent(event, context);
    assert.equal(withoutOurStyles(line).includes(ESC), false, 'no escape character from the user');
    assert.doesNotMatch(line, /[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f\u202e]/, 'no other control or bidi character');
    assert.match(line, /\[2J\[31mred\]0;pwned evil fake line/, 'what remains is shown as the harmless text it is');
  }
  const reaction: RoomEvent = { kind: 'reaction', room: 'r', seq: 8, ts: at, user: { id: 'u-x', name: evil }, target: 7, emoji: `x${evil}`, on: true };
  assert.equal(formatEvent(reaction, { ...colored, target: { author: evil, body: evil } }).replace(/\x1b\[[0-9;]*m/g, '').includes(ESC), false);
});

it('marks a bot\'s messages after its name', () => {
  assert.equal(formatEvent(message('deployed', { user: { id: 'u-bot', name: 'Deploy' }, bot: true }), plain), '[09:05] Deploy [bot]: deployed');
  assert.equal(formatEvent(message('deployed'), plain), '[09:05] Bob: deployed');
});

it('shows reactions on messages and as lines of their own', () => {
  assert.equal(formatEvent(message('ship it', { reactions: { '👍': ['u-a', 'u-b'], '🎉': ['u-a'] }, editedTs: at }), plain), '[09:05] Bob: ship it (edited) [👍 2  🎉 1]');
  const reaction = (on: boolean): RoomEvent => ({ kind: 'reaction', room: 'r', seq: 9, ts: at, user: { id: 'u-ann', name: 'Ann' }, target: 7, emoji: '👍', on });
  assert.equal(formatEvent(reaction(true), { ...plain, target: { author: 'Bob', body: 'the **release** is out, with every fix we promised last week' } }), '[09:05] * Ann reacted 👍 to Bob: “the release is out, with every fix we p…”');
  assert.equal(formatEvent(reaction(false), plain), '[09:05] * Ann took back 👍 from message #7');
});

it('gives a join or leave a member count only when it is the count of that moment', () => {
  const join: RoomEvent = { kind: 'join', room: 'r', seq: 3, ts: at, user: bob };
  assert.equal(formatEvent(join, { ...plain, members: 3 }), '[09:05] * Bob joined (3 members)');
  assert.equal(formatEvent(join, { ...plain, showSeq: true }), '[09:05] #3 * Bob joined');
  assert.equal(formatEvent({ ...join, kind: 'leave' }, { ...plain, members: 1 }), '[09:05] * Bob left (1 member)');
});

it('moderation events as lines', () => {
  const base = { room: 'r', ts: Date.UTC(2026, 0, 1, 9, 30), user: { id: 'u-a', name: 'Ann' } };
  const target = { id: 'u-b', name: 'Bo\u001b[31mb' };
  const lines = [
    formatEvent({ ...base, seq: 1, kind: 'role', target, role: 'admin' }, { roomLabel: '#r', showRoom: false, color: false }),
    formatEvent({ ...base, seq: 2, kind: 'kick', target }, { roomLabel: '#r', showRoom: false, color: false }),
    formatEvent({ ...base, seq: 3, kind: 'ban', target, removed: true, deleted: [7, 8] }, { roomLabel: '#r', showRoom: false, color: false }),
    formatEvent({ ...base, seq: 4, kind: 'timeout', target, until: 0 }, { roomLabel: '#r', showRoom: false, color: false }),
    formatEvent({ ...base, seq: 5, kind: 'settings', settings: { readOnly: true, slowModeSeconds: 30 } }, { roomLabel: '#r', showRoom: false, color: false }),
    formatEvent({ ...base, seq: 6, kind: 'message', id: 'm-000001', body: '', deleted: true, moderated: true }, { roomLabel: '#r', showRoom: false, color: false }),
  ].map((line) => line.replace(/^\[\d\d:\d\d\] /, ''));
  assert.deepEqual(lines, [
    '* Ann made Bo[31mb an admin',
    '* Ann removed Bo[31mb',
    '* Ann banned Bo[31mb and deleted 2 of their messages',
    "* Ann lifted Bo[31mb's time-out",
    "* Ann changed the room's settings: read-only, slow mode 30 s",
    'Ann: (removed by a moderator)',
  ]);
});
