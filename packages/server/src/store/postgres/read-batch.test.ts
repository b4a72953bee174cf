/** How ReadBatch groups reads into loads; what the loads read is the store contract's (store-postgres.test.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReadBatch } from './read-batch.js';

/** A batch whose loads answer `key → key * 10` when released, recording each load's keys. */
function recorded(keysMax?: number) {
  const loads: number[][] = [];
  const release: Array<(fail?: Error) => void> = [];
  const batch = new ReadBatch<number, number | null>(
    (keys) =>
      new Promise((resolve, reject) => {
        loads.push([...keys]);
        release.push((fail) => (fail ? reject(fail) : resolve(new Map(keys.filter((key) => key >= 0).map((key) => [key, key * 10])))));
      }),
    null,
    keysMax,
  );
  return { batch, loads, release };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('ReadBatch', () => {
  it('reads asked for in one turn go as one load, a key asked twice once; a key the load leaves out gets the missing value', async () => {
    const { batch, loads, release } = recorded();
    const answers = Promise.all([batch.get(1), batch.get(2), batch.get(1), batch.get(-1)]);
    await turn();
    assert.deepEqual(loads, [[1, 2, -1]]);
    release[0]!();
    assert.deepEqual(await answers, [10, 20, 10, null]);
  });

  it('while two loads are in flight, later reads wait and go together when one comes back', async () => {
    const { batch, loads, release } = recorded();
    const first = batch.get(1);
    await turn();
    const second = batch.get(2);
    await turn();
    const waiting = [3, 4, 5].map((key) => batch.get(key));
    await turn();
    await turn();
    assert.deepEqual(loads, [[1], [2]], 'two in flight, the third waits');
    release[1]!();
    assert.equal(await second, 20);
    await turn();
    assert.deepEqual(loads, [[1], [2], [3, 4, 5]]);
    release[0]!();
    release[2]!();
    assert.deepEqual(await Promise.all([first, ...waiting]), [10, 30, 40, 50]);
  });

  it('a load carries at most 256 keys, or as many as it was told: the rest go next', async () => {
    const { batch, loads, release } = recorded();
    const answers = Promise.all(Array.from({ length: 300 }, (_, key) => batch.get(key)));
    await turn();
    await turn();
    assert.deepEqual(loads.map((keys) => keys.length), [256, 44]);
    release.forEach((go) => go());
    assert.deepEqual(await answers, Array.from({ length: 300 }, (_, key) => key * 10));

    const few = recorded(32);
    const fewAnswers = Promise.all(Array.from({ length: 70 }, (_, key) => few.batch.get(key)));
    await turn();
    await turn();
    assert.deepEqual(few.loads.map((keys) => keys.length), [32, 32], 'two in flight, the rest waits');
    few.release[0]!();
    await turn();
    await turn();
    assert.deepEqual(few.loads.map((keys) => keys.length), [32, 32, 6]);
    few.release.slice(1).forEach((go) => go());
    assert.deepEqual(await fewAnswers, Array.from({ length: 70 }, (_, key) => key * 10));
  });

  it('a failed load fails its own reads only, and the next load goes', async () => {
    const { batch, release } = recorded();
    const failed = Promise.allSettled([batch.get(1), batch.get(2)]);
    await turn();
    release[0]!(new Error('connection lost'));
    assert.deepEqual((await failed).map((result) => result.status), ['rejected', 'rejected']);
    const next = batch.get(3);
    await turn();
    release[1]!();
    assert.equal(await next, 30);
  });
});
