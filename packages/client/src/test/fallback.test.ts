/**
 * The HTTP fallback transport (protocol.md §30) end to end with the SDK:
 * behind a proxy that breaks WebSockets a client falls back on its own and
 * chats, and catches up after a cut; on a cluster with no sticky sessions,
 * its stream on one node and its POSTs on another, nothing is lost,
 * duplicated or reordered.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServerProcess } from '@parley/server/testing';
import { startCluster, type ClusterLink } from '@parley/server/testing/cluster';
import { skipWithoutPostgres } from '@parley/server/testing/postgres';
import { skipWithoutRedis } from '@parley/server/testing/redis';
import { FALLBACK_FRAMES_PATH, FALLBACK_STREAM_PATH } from '@parley/protocol';
import type { ParleyClient } from '../client.js';
import type { SendResult, Transport } from '../types.js';
import { startTcpProxy } from '../test-support/tcp-proxy.js';
import { ClientPool, assertOrdered, messagesOf, sleep, waitFor, within } from '../test-support/helpers.js';

function bodiesOf(client: ParleyClient, room: string): string[] {
  return messagesOf(client, room).map((m) => m.body);
}

it('behind a proxy that refuses WebSocket upgrades, a client falls back to HTTP on its own, chats, and catches up after a cut', { timeout: 60_000 }, async (t) => {
  const server = await startServerProcess();
  const proxy = await startTcpProxy(server.port, '127.0.0.1', { refuseUpgrades: true });
  const pool = new ClientPool();
  t.after(async () => {
    pool.closeAll();
    await proxy.close();
    await server.stop();
  });
  const direct = pool.create(server.url, { kind: 'guest', name: 'direct' });
  const blocked = pool.create(proxy.url, { kind: 'guest', name: 'blocked' });
  const transports: Array<Transport | undefined> = [];
  blocked.on('status', (status, info) => status === 'open' && transports.push(info.transport));
  await within('both clients connect', Promise.all([direct.connect(), blocked.connect()]), 20_000);
  assert.equal(direct.transport, 'websocket');
  assert.equal(blocked.transport, 'http', 'the blocked client is on the fallback');

  // Both ways, with acks.
  const fromBlocked = await within('a send over the fallback is acked', blocked.send('lobby', 'over http'));
  assert.ok(fromBlocked.seq > 0);
  await waitFor('the WebSocket client sees it', () => bodiesOf(direct, 'lobby').includes('over http'));
  await within('a send to the blocked client is acked', direct.send('lobby', 'over ws'));
  await waitFor('the blocked client sees it', () => bodiesOf(blocked, 'lobby').includes('over ws'));
  // A request and its reply (not only sends): a new room, joined by the other client.
  const room = await within('a room is created over the fallback', blocked.createRoom('fallback-room'));
  await within('the other joins it', direct.join(room.id));
  await within('and writes in it', direct.send(room.id, 'in the new room'));
  await waitFor('the blocked client sees it', () => bodiesOf(blocked, room.id).includes('in the new room'));

  // A cut while messages flow both ways: the blocked client reconnects (over HTTP again) and
  // catches up; every message is in both timelines once, in the same order.
  const sent: Array<Promise<SendResult>> = [];
  let sending = true;
  const loop = (async () => {
    for (let i = 0; sending; i++) {
      sent.push(direct.send('lobby', `ws ${i}`));
      sent.push(blocked.send('lobby', `http ${i}`));
      await sleep(50);
    }
  })();
  await sleep(400);
  proxy.cut();
  await waitFor('the blocked client notices', () => blocked.status !== 'open', 5000);
  await waitFor('the blocked client is back', () => blocked.status === 'open', 15_000);
  await sleep(400);
  sending = false;
  await loop;
  const results = await within('every send is acked', Promise.all(sent), 20_000);
  const newest = Math.max(...results.map((r) => r.seq));
  await waitFor('both timelines reach the newest message', () => [direct, blocked].every((c) => (c.room('lobby')?.syncedSeq ?? 0) >= newest));
  const ids = [direct, blocked].map((c) => messagesOf(c, 'lobby').map((m) => m.id));
  assert.deepEqual(ids[1], ids[0], 'the same messages in the same order');
  assert.equal(new Set(ids[1]).size, ids[1]!.length, 'no duplicates');
  for (const client of [direct, blocked]) assertOrdered(client, 'lobby');
  assert.ok(transports.length >= 2 && transports.every((tr) => tr === 'http'), `every connection of the blocked client was HTTP (${transports.join()})`);
});

it('falls back to HTTP when every WebSocket is cut soon after it opens, and stays up', { timeout: 60_000 }, async (t) => {
  const server = await startServerProcess();
  const proxy = await startTcpProxy(server.port, '127.0.0.1', { cutWebSocketsAfterMs: 300 });
  const pool = new ClientPool();
  t.after(async () => {
    pool.closeAll();
    await proxy.close();
    await server.stop();
  });
  const client = pool.create(proxy.url, { kind: 'guest', name: 'cut' });
  const ends: Array<{ code?: number; transport?: Transport }> = [];
  client.on('status', (status, info) => status === 'reconnecting' && ends.push({ code: info.closeCode, transport: info.transport }));
  await within('it connects', client.connect(), 20_000);
  await waitFor('it is on the fallback', () => client.transport === 'http' && client.status === 'open', 20_000);
  assert.ok(ends.filter((end) => end.transport === 'websocket').length >= 2, `WebSockets were cut first (${JSON.stringify(ends)})`);
  const cutsBefore = ends.length;
  // The proxy cuts no HTTP: the fallback connection stays, and works.
  await sleep(1000);
  await within('a send is acked', client.send('lobby', 'on the fallback at last'));
  assert.equal(client.status, 'open');
  assert.equal(ends.length, cutsBefore, 'no cut since');
});

const skip = (await skipWithoutPostgres()) || (await skipWithoutRedis());

/** A fetch that sends the stream to `streamBase` and every POST of frames to `postBase`: no two requests share a node. */
function splitFetch(streamBase: string, postBase: string, counts: { streams: number; posts: number }): typeof fetch {
  return (input, init) => {
    const url = new URL(String(input));
    if (url.pathname === FALLBACK_STREAM_PATH) {
      counts.streams++;
      return fetch(streamBase + url.pathname, init);
    }
    if (url.pathname === FALLBACK_FRAMES_PATH) {
      counts.posts++;
      return fetch(postBase + url.pathname, init);
    }
    return fetch(input, init);
  };
}

