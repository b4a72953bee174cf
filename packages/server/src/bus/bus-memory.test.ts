import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MemoryBus } from './bus-memory.js';

function recorder() {
  const got: string[] = [];
  return { got, handler: (payload: string, topic: string) => got.push(`${topic} ${payload}`) };
}

it('delivers each payload once to every handler of its topic, with the topic', () => {
  const bus = new MemoryBus();
  const a = recorder();
  const b = recorder();
  bus.subscribe('t', a.handler);
  bus.subscribe('t', a.handler);
  bus.publish('t', '1');
  bus.subscribe('t', b.handler);
  bus.subscribe('u', b.handler);
  bus.publish('t', '2');
  bus.publish('u', '3');
  bus.publish('nobody', '4');
  assert.deepEqual(a.got, ['t 1', 't 2']);
  assert.deepEqual(b.got, ['t 2', 'u 3']);
});

it('stops delivering to a handler once unsubscribed, and keeps delivering to the others', () => {
  const bus = new MemoryBus();
  const a = recorder();
  const b = recorder();
  bus.subscribe('t', a.handler);
  bus.subscribe('t', b.handler);
  bus.unsubscribe('t', a.handler);
  bus.publish('t', '1');
  bus.unsubscribe('t', b.handler);
  bus.unsubscribe('t', b.handler);
  bus.publish('t', '2');
  bus.subscribe('t', a.handler);
  bus.unsubscribe('t', b.handler);
  bus.publish('t', '3');
  assert.deepEqual(a.got, ['t 3']);
  assert.deepEqual(b.got, ['t 1']);
});
