/**
 * The reconnect storm, short (the long one is `npm run storm`): every client of a node that
 * dies comes back through the survivors and catches up, with no gap left in any view and no
 * resume refused, while a sender keeps posting.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { skipWithoutPostgres } from '@parley/server/testing/postgres';
import { skipWithoutRedis } from '@parley/server/testing/redis';
import { runStorm } from '../test-support/storm.js';

const skip = (await skipWithoutPostgres()) || (await skipWithoutRedis());

it('a reconnect storm: every client of a killed node catches up through the survivors, views whole', { skip, timeout: 240_000 }, async () => {
  const report = await runStorm({ nodes: 3, clients: 150, rooms: 15, sendEveryMs: 500, log: (line) => console.log(line) });
  console.log(JSON.stringify(report));
  assert.equal(report.clients, 150);
  assert.ok(report.sentDuringStorm > 0, 'the sender kept posting through the storm');
  assert.equal(report.notCaughtUp, 0);
  assert.equal(report.resumesNotOk, 0);
  assert.equal(report.viewErrors, 0);
});