describe('on a 2-node cluster, a stream on one node and its POSTs on the other', { skip }, () => {
  for (const link of ['redis', 'postgres'] as const satisfies readonly ClusterLink[]) {
    it(`delivers every frame once, in order, with its ack (${link})`, { timeout: 90_000 }, async (t) => {
      const cluster = await startCluster({ count: 2, link });
      const pool = new ClientPool();
      t.after(async () => {
        pool.closeAll();
        await cluster.stop();
      });
      const a = cluster.nodes[0]!;
      const b = cluster.nodes[1]!;
      const counts = { streams: 0, posts: 0 };
      const split = pool.create(a.url, { kind: 'guest', name: 'split' }, { transport: 'http', fetch: splitFetch(a.url, b.url, counts) });
      const onA = pool.create(a.url, { kind: 'guest', name: 'on-a' });
      const onB = pool.create(b.url, { kind: 'guest', name: 'on-b' });
      await within('the clients connect', Promise.all([split.connect(), onA.connect(), onB.connect()]), 20_000);
      assert.equal(split.transport, 'http');

      // Larger than one bus payload (PostgreSQL's NOTIFY takes 8,000 bytes): relayed in parts.
      const large = '한'.repeat(3500);
      const bodies = ['first', large, ...Array.from({ length: 40 }, (_, i) => `burst ${i}`)];
      const results = await within('every send is acked', Promise.all(bodies.map((body) => split.send('lobby', body))), 30_000);
      for (let i = 1; i < results.length; i++) assert.ok(results[i]!.seq > results[i - 1]!.seq, 'stored in the order written');
      const room = await within('a request relayed across nodes is answered', split.createRoom('split-room'));
      assert.equal(room.name, 'split-room');
      const newest = results.at(-1)!.seq;
      for (const client of [split, onA, onB]) {
        await waitFor('every timeline has every message', () => (client.room('lobby')?.syncedSeq ?? 0) >= newest, 15_000);
        const seen = bodiesOf(client, 'lobby').filter((body) => bodies.includes(body));
        assert.deepEqual(seen, bodies, 'once each, in order');
        assertOrdered(client, 'lobby');
      }
      assert.ok(counts.posts >= 2, `the frames went to the other node in POSTs (${counts.posts})`);
    });
  }
});
