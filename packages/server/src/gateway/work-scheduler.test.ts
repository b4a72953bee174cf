import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { WorkScheduler, type Paced } from './work-scheduler.js';

/** A connection as the scheduler sees it; `backlogBytes` and `drained` are set by the test. */
function peer(): Paced & { backlogBytes: number; drain: () => void } {
  let drain = (): void => undefined;
  const paced = {
    closed: false,
    backlogBytes: 0,
    drained: () => new Promise<void>((resolve) => (drain = resolve)),
    drain: () => drain(),
  };
  return paced;
}

/** Work that keeps the event loop busy for `ms`, as a synchronous store read does. */
const busy = (ms: number) => (): Promise<void> => {
  const until = performance.now() + ms;
  while (performance.now() < until);
  return Promise.resolve();
};

function scheduler(options: Partial<ConstructorParameters<typeof WorkScheduler>[0]> = {}): WorkScheduler {
  return new WorkScheduler({ sliceMs: 2, budget: { capacityMs: 1000, refillMsPerSecond: 1000 }, backlogLimitBytes: 1000, ...options });
}

test('a connection whose frames took its slice of a turn waits for the next turn; the others go on meanwhile', async () => {
  const work = scheduler();
  const flooder = peer();
  const other = peer();
  const log: string[] = [];
  // Pipelined frames, each started once the one before is done (as SocketSession chains them).
  let chain: Promise<void> | undefined = Promise.resolve();
  for (let i = 0; i < 6; i++) {
    chain = chain.then(() => work.run(flooder, false, () => busy(1)().then(() => void log.push(`flooder ${i}`))));
  }
  await nextTurn();
  log.push('next turn');
  void work.run(other, false, () => Promise.resolve(void log.push('other')));
  await chain;
  const turn = log.indexOf('next turn');
  assert.ok(turn > 0 && turn < 6, `the flooder's frames ran in one go: ${log.join(', ')}`);
  assert.ok(log.indexOf('other') < log.indexOf('flooder 5'), `the other connection waited for the flood: ${log.join(', ')}`);
});

test('expensive units are admitted one at a time, first come first served across connections, one per turn when each takes its slice', async () => {
  const work = scheduler();
  const peers = [peer(), peer(), peer()];
  const order: string[] = [];
  const runs: Array<Promise<void> | undefined> = [];
  for (let round = 0; round < 2; round++) {
    peers.forEach((p, i) => runs.push(work.run(p, true, () => busy(3)().then(() => void order.push(`${i}.${round}`)))));
  }
  let turns = 0;
  let stop = false;
  const counting = (async () => {
    while (!stop) {
      await nextTurn();
      turns++;
    }
  })();
  await Promise.all(runs);
  stop = true;
  await counting;
  assert.deepEqual(order, ['0.0', '1.0', '2.0', '0.1', '1.1', '2.1']);
  assert.ok(turns >= 5, `six units of 3 ms ran in ${turns + 1} turns`);
});

test('a long request pauses between its parts, behind units that waited meanwhile', async () => {
  const work = scheduler();
  const long = peer();
  const other = peer();
  const order: string[] = [];
  const done = work.run(long, true, async () => {
    for (let part = 0; part < 3; part++) {
      await busy(3)();
      order.push(`long ${part}`);
      if (part === 0) void work.run(other, true, () => Promise.resolve(void order.push('other')));
      await work.pause(long);
    }
  });
  await done;
  assert.deepEqual(order, ['long 0', 'other', 'long 1', 'long 2']);
});

test('a connection in debt waits for its bucket, delayed but not refused; the others are not', async () => {
  const work = scheduler({ budget: { capacityMs: 5, refillMsPerSecond: 100 } });
  const flooder = peer();
  const other = peer();
  const order: string[] = [];
  await work.run(flooder, true, busy(20));
  const late = work.run(flooder, true, () => Promise.resolve(void order.push('flooder')));
  const started = performance.now();
  await nextTurn();
  await work.run(other, true, () => Promise.resolve(void order.push('other')));
  await late;
  assert.deepEqual(order, ['other', 'flooder']);
  // 15 ms of debt at 100 ms a second: 150 ms at least (timers never fire early).
  assert.ok(performance.now() - started >= 140, `waited ${(performance.now() - started).toFixed(0)} ms`);
});

