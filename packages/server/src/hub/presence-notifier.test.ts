import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PresenceFrame } from '@parley/protocol';
import { MemoryBus } from '../bus/bus-memory.js';
import { roomTopic } from '../bus/bus.js';
import { decodeRoomMessage } from '../bus/messages.js';
import { MemoryPresence } from '../presence/presence-memory.js';
import { LARGE_ROOM, LARGE_ROOM_INTERVAL_MS, PresenceNotifier } from './presence-notifier.js';

async function setup() {
  const bus = new MemoryBus();
  const presence = new MemoryPresence();
  const notifier = new PresenceNotifier(bus, presence, 60_000);
  const frames: Array<PresenceFrame & { version: number }> = [];
  await bus.start({
    message: (_topic, payload) => {
      const message = decodeRoomMessage(payload);
      if (message?.kind === 'presence') frames.push({ ...(JSON.parse(message.frame) as PresenceFrame), version: message.version });
    },
    resubscribed: () => undefined,
    error: () => undefined,
  });
  await bus.subscribe(roomTopic('r'));
  const arrive = async (n: number) => {
    await presence.connected(`u${n}`, ['r']);
    notifier.changed('r', { id: `u${n}`, name: `User ${n}` }, 'online');
  };
  return { notifier, frames, arrive, presence };
}

test('a small room gets one frame per interval listing who changed, with the exact count and the room\'s presence version', async () => {
  const { notifier, frames, arrive, presence } = await setup();
  for (let n = 0; n < 3; n++) await arrive(n);
  await notifier.flush();
  assert.equal(frames.length, 1);
  assert.equal(frames[0]!.online, 3);
  assert.deepEqual(frames[0]!.changes.map((c) => c.user.id), ['u0', 'u1', 'u2']);
  assert.equal(frames[0]!.version, (await presence.online(['r']))[0]!.version);
  notifier.close();
});

test('a busy small room lists the last 50 changes and counts the rest', async () => {
  const { notifier, frames, arrive } = await setup();
  for (let n = 0; n < 120; n++) await arrive(n);
  await notifier.flush();
  assert.equal(frames[0]!.changes.length, 50);
  assert.equal(frames[0]!.changes[0]!.user.id, 'u70');
  assert.equal(frames[0]!.more, 70);
  notifier.close();
});

test('a large room gets count-only frames, at most one per large-room interval', async () => {
  const { notifier, frames, arrive } = await setup();
  for (let n = 0; n <= LARGE_ROOM; n++) await arrive(n);
  await notifier.flush(1_000_000);
  assert.equal(frames.length, 1);
  assert.deepEqual(frames[0]!.changes, []);
  assert.equal(frames[0]!.online, LARGE_ROOM + 1);
  assert.equal(frames[0]!.more, LARGE_ROOM + 1);

  await arrive(LARGE_ROOM + 1);
  await notifier.flush(1_000_000 + LARGE_ROOM_INTERVAL_MS - 1);
  assert.equal(frames.length, 1, 'held back inside the interval');
  await notifier.flush(1_000_000 + LARGE_ROOM_INTERVAL_MS);
  assert.equal(frames.length, 2);
  assert.equal(frames[1]!.online, LARGE_ROOM + 2);
  notifier.close();
});
