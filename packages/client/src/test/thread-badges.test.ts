/**
 * Thread badges are never stuck: thousands of random posts, replies (some mentioning the user,
 * some also sent to the room), deletions of replies, thread reads, room reads, follows and
 * unfollows, by three people, one of whom (Ann) is connected from three devices. After every
 * step each of Ann's devices must show, for every thread, the unread count the store gives when
 * counted from the log now, and for every room, the count the server gives for it now.
 * The operations come from a seeded generator: a failure names the seed and step to replay.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { threadRecount } from '@parley/server/testing/thread-recount';
import type { ParleyClient } from '../client.js';
import { startServer, within } from '../test-support/helpers.js';

const STEPS = Number(process.env.THREAD_BADGE_STEPS ?? 2000);
const SEED = Number(process.env.THREAD_BADGE_SEED ?? 20261207);
/** Roots kept at once: the checks of every step stay cheap. */
const MAX_ROOTS = 8;

/** mulberry32: a small seeded generator, so that a failing run can be replayed. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Root {
  room: string;
  seq: number;
  replies: Array<{ seq: number; author: ParleyClient }>;
}

it(`thread and room badges equal a recount after each of ${STEPS} random steps on three devices`, { timeout: 600_000 }, async (t) => {
  const { server, pool } = await startServer(t, { env: { RATE_LIMITS: 'off' } });
  const recount = threadRecount(server.database);
  t.after(() => recount.close());
  const options = { initialHistory: 0, loadMembers: false };
  const ann = { kind: 'register', username: 'ann', password: 'correct horse battery', name: 'Ann' } as const;
  const first = pool.create(server.url, ann, options);
  await within('ann registers', first.connect());
  const login = { kind: 'password', username: 'ann', password: 'correct horse battery' } as const;
  const devices = [first, pool.create(server.url, login, options), pool.create(server.url, login, options)];
  // Asks the server for Ann's room counts afresh each step; its own state is not checked.
  const checker = pool.create(server.url, login, options);
  const bob = pool.create(server.url, { kind: 'register', username: 'bob', password: 'correct horse battery', name: 'Bob' }, options);
  const cat = pool.create(server.url, { kind: 'register', username: 'cat', password: 'correct horse battery', name: 'Cat' }, options);
  await within('everyone connects', Promise.all([...devices, checker, bob, cat].map((c) => c.connect())));
  const annId = first.user!.id;
  const rooms = [(await first.createRoom('one')).id, (await first.createRoom('two')).id];
  for (const room of rooms) for (const other of [bob, cat]) await other.join(room);

  const random = generator(SEED);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const writers = [...devices, bob, cat];
  const roots: Root[] = [];
  const counts: Record<string, number> = {};
  let n = 0;

  async function step(): Promise<string> {
    const roll = random();
    if (roots.length < 2 || (roll < 0.12 && roots.length < MAX_ROOTS)) {
      const room = pick(rooms);
      const { seq } = await pick(writers).send(room, `root ${++n}`);
      roots.push({ room, seq, replies: [] });
      return 'post';
    }
    if (roll < 0.12) {
      roots.splice(Math.floor(random() * roots.length), 1);
      return 'forget a root';
    }
    const root = pick(roots);
    if (roll < 0.55) {
      const author = pick(writers);
      const mention = random() < 0.15 ? ' @ann' : '';
      const alsoInRoom = random() < 0.2;
      const { seq } = await author.send(root.room, `reply ${++n}${mention}`, { thread: root.seq, alsoInRoom });
      root.replies.push({ seq, author });
      return alsoInRoom ? 'reply in the room too' : mention ? 'reply with a mention' : 'reply';
    }
    if (roll < 0.62 && root.replies.length > 0) {
      const index = Math.floor(random() * root.replies.length);
      const reply = root.replies[index]!;
      root.replies.splice(index, 1);
      await reply.author.delete(root.room, reply.seq);
      return 'delete a reply';
    }
    if (roll < 0.8) {
      const upTo = root.replies.length > 0 && random() < 0.7 ? pick(root.replies).seq : undefined;
      await pick(devices).markThreadRead(root.room, root.seq, upTo);
      return 'read a thread';
    }
    if (roll < 0.9) {
      await pick(devices).follow(root.room, root.seq, random() < 0.6);
      return 'follow or unfollow';
    }
    await pick(devices).markRead(root.room);
    return 'read a room';
  }

  /** What each device shows against the recounts, or null when they all agree. */
  async function disagreement(): Promise<string | null> {
    for (const root of roots) {
      const expected = await recount.unread(root.room, root.seq, annId);
      for (const [d, device] of devices.entries()) {
        const shown = device.thread(root.room, root.seq)?.unread ?? 0;
        if (shown !== expected) return `device ${d}, thread ${root.room}#${root.seq}: shows ${shown}, the store counts ${expected}`;
      }
    }
    const summaries = await checker.listRooms();
    for (const room of rooms) {
      const expected = summaries.find((s) => s.id === room)!.unread;
      for (const [d, device] of devices.entries()) {
        const shown = device.room(room)!.unread;
        if (shown !== expected) return `device ${d}, room ${room}: shows ${shown}, the server counts ${expected}`;
      }
    }
    return null;
  }

  for (let i = 1; i <= STEPS; i++) {
    const what = await step();
    counts[what] = (counts[what] ?? 0) + 1;
    // The devices get the changes over their own sockets: give them until they agree, or fail.
    const deadline = Date.now() + 10_000;
    for (let wrong = await disagreement(); wrong !== null; wrong = await disagreement()) {
      if (Date.now() > deadline) assert.fail(`seed ${SEED}, step ${i} (${what}): ${wrong}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  t.diagnostic(`steps by kind: ${JSON.stringify(counts)}`);
  // The run reached every kind of step.
  for (const kind of ['post', 'reply', 'reply with a mention', 'reply in the room too', 'delete a reply', 'read a thread', 'follow or unfollow', 'read a room']) {
    assert.ok((counts[kind] ?? 0) > 0, `no "${kind}" step ran`);
  }
});
