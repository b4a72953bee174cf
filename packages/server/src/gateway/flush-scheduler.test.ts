import { test } from 'node:test';
import assert from 'node:assert/strict';
import { joinFrames, scheduleFlush } from './flush-scheduler.js';

test('recipients queuing the same frames share one joined buffer; different frames are joined anew', () => {
  const a = Buffer.from('frame-a;');
  const b = Buffer.from('frame-b;');
  const ack = Buffer.from('ack;');
  const first = joinFrames(a, [b], 1, a.length + b.length);
  assert.equal(first.toString(), 'frame-a;frame-b;');
  assert.equal(joinFrames(a, [b, ack], 1, a.length + b.length), first, 'same parts (slots past the count ignored): the same bytes, not a copy');
  const sender = joinFrames(a, [ack, b], 2, a.length + ack.length + b.length);
  assert.equal(sender.toString(), 'frame-a;ack;frame-b;');
  assert.equal(joinFrames(a, [ack], 1, a.length + ack.length).toString(), 'frame-a;ack;', 'fewer parts: joined anew');
  // Equal bytes in different buffers are not assumed equal: only the same objects are.
  const copyOfA = Buffer.from(a);
  const other = joinFrames(copyOfA, [ack, b], 2, a.length + ack.length + b.length);
  assert.notEqual(other, sender);
  assert.equal(other.toString(), 'frame-a;ack;frame-b;');
});

test('every scheduled connection is flushed once at the end of the turn, and the next turn starts afresh', async () => {
  const flushed: string[] = [];
  const connection = (name: string) => ({ flush: () => void flushed.push(name) });
  const one = connection('one');
  const two = connection('two');
  scheduleFlush(one);
  scheduleFlush(two);
  assert.deepEqual(flushed, [], 'nothing is written during the turn');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(flushed, ['one', 'two']);
  scheduleFlush(one);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(flushed, ['one', 'two', 'one']);
});
