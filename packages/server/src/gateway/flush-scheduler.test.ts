import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { FlushScheduler, type Flushable } from './flush-scheduler.js';

/** Polls `done` every 5 ms; fails after `limitMs` instead of hanging the suite. */
async function until(done: () => boolean, limitMs = 2000): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!done()) {
    if (performance.now() > deadline) assert.fail(`not done within ${limitMs} ms`);
    await sleep(5);
  }
}

function busyFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

test('recipients queuing the same frames share one joined buffer; different frames are joined anew', () => {
  const flushes = new FlushScheduler({ maxPauseMs: 0 });
  const a = Buffer.from('frame-a;');
  const b = Buffer.from('frame-b;');
  const ack = Buffer.from('ack;');
  const first = flushes.join(a, [b], 1, a.length + b.length);
  assert.equal(first.toString(), 'frame-a;frame-b;');
  assert.equal(flushes.join(a, [b, ack], 1, a.length + b.length), first, 'same parts (slots past the count ignored): the same bytes, not a copy');
  const sender = flushes.join(a, [ack, b], 2, a.length + ack.length + b.length);
  assert.equal(sender.toString(), 'frame-a;ack;frame-b;');
  assert.equal(flushes.join(a, [ack], 1, a.length + ack.length).toString(), 'frame-a;ack;', 'fewer parts: joined anew');
  // Equal bytes in different buffers are not assumed equal: only the same objects are.
  const copyOfA = Buffer.from(a);
  const other = flushes.join(copyOfA, [ack, b], 2, a.length + ack.length + b.length);
  assert.notEqual(other, sender);
  assert.equal(other.toString(), 'frame-a;ack;frame-b;');
});

test('every scheduled connection is flushed once at the end of the turn, and the next turn starts afresh', async () => {
  // A clock that stands still: every round takes no time, however busy the machine running the test.
  const flushes = new FlushScheduler({ maxPauseMs: 5, now: () => 0 });
  const flushed: string[] = [];
  const connection = (name: string): Flushable => ({ flush: () => void flushed.push(name) });
  const one = connection('one');
  const two = connection('two');
  flushes.schedule(one);
  flushes.schedule(two);
  assert.deepEqual(flushed, [], 'nothing is written during the turn');
  await nextTurn();
  assert.deepEqual(flushed, ['one', 'two']);
  flushes.schedule(one);
  await nextTurn();
  assert.deepEqual(flushed, ['one', 'two', 'one'], 'a quick flush is not followed by a pause');
});

test('after a slow flush the next one waits as long as it took, up to the limit', async () => {
  // The limit is far above the scheduler's 1 ms granularity and the busy flush far above the limit.
  const maxPauseMs = 60;
  const flushes = new FlushScheduler({ maxPauseMs });
  let nextFlushes = 0;
  const slow: Flushable = { flush: () => busyFor(maxPauseMs * 3) };
  const next: Flushable = { flush: () => void nextFlushes++ };
  flushes.schedule(slow);
  await nextTurn();
  const scheduled = performance.now();
  flushes.schedule(next);
  await nextTurn();
  assert.equal(nextFlushes, 0, 'not at the end of the next turn');
  await until(() => nextFlushes > 0);
  const waited = performance.now() - scheduled;
  assert.ok(waited >= maxPauseMs - 2, `waited ${waited.toFixed(1)} ms, at least the limit`);
  assert.ok(waited < maxPauseMs * 3, `waited ${waited.toFixed(1)} ms, the limit and not the flush's length`);
});

test('flushSoon writes a connection once the current callback and its continuations are done, through the pause after a slow round', async () => {
  const flushes = new FlushScheduler({ maxPauseMs: 60 });
  let replies = 0;
  let roundFlushes = 0;
  const slow: Flushable = { flush: () => busyFor(180) };
  const replier: Flushable = { flush: () => void roundFlushes++ };
  flushes.schedule(slow);
  await nextTurn();
  flushes.schedule(replier);
  flushes.flushSoon({ flush: () => void replies++ });
  await nextTurn();
  assert.equal(replies, 1, 'the reply went before the next turn');
  assert.equal(roundFlushes, 0, 'the round still waits for its pause');
  await until(() => roundFlushes > 0);
});

test('flushSoon from a callback flushes after its continuations and before the next turn of the loop', async () => {
  const flushes = new FlushScheduler({ maxPauseMs: 0 });
  const written: string[][] = [];
  const queued: string[] = [];
  const replier: Flushable = { flush: () => void written.push(queued.splice(0)) };
  let atNextTimer: string[][] | null = null;
  await new Promise<void>((resolve) => {
    // Like a commit: a callback whose settled promises queue the ack, then the sender's copy.
    setImmediate(() => {
      setTimeout(() => {
        atNextTimer = written.map((w) => [...w]);
        resolve();
      }, 0);
      void Promise.resolve()
        .then(() => {
          queued.push('ack');
          flushes.flushSoon(replier);
        })
        .then(() => queued.push('copy'));
      busyFor(3); // the timer is due when the loop comes round to its timers
    });
  });
  assert.deepEqual(atNextTimer, [['ack', 'copy']], 'one write, before the timers of the next turn');
});

test('maxPauseMs 0 flushes at the end of every turn however long flushes take', async () => {
  const flushes = new FlushScheduler({ maxPauseMs: 0 });
  let count = 0;
  const slow: Flushable = { flush: () => (busyFor(20), count++) };
  flushes.schedule(slow);
  await nextTurn();
  flushes.schedule(slow);
  await nextTurn();
  assert.equal(count, 2);
});

/** Queues like a Connection: schedules on empty → non-empty, writes its whole queue at once. */
class FakeConnection implements Flushable {
  readonly writes: string[][] = [];
  #queue: string[] = [];
  constructor(
    private readonly flushes: FlushScheduler,
    private readonly flushMs: number,
  ) {}
  deliver(frame: string): void {
    if (this.#queue.length === 0) this.flushes.schedule(this);
    this.#queue.push(frame);
  }
  flush(): void {
    if (this.#queue.length === 0) return;
    busyFor(this.flushMs);
    this.writes.push(this.#queue);
    this.#queue = [];
  }
}

test('a long round yields to the event loop; frames queued meanwhile join the connections it has not reached', async () => {
  const flushes = new FlushScheduler({ maxPauseMs: 0, sliceMs: 5 });
  const connections = Array.from({ length: 40 }, () => new FakeConnection(flushes, 1));
  for (const connection of connections) connection.deliver('a');
  await nextTurn();
  const reached = connections.filter((c) => c.writes.length > 0).length;
  assert.ok(reached > 0 && reached < connections.length, `first slice wrote ${reached} of 40`);
  for (const connection of connections) connection.deliver('b');
  await until(() => connections.every((c) => c.writes.flat().length === 2));
  connections.forEach((connection, i) => {
    const expected = i < reached ? [['a'], ['b']] : [['a', 'b']];
    assert.deepEqual(connection.writes, expected, `connection ${i}`);
  });
});
