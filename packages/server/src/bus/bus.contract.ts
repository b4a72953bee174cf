/**
 * The contract every Bus implementation passes (bus.ts's comment). An
 * implementation's test file calls `runBusContract` with a factory of nodes
 * sharing one broker: `node()` is another node's bus, not yet started.
 * `interrupt`, where the implementation has a broker to lose, breaks one
 * node's link to it (the bus must come back and say so).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PAYLOAD_SAFE_BYTES, type Bus, type BusEvents } from './bus.js';
import { encodeRoomMessage } from './messages.js';

export interface BusFixture {
  node(): Bus;
  /** Breaks `bus`'s connection to the broker, as a network fault or a broker restart would; absent for an in-process bus. */
  interrupt?: (bus: Bus) => Promise<void>;
  cleanup(): Promise<void>;
}

export type MakeBuses = () => Promise<BusFixture>;

interface Started {
  bus: Bus;
  got: string[];
  resubscribed: number;
  errors: string[];
  /** Resolves once `got` holds `count` payloads. */
  received(count: number, timeoutMs?: number): Promise<void>;
}

async function start(bus: Bus): Promise<Started> {
  const started: Started = { bus, got: [], resubscribed: 0, errors: [], received: async () => undefined };
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const events: BusEvents = {
    message(topic, payload) {
      started.got.push(`${topic} ${payload}`);
      for (const waiter of waiters.filter((w) => started.got.length >= w.count)) waiter.resolve();
    },
    resubscribed() {
      started.resubscribed++;
    },
    error(where, error) {
      started.errors.push(`${where}: ${error.message}`);
    },
  };
  started.received = (count, timeoutMs = 5000) =>
    started.got.length >= count
      ? Promise.resolve()
      : new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`got ${started.got.length} of ${count}: ${JSON.stringify(started.got.slice(-5))}`)), timeoutMs);
          waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
        });
  await bus.start(events);
  return started;
}

