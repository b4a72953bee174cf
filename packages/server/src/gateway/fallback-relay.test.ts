/**
 * The fallback relay between two in-process nodes on a bus that loses what it
 * is told to: every forward is taken once, in parts when large, and answered,
 * though a copy or an answer was lost.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBroker } from '../bus/bus-memory.js';
import { PAYLOAD_SAFE_BYTES, type BusEvents } from '../bus/bus.js';
import { FaultyBus } from '../testing/faulty-bus.js';
import { FallbackRelay, cutIntoParts, type Forward } from './fallback-relay.js';

async function twoNodes(timeoutMs = 5000): Promise<{ a: FallbackRelay; b: FallbackRelay; busA: FaultyBus; busB: FaultyBus }> {
  const broker = new MemoryBroker();
  const make = async (node: string, bus: FaultyBus) => {
    const relay = new FallbackRelay({ bus, node, timeoutMs, onError: (error) => assert.fail(error) });
    const events: BusEvents = { message: (topic, payload) => void relay.received(topic, payload), resubscribed: () => {}, error: () => {} };
    await bus.start(events);
    await relay.start();
    return relay;
  };
  const busA = new FaultyBus(broker);
  const busB = new FaultyBus(broker);
  return { a: await make('node-a', busA), b: await make('node-b', busB), busA, busB };
}

test('a forward reaches the stream’s node once, in parts when large, and its answer comes back', async () => {
  const { a, b } = await twoNodes();
  const taken: Forward[] = [];
  await a.register('stream-1', async (forward) => {
    taken.push(forward);
    return { status: 'accepted', accepted: forward.frames.length };
  });
  const frames = ['{"type":"ping"}', JSON.stringify({ type: 'send', body: '한🎉'.repeat(3000) })];
  assert.ok(Buffer.byteLength(frames[1]!) > PAYLOAD_SAFE_BYTES, 'larger than one bus payload');
  assert.deepEqual(await b.forward('stream-1', { user: 'u1', frames }), { status: 'accepted', accepted: 2 });
  assert.deepEqual(taken, [{ user: 'u1', frames }]);
  a.close();
  b.close();
});

test('a lost copy is published again, and a lost answer is given again, but the frames are taken once', async () => {
  const { a, b, busA, busB } = await twoNodes();
  let calls = 0;
  await a.register('stream-2', async () => {
    calls++;
    return { status: 'accepted', accepted: 1 };
  });
  let dropped = 0;
  busB.dropWhen((topic) => topic.startsWith('fallback:') && dropped++ === 0);
  assert.deepEqual(await b.forward('stream-2', { user: 'u1', frames: ['{}'] }), { status: 'accepted', accepted: 1 });
  assert.equal(dropped, 2, 'the first copy was lost, the second went');
  busB.dropWhen(null);
  let answers = 0;
  busA.dropWhen((topic) => topic.startsWith('fallback-node:') && answers++ === 0);
  assert.deepEqual(await b.forward('stream-2', { user: 'u1', frames: ['{}'] }), { status: 'accepted', accepted: 1 });
  assert.equal(answers, 2, 'the first answer was lost, the second went');
  assert.equal(calls, 2, 'each forward was taken once');
  a.close();
  b.close();
});

test('a forward for a stream no node holds gets no answer: null once the time is up', async () => {
  const { a, b } = await twoNodes(1500);
  assert.equal(await b.forward('nowhere', { user: 'u1', frames: ['{}'] }), null);
  a.close();
  b.close();
});

test('parts fit a bus payload and never split a surrogate pair', () => {
  const text = `x${'🎉'.repeat(10_000)}한`;
  const parts = cutIntoParts(text);
  assert.equal(parts.join(''), text);
  for (const part of parts) {
    assert.ok(Buffer.byteLength(part) + 200 <= PAYLOAD_SAFE_BYTES);
    assert.equal(Buffer.from(part).toString(), part, 'valid UTF-16 on its own');
  }
});
