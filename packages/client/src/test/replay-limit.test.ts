/**
 * A client away for longer than the server's replay bound is told it is too
 * far behind and pages history forward until it holds the complete log.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { ResumeResult, RoomEvent } from '@parley/protocol';
import { startProxiedServer, waitFor, within } from '../test-support/helpers.js';

it('pages history forward after being away longer than the replay bound', { timeout: 60_000 }, async (t) => {
  const { server, proxy, pool } = await startProxiedServer(t, { env: { REPLAY_LIMIT: '20', RATE_LIMITS: 'off' } });
  const sender = pool.create(server.url, { kind: 'guest', name: 'sender' }, { initialHistory: 0, outboxLimit: 1000 });
  const away = pool.create(proxy.url, { kind: 'guest', name: 'away' });
  await within('clients connect', Promise.all([sender.connect(), away.connect()]));
  const seen: RoomEvent[] = [];
  away.on('event', (event) => event.room === 'lobby' && seen.push(event));
  const resumed: ResumeResult[][] = [];
  away.on('resumed', (results) => resumed.push([...results]));
  const before = away.room('lobby')!.syncedSeq;

  proxy.block();
  proxy.cut();
  await waitFor('away is offline', () => away.status === 'reconnecting', 5000);
  // More than one history page (historyPageMax is 200), and far more than the replay bound.
  const missed = 450;
  const sent = await within('the sender sends', Promise.all(Array.from({ length: missed }, (_, i) => sender.send('lobby', `missed ${i}`))), 30_000);
  proxy.unblock();
  const newest = sent.at(-1)!.seq;
  await waitFor('away catches up', () => (away.room('lobby')?.syncedSeq ?? 0) >= newest, 20_000);
  await waitFor('resume reported', () => resumed.length > 0, 5000);

  assert.equal(resumed[0]!.find((r) => r.room === 'lobby')?.status, 'too_far_behind');
  assert.deepEqual(seen.map((e) => e.seq), Array.from({ length: newest - before }, (_, i) => before + 1 + i), 'every event once, in order');
  const fromServer: RoomEvent[] = [];
  for (let after = 0, more = true; more; ) {
    const page = await sender.history('lobby', { after, limit: 200 });
    fromServer.push(...page.events);
    more = page.hasAfter;
    after = page.events.at(-1)?.seq ?? after;
  }
  const timeline = away.room('lobby')!.timeline;
  assert.deepEqual(
    timeline.filter((item) => item.seq > before).map((item) => item.seq),
    fromServer.filter((e) => e.seq > before && e.kind !== 'edit' && e.kind !== 'delete' && e.kind !== 'reaction').map((e) => e.seq),
    'the timeline holds the complete log',
  );
  assert.deepEqual(
    timeline.filter((item) => item.kind === 'message').map((item) => (item.kind === 'message' ? item.body : '')),
    sent.map((_, i) => `missed ${i}`),
  );
});
