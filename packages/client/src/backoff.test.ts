import { it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';

it('grows the ceiling exponentially from 0.5 s up to 20 s, with full jitter below it', () => {
  const ceiling = (attempt: number) => backoffDelay(attempt, DEFAULT_BACKOFF, () => 0.999999);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map(ceiling), [500, 1000, 2000, 4000, 8000, 16000, 20000, 20000]);
  assert.equal(ceiling(1000), 20000, 'no overflow for very many attempts');
  assert.equal(backoffDelay(5, DEFAULT_BACKOFF, () => 0), 0, 'full jitter starts at zero');
  const samples = Array.from({ length: 200 }, () => backoffDelay(3, DEFAULT_BACKOFF));
  assert.ok(samples.every((d) => d >= 0 && d <= 4000));
  assert.ok(new Set(samples).size > 50, 'delays are spread out');
});
