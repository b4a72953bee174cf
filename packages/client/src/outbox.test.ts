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
