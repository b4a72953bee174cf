import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRows, GROUP_GAP_MS } from '../src/lib/timeline-rows.js';
import { formatDay, formatTime, dayKey } from '../src/lib/time.js';

const seoul = { locale: 'en-US', timeZone: 'Asia/Seoul' };
const newYork = { locale: 'en-US', timeZone: 'America/New_York' };
// 2025-03-03 23:30 UTC: Tuesday 08:30 in Seoul, Monday 18:30 in New York.
const T0 = Date.UTC(2025, 2, 3, 23, 30);

const message = (seq: number, user: string, ts: number) => ({ kind: 'message', seq, ts, user: { id: user }, id: `m${seq}xxxxxx` });
const notice = (seq: number, user: string, ts: number) => ({ kind: 'join', seq, ts, user: { id: user } });

test('messages by one author within the gap share a group', () => {
  const rows = buildRows({
    entries: [message(1, 'a', T0), message(2, 'a', T0 + 1000), message(3, 'b', T0 + 2000), message(4, 'b', T0 + 2000 + GROUP_GAP_MS + 1)],
    pending: [],
    selfId: 'me',
    time: seoul,
  });
  assert.deepEqual(
    rows.map((r) => (r.type === 'message' ? `${r.entry.seq}:${r.startsGroup}` : r.type)),
    ['day', '1:true', '2:false', '3:true', '4:true'],
  );
});

test('a notice breaks a group and days are split in the reader\'s zone', () => {
  const hours = 3600_000;
  const entries = [message(1, 'a', T0), notice(2, 'b', T0 + 1000), message(3, 'a', T0 + 2000), message(4, 'a', T0 + 5 * hours)];
  const inSeoul = buildRows({ entries, pending: [], selfId: 'me', time: seoul });
  assert.deepEqual(inSeoul.map((r) => r.type), ['day', 'message', 'notice', 'message', 'message']);
  // 18:30 and 00:30 the next day in New York; 08:30 and 14:30 the same day in Seoul.
  const later = [message(1, 'a', T0), message(2, 'a', T0 + 6 * hours)];
  assert.deepEqual(buildRows({ entries: later, pending: [], selfId: 'me', time: newYork }).map((r) => r.type), ['day', 'message', 'day', 'message']);
  assert.deepEqual(buildRows({ entries: later, pending: [], selfId: 'me', time: seoul }).map((r) => r.type), ['day', 'message', 'message']);
});

test('pending messages follow the timeline and continue the own group', () => {
  const rows = buildRows({
    entries: [message(1, 'me', T0)],
    pending: [{ id: 'p1xxxxxx', createdAt: T0 + 1000 }],
    selfId: 'me',
    time: seoul,
  });
  assert.equal(rows.at(-1)!.type, 'pending');
  assert.equal(rows.at(-1)!.key, 'msg-p1xxxxxx');
  assert.equal((rows.at(-1) as { startsGroup: boolean }).startsGroup, false);
});

test('the unread divider goes before the first unread message by someone else', () => {
  const rows = buildRows({
    entries: [message(1, 'a', T0), message(2, 'me', T0 + 1), message(3, 'a', T0 + 2), message(4, 'a', T0 + 3)],
    pending: [],
    selfId: 'me',
    unreadAfter: 1,
    time: seoul,
  });
  assert.deepEqual(rows.map((r) => (r.type === 'message' ? `${r.entry.seq}:${r.startsGroup}` : r.type)), ['day', '1:true', '2:true', 'unread', '3:true', '4:false']);
});

test('times and days are shown in the reader\'s time zone', () => {
  assert.equal(formatTime(T0, seoul), '8:30 AM');
  assert.equal(formatTime(T0, newYork), '6:30 PM');
  assert.notEqual(dayKey(T0, seoul), dayKey(T0, newYork));
  const labels = { today: 'Today', yesterday: 'Yesterday' };
  assert.equal(formatDay(T0, T0 + 60_000, labels, seoul), 'Today');
  assert.equal(formatDay(T0, T0 + 24 * 3600_000, labels, seoul), 'Yesterday');
  assert.equal(formatDay(T0, T0 + 3 * 24 * 3600_000, labels, seoul), 'Tuesday, March 4');
  assert.equal(formatDay(T0, T0 + 400 * 24 * 3600_000, labels, seoul), 'March 4, 2025');
});
