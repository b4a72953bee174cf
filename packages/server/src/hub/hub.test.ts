/**
 * The hub with fake peers, a real store (SQLite, in a temporary directory)
 * and a bus that loses and reorders on command: each event reaches each local
 * peer once, in order, whatever the bus does.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { PresenceFrame, RoomEvent, UserSummary } from '@parley/protocol';
import { MemoryBroker } from '../bus/bus-memory.js';
import { roomTopic, userTopic } from '../bus/bus.js';
import { decodeRoomMessage, encodeRoomMessage, encodeUserMessage } from '../bus/messages.js';
import { createLogger } from '../log.js';
import { createSqliteStore } from '../store/store-sqlite.js';
import type { Store } from '../store/store.js';
import { FakePeer } from '../testing/fake-peer.js';
import { FaultyBus } from '../testing/faulty-bus.js';
import { Hub } from './hub.js';
import { GAP_WAIT_MS } from './room-feed.js';

const log = createLogger('silent');
const ALICE: UserSummary = { id: 'user-alice', username: 'alice', name: 'Alice', kind: 'guest' };
const BOB: UserSummary = { id: 'user-bob', username: 'bob', name: 'Bob', kind: 'guest' };

interface Node {
  hub: Hub;
  bus: FaultyBus;
  /** How many times the hub read events from the store. */
  reads: () => number;
}

interface World {
  store: Store;
  broker: MemoryBroker;
  node(checkIntervalMs?: number): Promise<Node>;
  /** Stores a message by alice in the lobby and publishes it through `via`. */
  post(via: Node, body: string): Promise<RoomEvent>;
}

