/**
 * The chat logic driven directly, through fake peers (no sockets): a real
 * store (SQLite in a temporary directory), the in-process bus and presence,
 * the hub. What the end-to-end tests check over WebSockets, here without them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { AckFrame, ClientFrame, ErrorFrame, PresenceFrame, ServerFrame, UserSummary, WelcomeFrame } from '@parley/protocol';
import { MemoryBus } from '../bus/bus-memory.js';
import { loadConfig } from '../config.js';
import { Hub } from '../hub/hub.js';
import { PresenceNotifier } from '../hub/presence-notifier.js';
import { createRateLimits } from '../limits/rate-limiter.js';
import { createLogger } from '../log.js';
import { createMetrics } from '../metrics.js';
import { MemoryPresence } from '../presence/presence-memory.js';
import { createSqliteStore } from '../store/store-sqlite.js';
import { FakePeer } from '../testing/fake-peer.js';
import { Chat } from './chat.js';

interface Setup {
  chat: Chat;
  notifier: PresenceNotifier;
  /** A user, created and in the lobby, with a peer opened (welcomed). */
  enter(name: string): Promise<FakePeer>;
  /** Handles `frame` for `peer` and returns the reply to it (its ack or error). */
  request<T extends ServerFrame>(peer: FakePeer, frame: ClientFrame): Promise<T>;
}

async function withChat(body: (setup: Setup) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-chat-'));
  const store = createSqliteStore({ file: join(dir, 'parley.db'), synchronous: 'normal', writer: 'inline' });
  await store.migrate();
  const config = loadConfig({ DATA_DIR: dir, RATE_LIMITS: 'off' }, 1);
  const log = createLogger('silent');
  const bus = new MemoryBus();
  const presence = new MemoryPresence();
  const hub = new Hub({ bus, reader: store, log, checkIntervalMs: 0 });
  await bus.start(hub.busEvents);
  const notifier = new PresenceNotifier(bus, presence, 60_000);
  const pacer = { pause: () => undefined };
  const chat = new Chat({ store, pacer, bus, hub, presence, presenceNotifier: notifier, rates: createRateLimits(false), config, log, metrics: createMetrics() });
  let users = 0;
  const setup: Setup = {
    chat,
    notifier,
    async enter(name) {
      const id = `user-${++users}`;
      const user: UserSummary = { id, username: name.toLowerCase(), name, kind: 'guest' };
      const stored = await store.createUser({ ...user });
      await chat.onUserCreated(stored);
      const peer = new FakePeer(user);
      await chat.open(peer);
      return peer;
    },
    async request(peer, frame) {
      const before = peer.frames.length;
      await chat.handle(peer, frame);
      const ref = frame.type === 'send' ? frame.id : 'ref' in frame ? frame.ref : undefined;
      const reply = peer.frames.slice(before).find((f) => (f.type === 'ack' || f.type === 'error') && f.ref === (ref ?? null));
      assert.ok(reply, `a reply to ${frame.type}`);
      return reply as never;
    },
  };
  try {
    await body(setup);
  } finally {
    notifier.close();
    hub.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('chat, through fake peers', () => {
  it('a peer gets its welcome first, listing the lobby with the online count', async () => {
    await withChat(async ({ enter }) => {
      const ann = await enter('Ann');
      const welcome = ann.frames[0] as WelcomeFrame;
      assert.equal(welcome.type, 'welcome');
      assert.equal(welcome.user.name, 'Ann');
      assert.deepEqual(welcome.rooms.map((room) => [room.id, room.joined, room.online]), [['lobby', true, 1]]);
    });
  });

  it('a send is acked with its seq, then fanned out to every member\'s peer, the sender\'s too', async () => {
    await withChat(async ({ enter, request }) => {
      const ann = await enter('Ann');
      const bob = await enter('Bob');
      const ack = await request<AckFrame<'send'>>(ann, { type: 'send', id: 'hello-000001', room: 'lobby', body: 'hello' });
      assert.equal(ack.duplicate, false);
      for (const peer of [ann, bob]) assert.ok(peer.seqs('lobby').includes(ack.seq));
      const again = await request<AckFrame<'send'>>(ann, { type: 'send', id: 'hello-000001', room: 'lobby', body: 'hello' });
      assert.deepEqual([again.seq, again.duplicate], [ack.seq, true]);
      assert.equal(bob.seqs('lobby').filter((seq) => seq === ack.seq).length, 1, 'a retried send is not fanned out again');
    });
  });

  it('authorization reads the store: a private room is not_found to others, a public one not_member', async () => {
    await withChat(async ({ enter, request }) => {
      const ann = await enter('Ann');
      const bob = await enter('Bob');
      const secret = await request<AckFrame<'create'>>(ann, { type: 'create', ref: 'c1', name: 'Secret', kind: 'private' });
      const open = await request<AckFrame<'create'>>(ann, { type: 'create', ref: 'c2', name: 'Open', kind: 'public' });
      const refused = async (frame: ClientFrame) => (await request<ErrorFrame>(bob, frame)).code;
      assert.equal(await refused({ type: 'send', id: 'nope-000001', room: secret.room.id, body: 'x' }), 'not_found');
      assert.equal(await refused({ type: 'history', ref: 'h1', room: secret.room.id }), 'not_found');
      assert.equal(await refused({ type: 'typing', room: secret.room.id } as ClientFrame), 'not_found');
      assert.equal(await refused({ type: 'send', id: 'nope-000002', room: open.room.id, body: 'x' }), 'not_member');
      const page = await request<AckFrame<'history'>>(bob, { type: 'history', ref: 'h2', room: open.room.id });
      assert.equal(page.room, open.room.id, 'a public room may be read');
    });
  });

  it('joining makes the joiner\'s peers receive the room from their join event on, and come online in it', async () => {
    await withChat(async ({ enter, request, notifier }) => {
      const ann = await enter('Ann');
      const bob = await enter('Bob');
      const { room } = await request<AckFrame<'create'>>(ann, { type: 'create', ref: 'c1', name: 'Talk', kind: 'public' });
      const joined = await request<AckFrame<'join'>>(bob, { type: 'join', ref: 'j1', room: room.id });
      assert.deepEqual(bob.seqs(room.id), [joined.seq], 'its own join event');
      await notifier.flush();
      const presence = ann.frames.filter((f): f is PresenceFrame => f.type === 'presence' && f.room === room.id);
      assert.deepEqual(presence.at(-1)?.online, 2);
    });
  });
});