/** Waits long enough for a payload that should not come to have come. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

const TIMEOUT = { timeout: 30_000 };

export function runBusContract(name: string, makeBuses: MakeBuses, skip: string | false = false): void {
  describe(`Bus contract: ${name}`, { skip }, () => {
    async function withNodes(count: number, body: (nodes: Started[], fixture: BusFixture) => Promise<void>): Promise<void> {
      const fixture = await makeBuses();
      const nodes: Started[] = [];
      try {
        for (let i = 0; i < count; i++) nodes.push(await start(fixture.node()));
        await body(nodes, fixture);
      } finally {
        await Promise.all(nodes.map((node) => node.bus.close()));
        await fixture.cleanup();
      }
    }

    it('a payload published after subscribe resolved reaches every subscribed node once, the publisher included', TIMEOUT, async () => {
      await withNodes(3, async ([a, b, c]) => {
        await a!.bus.subscribe('room:r1');
        await b!.bus.subscribe('room:r1');
        await b!.bus.subscribe('room:r1');
        a!.bus.publish('room:r1', 'hello');
        c!.bus.publish('room:r1', 'from c');
        await a!.received(2);
        await b!.received(2);
        await settle();
        assert.deepEqual(a!.got.sort(), ['room:r1 from c', 'room:r1 hello']);
        assert.deepEqual(b!.got.sort(), ['room:r1 from c', 'room:r1 hello']);
        assert.deepEqual(c!.got, [], 'a node that did not subscribe gets nothing');
      });
    });

    it('only subscribed topics arrive, and none after unsubscribe', TIMEOUT, async () => {
      await withNodes(2, async ([a, b]) => {
        await a!.bus.subscribe('room:keep');
        await a!.bus.subscribe('room:drop');
        await a!.bus.unsubscribe('room:drop');
        await a!.bus.unsubscribe('room:drop');
        b!.bus.publish('room:drop', 'dropped');
        b!.bus.publish('user:other', 'other');
        b!.bus.publish('room:keep', 'kept');
        await a!.received(1);
        await settle();
        assert.deepEqual(a!.got, ['room:keep kept']);
      });
    });

    it('payloads from one publisher arrive in publish order, byte for byte; a larger event whole or as its seq', TIMEOUT, async () => {
      await withNodes(2, async ([a, b]) => {
        await b!.bus.subscribe('room:order');
        const fits = `${'é'.repeat((PAYLOAD_SAFE_BYTES - 20) / 2)}\n🎉\u2028"q"\\`;
        const bigEvent = encodeRoomMessage({ kind: 'event', seq: 7, frame: JSON.stringify({ text: 'ü'.repeat(30_000) }) });
        const sent = Array.from({ length: 500 }, (_, i) => (i === 250 ? fits : i === 300 ? bigEvent : `m${i}`));
        for (const payload of sent) a!.bus.publish('room:order', payload);
        await b!.received(sent.length);
        const hint = `room:order ${encodeRoomMessage({ kind: 'event', seq: 7, frame: null })}`;
        const got = b!.got.map((line) => (line === hint ? `room:order ${bigEvent}` : line));
        assert.deepEqual(got, sent.map((payload) => `room:order ${payload}`));
      });
    });

    it('many topics on one node: each payload reaches exactly the nodes subscribed to its topic', TIMEOUT, async () => {
      await withNodes(2, async ([a, b]) => {
        for (let i = 0; i < 200; i++) await (i % 2 === 0 ? a : b)!.bus.subscribe(`room:t${i}`);
        for (let i = 0; i < 200; i++) a!.bus.publish(`room:t${i}`, String(i));
        await a!.received(100);
        await b!.received(100);
        await settle();
        assert.deepEqual(a!.got.map((line) => Number(line.split(' ')[1])).sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i * 2));
        assert.deepEqual(b!.got.map((line) => Number(line.split(' ')[1])).sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i * 2 + 1));
      });
    });

    it('subscriptions made at once are each live when they resolve; one dropped in the same turn stays dropped', TIMEOUT, async () => {
      await withNodes(2, async ([a, b]) => {
        const topics = Array.from({ length: 300 }, (_, i) => `user:u${i}`);
        const live = Promise.all(topics.map((topic) => a!.bus.subscribe(topic)));
        const dropped = a!.bus.subscribe('user:dropped');
        await a!.bus.unsubscribe('user:dropped');
        const again = Promise.all([a!.bus.subscribe('user:again'), a!.bus.unsubscribe('user:again').then(() => a!.bus.subscribe('user:again'))]);
        await Promise.all([live, dropped, again]);
        for (const topic of [...topics, 'user:dropped', 'user:again']) b!.bus.publish(topic, topic);
        await a!.received(301);
        await settle();
        assert.deepEqual(a!.got.sort(), [...topics, 'user:again'].map((topic) => `${topic} ${topic}`).sort());
      });
    });
  });
}

/** For buses with a broker to lose: after an interruption, the node says `resubscribed` once its subscriptions are live again. */
export function runBusInterruptionContract(name: string, makeBuses: MakeBuses, skip: string | false = false): void {
  describe(`Bus contract, interruptions: ${name}`, { skip }, () => {
    it('after its link broke, a node resubscribes everything and says so; publishing fails loudly meanwhile, never throws', TIMEOUT, async () => {
      const fixture = await makeBuses();
      const a = await start(fixture.node());
      const b = await start(fixture.node());
      try {
        await a.bus.subscribe('room:x');
        await a.bus.subscribe('user:u');
        await fixture.interrupt!(a.bus);
        const deadline = Date.now() + 10_000;
        while (a.resubscribed === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        assert.equal(a.resubscribed, 1);
        b.bus.publish('room:x', 'after');
        b.bus.publish('user:u', 'after');
        await a.received(2);
        assert.deepEqual(a.got.sort(), ['room:x after', 'user:u after']);
      } finally {
        await a.bus.close();
        await b.bus.close();
        await fixture.cleanup();
      }
    });
  });
}