async function withWorld(body: (world: World) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-hub-'));
  const store = createSqliteStore({ file: join(dir, 'parley.db'), synchronous: 'normal', writer: 'inline' });
  const hubs: Hub[] = [];
  try {
    await store.migrate();
    for (const user of [ALICE, BOB]) {
      await store.createUser({ ...user });
      await store.join({ room: 'lobby', user });
    }
    const broker = new MemoryBroker();
    let n = 0;
    const world: World = {
      store,
      broker,
      async node(checkIntervalMs = 0) {
        const bus = new FaultyBus(broker);
        let reads = 0;
        const reader = {
          latestSeq: (room: string) => store.latestSeq(room),
          latestSeqs: (rooms: readonly string[]) => store.latestSeqs(rooms),
          eventsAfter: (room: string, after: number, limit: number) => {
            reads++;
            return store.eventsAfter(room, after, limit);
          },
        };
        const hub = new Hub({ bus, reader, log, checkIntervalMs });
        await bus.start(hub.busEvents);
        hubs.push(hub);
        return { hub, bus, reads: () => reads };
      },
      async post(via, text) {
        const { event } = await store.appendMessage({ room: 'lobby', user: ALICE, clientId: `m-${String(++n).padStart(6, '0')}`, body: text });
        via.bus.publish(roomTopic('lobby'), encodeRoomMessage({ kind: 'event', seq: event.seq, frame: JSON.stringify({ type: 'event', event }) }));
        return event;
      },
    };
    await body(world);
  } finally {
    for (const hub of hubs) hub.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits until `check` holds (the hub reads the store asynchronously). */
async function until(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await delay(5);
  }
}

const lobbySeqs = async (store: Store, from: number) => (await store.eventsAfter('lobby', from, 1000)).map((event) => event.seq);

describe('hub', () => {
  it('fans each event out once to every local peer of the room, as one shared frame', async () => {
    await withWorld(async ({ store, node, post }) => {
      const a = await node();
      const p1 = new FakePeer(ALICE, { welcomed: true });
      const p2 = new FakePeer(BOB, { welcomed: true });
      await a.hub.add(p1, ['lobby']);
      await a.hub.add(p2, ['lobby']);
      const start = await store.latestSeq('lobby');
      for (let i = 0; i < 5; i++) await post(a, `m${i}`);
      assert.deepEqual(p1.seqs('lobby'), [start + 1, start + 2, start + 3, start + 4, start + 5]);
      assert.deepEqual(p2.seqs('lobby'), p1.seqs('lobby'));
      assert.equal(p1.shared[0], p2.shared[0], 'the same frame object for both');
      assert.equal(a.reads(), 0, 'nothing read from the store when nothing was lost');
    });
  });

  it('an event the bus lost is read from the store and delivered in its place, before the ones after it', async () => {
    await withWorld(async ({ store, node, post }) => {
      const a = await node();
      const peer = new FakePeer(BOB, { welcomed: true });
      await a.hub.add(peer, ['lobby']);
      const start = await store.latestSeq('lobby');
      await post(a, 'one');
      a.bus.dropWhen(() => true);
      await post(a, 'lost');
      a.bus.dropWhen(null);
      await post(a, 'three');
      await until(() => peer.seqs('lobby').length === 3, 'three events');
      assert.deepEqual(peer.seqs('lobby'), [start + 1, start + 2, start + 3]);
      assert.equal(a.reads(), 1);
    });
  });

  it('events arriving out of order within the wait are put back in order without reading the store; duplicates are dropped', async () => {
    await withWorld(async ({ store, node, post }) => {
      const a = await node();
      const peer = new FakePeer(BOB, { welcomed: true });
      await a.hub.add(peer, ['lobby']);
      const start = await store.latestSeq('lobby');
      a.bus.holdWhen(() => true);
      await post(a, 'first');
      a.bus.holdWhen(null);
      await post(a, 'second');
      assert.deepEqual(peer.seqs('lobby'), [], 'the second waits for the first');
      a.bus.releaseHeld();
      assert.deepEqual(peer.seqs('lobby'), [start + 1, start + 2]);
      const [again] = await store.eventsAfter('lobby', start, 1);
      a.bus.publish(roomTopic('lobby'), encodeRoomMessage({ kind: 'event', seq: again!.seq, frame: JSON.stringify({ type: 'event', event: again }) }));
      await delay(GAP_WAIT_MS * 2);
      assert.deepEqual(peer.seqs('lobby'), [start + 1, start + 2]);
      assert.equal(a.reads(), 0);
    });
  });

  it('an event carried as its seq alone is read from the store', async () => {
    await withWorld(async ({ store, node }) => {
      const a = await node();
      const peer = new FakePeer(BOB, { welcomed: true });
      await a.hub.add(peer, ['lobby']);
      const { event } = await store.appendMessage({ room: 'lobby', user: ALICE, clientId: 'hint-000001', body: 'hinted' });
      a.bus.publish(roomTopic('lobby'), encodeRoomMessage({ kind: 'event', seq: event.seq, frame: null }));
      await until(() => peer.seqs('lobby').length === 1, 'the hinted event');
      assert.deepEqual(peer.frames.at(-1), { type: 'event', event });
    });
  });

  it('the last events before a silence, lost by the bus, arrive with the next check of the log', async () => {
    await withWorld(async ({ store, node, post }) => {
      const a = await node(50);
      const peer = new FakePeer(BOB, { welcomed: true });
      await a.hub.add(peer, ['lobby']);
      const start = await store.latestSeq('lobby');
      a.bus.dropWhen(() => true);
      await post(a, 'lost one');
      await post(a, 'lost two');
      await until(() => peer.seqs('lobby').length === 2, 'the lost events');
      assert.deepEqual(peer.seqs('lobby'), [start + 1, start + 2]);
    });
  });

  it('after the bus says it resubscribed, what was lost meanwhile is read at once', async () => {
    await withWorld(async ({ store, node, post }) => {
      const a = await node();
      const peer = new FakePeer(BOB, { welcomed: true });
      await a.hub.add(peer, ['lobby']);
      let resubscribed = 0;
      a.hub.onResubscribed = () => resubscribed++;
      a.bus.dropWhen(() => true);
      await post(a, 'lost during the outage');
      a.bus.resubscribed();
      await until(() => peer.seqs('lobby').length === 1, 'the lost event');
      assert.deepEqual(peer.seqs('lobby'), await lobbySeqs(store, (await store.latestSeq('lobby')) - 1));
      assert.equal(resubscribed, 1);
    });
  });

  it('two nodes: an event published on one reaches the peers of both, once each', async () => {
    await withWorld(async ({ node, post }) => {
      const a = await node();
      const b = await node();
      const onA = new FakePeer(ALICE, { welcomed: true });
      const onB = new FakePeer(BOB, { welcomed: true });
      await a.hub.add(onA, ['lobby']);
      await b.hub.add(onB, ['lobby']);
      const event = await post(a, 'across');
      assert.deepEqual(onA.seqs('lobby'), [event.seq]);
      assert.deepEqual(onB.seqs('lobby'), [event.seq]);
    });
  });

  it('a user message subscribes a peer from its join event on, even into a room whose feed already passed it', async () => {
    await withWorld(async ({ store, node }) => {
      const a = await node();
      const other = new FakePeer(ALICE, { welcomed: true });
      const joiner = new FakePeer(BOB, { welcomed: true });
      await store.createRoom({ id: 'room-x', name: 'x', kind: 'public', createdBy: ALICE });
      await a.hub.add(other, ['lobby', 'room-x']);
      await a.hub.add(joiner, ['lobby']);
      const changes: string[] = [];
      a.hub.onMembershipChange = (peer, room, joined) => changes.push(`${peer.user.id} ${room} ${joined}`);
      const join = (await store.join({ room: 'room-x', user: BOB }))!;
      // The room's event reaches the node before the user message (published by another node).
      a.bus.publish(roomTopic('room-x'), encodeRoomMessage({ kind: 'event', seq: join.seq, frame: JSON.stringify({ type: 'event', event: join }) }));
      assert.deepEqual(other.seqs('room-x'), [join.seq]);
      a.bus.publish(userTopic(BOB.id), encodeUserMessage({ joinRoom: 'room-x', fromSeq: join.seq }));
      await until(() => joiner.seqs('room-x').length === 1, 'the join event');
      assert.deepEqual(joiner.seqs('room-x'), [join.seq]);
      assert.deepEqual(changes, [`${BOB.id} room-x true`]);
      assert.equal(a.hub.has(joiner, 'room-x'), true);
      a.bus.publish(userTopic(BOB.id), encodeUserMessage({ leaveRoom: 'room-x' }));
      assert.equal(a.hub.has(joiner, 'room-x'), false);
      assert.deepEqual(changes, [`${BOB.id} room-x true`, `${BOB.id} room-x false`]);
    });
  });

  it('presence frames from several nodes arriving out of order keep their changes and carry the newest count', async () => {
    await withWorld(async ({ node }) => {
      const a = await node();
      const peer = new FakePeer(BOB, { welcomed: true });
      await a.hub.add(peer, ['lobby']);
      const frame = (online: number, who: string): PresenceFrame => ({
        type: 'presence',
        room: 'lobby',
        online,
        changes: [{ user: { id: who, name: who }, status: 'online' }],
      });
      a.bus.publish(roomTopic('lobby'), encodeRoomMessage({ kind: 'presence', version: 20, frame: JSON.stringify(frame(7, 'newer')) }));
      a.bus.publish(roomTopic('lobby'), encodeRoomMessage({ kind: 'presence', version: 10, frame: JSON.stringify(frame(5, 'older')) }));
      const received = peer.frames.filter((f): f is PresenceFrame => f.type === 'presence');
      assert.deepEqual(received.map((f) => [f.online, f.changes[0]!.user.id]), [[7, 'newer'], [7, 'older']]);
    });
  });

  it('a logout closes exactly the peers of that session; typing skips its sender', async () => {
    await withWorld(async ({ node }) => {
      const a = await node();
      const kept = new FakePeer(BOB, { sessionHash: 'session-1', welcomed: true });
      const ended = new FakePeer(BOB, { sessionHash: 'session-2', welcomed: true });
      const typist = new FakePeer(ALICE, { welcomed: true });
      for (const peer of [kept, ended, typist]) await a.hub.add(peer, ['lobby']);
      a.bus.publish(userTopic(BOB.id), encodeUserMessage({ endSession: 'session-2' }));
      assert.equal(kept.closed, false);
      assert.equal(ended.closedWith?.code, 4401);
      const typing = { type: 'typing', room: 'lobby', user: { id: ALICE.id, name: ALICE.name } };
      a.bus.publish(roomTopic('lobby'), encodeRoomMessage({ kind: 'typing', userId: ALICE.id, frame: JSON.stringify(typing) }));
      assert.equal(kept.frames.filter((f) => f.type === 'typing').length, 1);
      assert.equal(typist.frames.filter((f) => f.type === 'typing').length, 0);
      assert.equal(decodeRoomMessage('garbage'), null);
    });
  });

  it('the last peer of a room leaving stops the node\'s subscription to it', async () => {
    await withWorld(async ({ store, node, broker }) => {
      const a = await node();
      const b = await node();
      const peer = new FakePeer(BOB, { welcomed: true });
      await a.hub.add(peer, ['lobby']);
      a.hub.remove(peer);
      const watcher = new FakePeer(ALICE, { welcomed: true });
      await b.hub.add(watcher, ['lobby']);
      const { event } = await store.appendMessage({ room: 'lobby', user: ALICE, clientId: 'gone-000001', body: 'after' });
      broker.publish(roomTopic('lobby'), encodeRoomMessage({ kind: 'event', seq: event.seq, frame: JSON.stringify({ type: 'event', event }) }));
      assert.deepEqual(peer.seqs('lobby'), []);
      assert.deepEqual(watcher.seqs('lobby'), [event.seq]);
    });
  });
});