test('a connection whose replies are still unsent waits for its socket to take them', async () => {
  const work = scheduler();
  const reader = peer();
  reader.backlogBytes = 5000;
  let ran = false;
  const pending = work.run(reader, true, () => Promise.resolve(void (ran = true)));
  await nextTurn();
  await nextTurn();
  assert.equal(ran, false);
  reader.backlogBytes = 0;
  reader.drain();
  await pending;
  assert.equal(ran, true);
});

test('a send is measured up to its queueing: the next may start before the earlier one is stored', async () => {
  const work = scheduler();
  const sender = peer();
  let stored!: () => void;
  const storedLater = new Promise<void>((resolve) => (stored = resolve));
  let queued = false;
  const done = work.run(
    sender,
    false,
    (onQueued) => {
      onQueued!();
      return storedLater;
    },
    () => (queued = true),
  );
  assert.equal(queued, true);
  stored();
  await done;
});

test('after a unit the next waits as long as it took: units take at most half of the loop', async () => {
  const work = scheduler();
  const first = peer();
  const second = peer();
  let ended = 0;
  let started = 0;
  const a = work.run(first, true, async () => {
    await busy(10)();
    ended = performance.now();
  });
  const b = work.run(second, true, async () => {
    started = performance.now();
  });
  await Promise.all([a, b]);
  // The rest is measured as event-loop time, within a fraction of a millisecond of the wall clock
  // here; a slice of it (2 ms) is the burst units may run ahead.
  assert.ok(started - ended >= 7.5, `the next unit started ${(started - ended).toFixed(1)} ms after a 10 ms one`);
});

/** I/O the test answers by hand: each call returns a promise, resolved by `answer(i)`. */
function manualIo(): { io: { read(name: string): Promise<string> }; asked: string[]; answer(name: string): void } {
  const waiting = new Map<string, () => void>();
  const asked: string[] = [];
  return {
    io: {
      read(name: string) {
        asked.push(name);
        return new Promise<string>((resolve) => waiting.set(name, () => resolve(name)));
      },
    },
    asked,
    answer: (name) => waiting.get(name)!(),
  };
}

test('a unit waiting on watched I/O lets the next in: units wait for their reads together, and each resumes when its read answers', async () => {
  const work = scheduler();
  const { io: rawIo, asked, answer } = manualIo();
  const io = work.watchIo(rawIo);
  const order: string[] = [];
  const runs = ['a', 'b', 'c'].map((name) =>
    work.run(peer(), true, async () => {
      const got = await io.read(name);
      order.push(`${got} answered`);
    }),
  );
  while (asked.length < 3) await nextTurn();
  assert.deepEqual(asked, ['a', 'b', 'c'], 'every unit asked before any read answered');
  answer('b');
  answer('c');
  answer('a');
  await Promise.all(runs);
  assert.deepEqual(order, ['b answered', 'c answered', 'a answered']);
});

test('at most maxWaitingUnits units are in flight; the next is admitted when one ends', async () => {
  const work = scheduler({ maxWaitingUnits: 2 });
  const { io: rawIo, asked, answer } = manualIo();
  const io = work.watchIo(rawIo);
  const runs = ['a', 'b', 'c'].map((name) => work.run(peer(), true, async () => void (await io.read(name))));
  for (let turn = 0; turn < 5; turn++) await nextTurn();
  assert.deepEqual(asked, ['a', 'b'], 'the third unit waited for room');
  answer('a');
  while (asked.length < 3) await nextTurn();
  answer('b');
  answer('c');
  await Promise.all(runs);
});

test('a unit back from a pause is admitted though new units wait for room: the units in flight can always end', async () => {
  const work = scheduler({ maxWaitingUnits: 1 });
  const long = peer();
  const order: string[] = [];
  const done = work.run(long, true, async () => {
    for (let part = 0; part < 3; part++) {
      await busy(3)();
      order.push(`long ${part}`);
      if (part === 0) void work.run(peer(), true, () => Promise.resolve(void order.push('other')));
      await work.pause(long);
    }
  });
  await done;
  await nextTurn();
  assert.deepEqual(order, ['long 0', 'long 1', 'long 2', 'other']);
});

test('a unit awaiting I/O that is not watched holds the line only until the turn ends', async () => {
  const work = scheduler();
  const { io, answer } = manualIo();
  const order: string[] = [];
  const first = work.run(peer(), true, async () => void order.push(await io.read('unwatched')));
  const second = work.run(peer(), true, () => Promise.resolve(void order.push('second')));
  await second;
  assert.deepEqual(order, ['second']);
  answer('unwatched');
  await first;
});
