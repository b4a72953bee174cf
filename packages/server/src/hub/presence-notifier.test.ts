import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PresenceFrame } from '@parley/protocol';
import { MemoryBus } from '../bus/bus-memory.js';
import { roomTopic } from '../bus/bus.js';
import { decodeRoomMessage } from '../bus/messages.js';
import { MemoryPresence } from '../presence/presence-memory.js';
import { LARGE_ROOM, LARGE_ROOM_INTERVAL_MS, PresenceNotifier } from './presence-notifier.js';

function setup() {
  const bus = new MemoryBus();
  const presence = new MemoryPresence();
  const notifier = new PresenceNotifier(bus, presence, 60_000);
  const frames: PresenceFrame[] = [];
  bus.subscribe(roomTopic('r'), (payload) => frames.push(JSON.parse(decodeRoomMessage(payload)!.frame) as PresenceFrame));
  const arrive = (n: number) => {
    presence.connected(`u${n}`, ['r']);
    notifier.changed('r', { id: `u${n}`, name: `User ${n}` }, 'online');
  };
  return { notifier, frames, arrive, presence };
}

test('a small room gets one frame per interval listing who changed, with the exact count', () => {
  const { notifier, frames, arrive } = setup();
  for (let n = 0; n < 3; n++) arrive(n);
  notifier.flush();
  assert.equal(frames.length, 1);
  assert.equal(frames[0]!.online, 3);
  assert.deepEqual(frames[0]!.changes.map((c) => c.user.id), ['u0', 'u1', 'u2']);
  notifier.close();
});

test('a busy small room lists the last 50 changes and counts the rest', () => {
  const { notifier, frames, arrive } = setup();
  for (let n = 0; n < 120; n++) arrive(n);
  notifier.flush();
  assert.equal(frames[0]!.changes.length, 50);
  assert.equal(frames[0]!.changes[0]!.user.id, 'u70');
  assert.equal(frames[0]!.more, 70);
  notifier.close();
});

test('a large room gets count-only frames, at most one per large-room interval', () => {
  const { notifier, frames, arrive } = setup();
  for (let n = 0; n <= LARGE_ROOM; n++) arrive(n);
  notifier.flush(1_000_000);
  assert.equal(frames.length, 1);
  assert.deepEqual(frames[0]!.changes, []);
  assert.equal(frames[0]!.online, LARGE_ROOM + 1);
  assert.equal(frames[0]!.more, LARGE_ROOM + 1);

  arrive(LARGE_ROOM + 1);
  notifier.flush(1_000_000 + LARGE_ROOM_INTERVAL_MS - 1);
  assert.equal(frames.length, 1, 'held back inside the interval');
  notifier.flush(1_000_000 + LARGE_ROOM_INTERVAL_MS);
  assert.equal(frames.length, 2);
  assert.equal(frames[1]!.online, LARGE_ROOM + 2);
  notifier.close();
});
