/**
 * The cluster's chaos run, short (the long one is `npm run chaos`): 3 nodes
 * behind a round-robin proxy, SDK clients sending throughout while nodes are
 * killed with SIGKILL, the pub/sub connections cut and Redis restarted — over
 * WebSockets, and over the HTTP fallback (protocol.md §30), whose POSTs the
 * proxy spreads over the nodes whatever node holds their stream.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { skipWithoutPostgres } from '@parley/server/testing/postgres';
import { skipWithoutRedis } from '@parley/server/testing/redis';
import { runChaos } from '../test-support/chaos.js';

const skip = (await skipWithoutPostgres()) || (await skipWithoutRedis());

type ChaosReport = Awaited<ReturnType<typeof runChaos>>;

/** What every chaos run must show: all acked, nothing lost or doubled, views equal to the log, resumes within 5 s, no ghost. */
function assertSurvived(report: ChaosReport, minAcked: number): void {
  console.log(`# ${JSON.stringify({ ...report, viewErrors: report.viewErrors.slice(0, 5) })}`);
  assert.ok(report.acked > minAcked, `${report.acked} messages acked`);
  assert.equal(report.acked, report.sent, 'every message written was acked in the end');
  assert.equal(report.lost, 0);
  assert.equal(report.storedTwice, 0);
  assert.deepEqual(report.viewErrors, []);
  assert.ok(report.clientsOfKilledNodes > 0);
  assert.ok(report.resumedWithin5s / report.clientsOfKilledNodes >= 0.99, `${report.resumedWithin5s} of ${report.clientsOfKilledNodes} resumed within 5 s`);
  assert.deepEqual(report.ghosts, []);
  assert.ok(report.presenceSettledMs !== null && report.presenceSettledMs <= 15_000, `presence settled after ${report.presenceSettledMs} ms`);
}

it('a cluster under chaos: nothing lost, duplicated or reordered; killed nodes\' clients resume within 5 s; no presence ghost after 15 s', { skip, timeout: 240_000 }, async () => {
  const report = await runChaos({
    nodes: 3,
    clients: 60,
    rooms: 6,
    durationMs: 24_000,
    killEveryMs: 6000,
    restartAfterMs: 1500,
    sendEveryMs: 1500,
    log: (line) => console.log(`# ${line}`),
  });
  assertSurvived(report, 100);
});

it('the same chaos over the HTTP fallback: nothing lost, duplicated or reordered; killed nodes\' clients resume within 5 s', { skip, timeout: 240_000 }, async () => {
  const report = await runChaos({
    nodes: 3,
    clients: 30,
    rooms: 4,
    durationMs: 18_000,
    killEveryMs: 6000,
    restartAfterMs: 1500,
    sendEveryMs: 1500,
    transport: 'http',
    log: (line) => console.log(`# ${line}`),
  });
  assertSurvived(report, 50);
});
