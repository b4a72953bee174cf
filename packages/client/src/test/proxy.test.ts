/**
 * A client whose connection is cut (by a TCP proxy between it and the server,
 * which keeps running) or goes silent catches up on everything it missed,
 * exactly once and in order.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { ParleyClient } from '../client.js';
import type { ConnectionStatus } from '../types.js';
import { startProxiedServer, assertOrdered, messagesOf, sleep, waitFor, within } from '../test-support/helpers.js';

function recordEvents(client: ParleyClient, room: string): number[] {
  const seqs: number[] = [];
  client.on('event', (event) => event.room === room && seqs.push(event.seq));
  return seqs;
}

function assertContiguous(seqs: readonly number[]): void {
  for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1]! + 1, `event ${seqs[i]} follows ${seqs[i - 1]}`);
}

it('a client cut off by the network catches up on what it missed, without duplicates', { timeout: 30_000 }, async (t) => {
  const { server, proxy, pool } = await startProxiedServer(t);
  const sender = pool.create(server.url, { kind: 'guest', name: 'sender' });
  const watcher = pool.create(server.url, { kind: 'guest', name: 'watcher' });
  const cutOff = pool.create(proxy.url, { kind: 'guest', name: 'cut' });
  await within('clients connect', Promise.all([sender.connect(), watcher.connect(), cutOff.connect()]));
  const seen = recordEvents(cutOff, 'lobby');
  const statuses: ConnectionStatus[] = [];
  cutOff.on('status', (status) => statuses.push(status));

  let sending = true;
  const sent: Array<Promise<unknown>> = [];
  const sending$ = (async () => {
    for (let i = 0; sending; i++) {
      sent.push(sender.send('lobby', `message ${i}`));
      await sleep(60);
    }
  })();
  await sleep(500);
  proxy.block();
  proxy.cut();
  await waitFor('the cut client notices', () => cutOff.status === 'reconnecting', 5000);
  await sleep(1200);
  proxy.unblock();
  await waitFor('the cut client is back', () => cutOff.status === 'open', 10_000);
  await sleep(400);
  sending = false;
  await sending$;
  await within('every send is acked', Promise.all(sent));

  const newest = sender.room('lobby')!.syncedSeq;
  await waitFor('the cut client catches up', () => (cutOff.room('lobby')?.syncedSeq ?? 0) >= newest && (watcher.room('lobby')?.syncedSeq ?? 0) >= newest);
  const expected = messagesOf(watcher, 'lobby').map((m) => m.id);
  const actual = messagesOf(cutOff, 'lobby').map((m) => m.id);
  assert.ok(expected.length >= 20, `enough messages were sent (${expected.length})`);
  assert.deepEqual(actual.slice(-expected.length), expected.slice(-actual.length));
  assert.equal(new Set(actual).size, actual.length, 'no duplicates');
  assert.ok(statuses.includes('reconnecting'));
  assertOrdered(cutOff, 'lobby');
  assertContiguous(seen);
  assert.equal(seen.at(-1), newest);
});

it('detects a connection that went silent (heartbeat loss) and reconnects', { timeout: 30_000 }, async (t) => {
  const { server, proxy, pool } = await startProxiedServer(t);
  const sender = pool.create(server.url, { kind: 'guest', name: 'sender' });
  const silent = pool.create(proxy.url, { kind: 'guest', name: 'silent' }, { heartbeat: { intervalMs: 300, timeoutMs: 300 } });
  await within('clients connect', Promise.all([sender.connect(), silent.connect()]));
  const seen = recordEvents(silent, 'lobby');
  const closes: Array<number | undefined> = [];
  silent.on('status', (status, info) => status === 'reconnecting' && closes.push(info.closeCode));

  proxy.stall();
  const stalledAt = Date.now();
  const missed: number[] = [];
  for (let i = 0; i < 5; i++) missed.push((await sender.send('lobby', `while silent ${i}`)).seq);
  await waitFor('the silent connection is declared dead', () => closes.length > 0, 5000);
  const detectedAfter = Date.now() - stalledAt;
  assert.ok(detectedAfter < 2000, `detected within interval + timeout and a tick (${detectedAfter} ms)`);
  assert.equal(closes[0], 4001, 'abandoned for the heartbeat');

  proxy.forward();
  await waitFor('reconnected', () => silent.status === 'open', 10_000);
  await waitFor('caught up', () => (silent.room('lobby')?.syncedSeq ?? 0) >= missed.at(-1)!);
  const bodies = messagesOf(silent, 'lobby').map((m) => m.body);
  for (let i = 0; i < 5; i++) assert.equal(bodies.filter((b) => b === `while silent ${i}`).length, 1);
  assertContiguous(seen);
});
