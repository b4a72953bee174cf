import { it } from 'node:test';
import assert from 'node:assert/strict';
import { ParleyError } from '@parley/protocol';
import { Outbox } from './outbox.js';

const DROPPED = new ParleyError('unavailable', 'discarded');

function outbox(): Outbox {
  return new Outbox(10, () => undefined, () => undefined);
}

it('discards a message only while the server cannot hold it', async () => {
  const box = outbox();
  const queued = box.add('lobby', 'never written', 'id-queued-1');
  assert.equal(box.discard('id-queued-1', DROPPED), true, 'queued, never written');
  await assert.rejects(queued, (error) => error === DROPPED);

  void box.add('lobby', 'written, ack lost', 'id-written-1').catch(() => undefined);
  box.takeQueued();
  assert.equal(box.discard('id-written-1', DROPPED), false, 'on its way');
  box.connectionLost();
  assert.equal(box.list()[0]!.state, 'queued');
  assert.equal(box.discard('id-written-1', DROPPED), false, 'written before the connection dropped: it may be stored');

  void box.add('lobby', 'refused', 'id-refused-1').catch(() => undefined);
  box.takeQueued();
  box.refused('id-refused-1', new ParleyError('rate_limited', 'slow down', 60_000));
  assert.equal(box.list().find((m) => m.id === 'id-refused-1')!.state, 'queued');
  assert.equal(box.discard('id-refused-1', DROPPED), true, 'refused: the server did not store it');
  box.clear(DROPPED);
});

it('hands out one message per room at a time, the next once the one before is stored', () => {
  const box = outbox();
  for (const [room, id] of [['a', 'id-a-00001'], ['a', 'id-a-00002'], ['b', 'id-b-00001'], ['a', 'id-a-00003']] as const) {
    void box.add(room, `${id} body`, id).catch(() => undefined);
  }
  assert.deepEqual(box.takeQueued().map((m) => m.id), ['id-a-00001', 'id-b-00001']);
  assert.deepEqual(box.takeQueued(), [], 'nothing more while they are on their way');
  box.acked('id-a-00001', { room: 'a', seq: 5, ts: 1, duplicate: false });
  assert.deepEqual(box.takeQueued().map((m) => m.id), ['id-a-00002']);
  box.clear(DROPPED);
});

it('a message refused as retryable is sent again before the later ones of its room, which wait for it to be stored', async () => {
  let woken = 0;
  const box = new Outbox(10, () => undefined, () => woken++);
  void box.add('a', 'first', 'id-first-1').catch(() => undefined);
  void box.add('a', 'second', 'id-second-1').catch(() => undefined);
  assert.deepEqual(box.takeQueued().map((m) => m.id), ['id-first-1']);
  box.refused('id-first-1', new ParleyError('rate_limited', 'slow down', 20));
  assert.deepEqual(box.takeQueued(), [], 'paused for retryAfterMs');
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.equal(woken, 1);
  assert.deepEqual(box.takeQueued().map((m) => m.id), ['id-first-1'], 'the refused one first, alone');
  box.acked('id-first-1', { room: 'a', seq: 7, ts: 1, duplicate: false });
  assert.deepEqual(box.takeQueued().map((m) => m.id), ['id-second-1']);
  box.clear(DROPPED);
});

it('rate_limited and unavailable refusals never count toward giving a message up; server errors do', async () => {
  const box = new Outbox(10, () => undefined, () => undefined);
  const kept = box.add('a', 'kept', 'id-kept-001');
  const refuse = async (id: string, error: ParleyError) => {
    for (let i = 0; i < 8; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const taken = box.takeQueued();
      if (taken.some((m) => m.id === id)) box.refused(id, error);
    }
  };
  await refuse('id-kept-001', new ParleyError('unavailable', 'restarting', 1));
  await refuse('id-kept-001', new ParleyError('rate_limited', 'slow down', 1));
  assert.equal(box.list().find((m) => m.id === 'id-kept-001')!.state, 'queued');
  box.clear(DROPPED);
  await assert.rejects(kept, (error) => error === DROPPED);

  const failing = new Outbox(10, () => undefined, () => undefined);
  const lost = assert.rejects(failing.add('a', 'lost', 'id-lost-001'), (error) => error instanceof ParleyError && error.code === 'internal');
  for (let i = 0; i < 5; i++) {
    failing.takeQueued();
    failing.refused('id-lost-001', new ParleyError('internal', 'bug', 1));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await lost;
});

it('a message refused by slow mode waits in its place, holding back only its room, and fails only for good reasons', async () => {
  let woken = 0;
  const box = new Outbox(10, () => undefined, () => woken++);
  for (const [room, id] of [['slow', 'id-slow-0001'], ['slow', 'id-slow-0002'], ['fast', 'id-fast-0001']] as const) {
    void box.add(room, `${id} body`, id).catch(() => undefined);
  }
  assert.deepEqual(box.takeQueued().map((m) => m.id), ['id-slow-0001', 'id-fast-0001']);
  box.refused('id-slow-0001', new ParleyError('slow_mode', 'wait', 50));
  box.acked('id-fast-0001', { room: 'fast', seq: 3, ts: 1, duplicate: false });
  void box.add('fast', 'next', 'id-fast-0002').catch(() => undefined);
  assert.deepEqual(box.takeQueued().map((m) => m.id), ['id-fast-0002'], 'the other room goes on');
  const waiting = box.list().find((m) => m.id === 'id-slow-0001')!;
  assert.deepEqual([waiting.state, waiting.waiting?.code], ['queued', 'slow_mode']);
  await new Promise((resolve) => setTimeout(resolve, 80));
  assert.equal(woken, 1);
  const [again] = box.takeQueued();
  assert.deepEqual([again?.id, again?.waiting], ['id-slow-0001', undefined], 'the refused one first, before its room’s later one');
  box.refused('id-slow-0001', new ParleyError('timed_out', 'muted', 60_000));
  assert.equal(box.list().find((m) => m.id === 'id-slow-0001')!.state, 'failed', 'a time-out fails it');
  box.clear(DROPPED);
});
