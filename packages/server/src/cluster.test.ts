/**
 * Several nodes on one PostgreSQL, linked by Redis or by PostgreSQL itself,
 * driven by raw WebSocket clients that each reach a node of their own:
 * everything a single node does works across nodes, and nothing is lost when
 * a node or the link fails.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { AckFrame, EventFrame, MessageEvent, PresenceFrame, RoomSummary } from '@parley/protocol';
import { CLOSE } from '@parley/protocol';
import { startCluster, type Cluster, type ClusterLink } from './testing/cluster.js';
import pg from 'pg';
import { skipWithoutPostgres } from './testing/postgres.js';
import { skipWithoutRedis } from './testing/redis.js';
import { startRedisServer, type RedisServer } from './testing/redis-server.js';
import type { ServerProcess } from './testing/server-process.js';
import { connectRaw, guest, type RawClient } from './testing/ws-client.js';

const skipPostgres = await skipWithoutPostgres();
const skip = skipPostgres || (await skipWithoutRedis());
const ENV = { RATE_LIMITS: 'off' };

interface Person {
  token: string;
  user: { id: string; username: string; name: string };
  client: RawClient;
}

async function enter(node: ServerProcess, name: string, open: RawClient[]): Promise<Person> {
  const g = await guest(node.url, name);
  const client = await connectRaw(node.wsUrl, { token: g.token });
  open.push(client);
  return { ...g, client };
}

/** Waits until `check` holds, polling. */
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await delay(25);
  }
  return performance.now() - started;
}

const messages = (client: RawClient, room: string) =>
  client.frames.flatMap((f) => (f.type === 'event' && f.event.room === room && f.event.kind === 'message' ? [(f.event as MessageEvent).body] : []));

const seqs = (client: RawClient, room: string) =>
  client.frames.flatMap((f) => (f.type === 'event' && f.event.room === room ? [(f as EventFrame).event.seq] : []));

/** The latest presence count a client was told for a room. */
const online = (client: RawClient, room: string) => client.frames.filter((f): f is PresenceFrame => f.type === 'presence' && f.room === room).at(-1)?.online;

interface Setup {
  link?: ClusterLink;
  redis?: RedisServer;
}

async function withCluster(count: number, body: (cluster: Cluster, open: RawClient[]) => Promise<void>, setup: Setup = {}): Promise<void> {
  const cluster = await startCluster({ count, env: ENV, link: setup.link ?? 'redis', ...(setup.redis ? { redisUrl: setup.redis.url } : {}) });
  const open: RawClient[] = [];
  try {
    await body(cluster, open);
  } finally {
    for (const client of open) client.close();
    await cluster.stop();
  }
}

/** What every cluster does, whichever link its nodes have. */
function itWorksAcrossNodes(link: ClusterLink): void {
  it('messages, typing, presence, renames and rooms reach every node; a logout closes the sessions\'s sockets on every node', async () => {
    await withCluster(3, async ({ nodes }, open) => {
      const ann = await enter(nodes[0]!, 'Ann', open);
      const bob = await enter(nodes[1]!, 'Bob', open);
      const cat = await enter(nodes[2]!, 'Cat', open);
      await until('everyone counted online in the lobby', () => [ann, bob, cat].every((p) => online(p.client, 'lobby') === 3));

      const sent = await ann.client.request<AckFrame<'send'>>({ type: 'send', id: 'across-000001', room: 'lobby', body: 'hello, nodes' });
      for (const person of [ann, bob, cat]) await person.client.waitFor((f) => f.type === 'event' && f.event.seq === sent.seq);

      bob.client.send({ type: 'typing', room: 'lobby' });
      await cat.client.waitFor((f) => f.type === 'typing' && f.user.id === bob.user.id);

      const { room } = await cat.client.request<AckFrame<'create'>>({ type: 'create', name: 'Across', kind: 'private' });
      await cat.client.request({ type: 'invite', room: room.id, username: ann.user.username });
      await ann.client.waitFor((f) => f.type === 'room' && f.room.id === room.id);
      const inRoom = await ann.client.request<AckFrame<'send'>>({ type: 'send', id: 'across-000002', room: room.id, body: 'in the new room' });
      await cat.client.waitFor((f) => f.type === 'event' && f.event.room === room.id && f.event.seq === inRoom.seq);

      await bob.client.request({ type: 'rename', name: 'Robert' });
      await ann.client.waitFor((f) => f.type === 'event' && f.event.kind === 'rename' && f.event.user.id === bob.user.id);

      // A second socket of Ann's session on another node, then a logout through a third node.
      const annElsewhere = await connectRaw(nodes[1]!.wsUrl, { token: ann.token });
      open.push(annElsewhere);
      const loggedOut = performance.now();
      const response = await fetch(`${nodes[2]!.url}/api/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${ann.token}` } });
      assert.equal(response.status, 204);
      const [first, second] = await Promise.all([ann.client.closed, annElsewhere.closed]);
      const took = performance.now() - loggedOut;
      assert.deepEqual([first.code, second.code], [CLOSE.sessionEnded, CLOSE.sessionEnded]);
      assert.ok(took < 1000, `both sockets closed ${Math.round(took)} ms after the logout`);
      console.log(`# logout closed the session's sockets on two other nodes in ${Math.round(took)} ms`);
    }, { link });
  });

  it('the users of a node killed with SIGKILL go offline for the others within 15 s; their clients resume on another node', async () => {
    await withCluster(2, async (cluster, open) => {
      const [one, two] = cluster.nodes;
      const stays = await enter(two!, 'Stays', open);
      const leaves = await enter(one!, 'Leaves', open);
      await until('both online', () => online(stays.client, 'lobby') === 2);
      await cluster.kill(0);
      const killed = performance.now();
      await until('the dead node\'s user offline for the other', () => online(stays.client, 'lobby') === 1, 40_000);
      const took = performance.now() - killed;
      console.log(`# a dead node's user went offline for the others after ${(took / 1000).toFixed(1)} s`);
      assert.ok(took <= 15_000, `${Math.round(took)} ms`);
      const offline = stays.client.frames.filter((f): f is PresenceFrame => f.type === 'presence').at(-1)!;
      assert.deepEqual(offline.changes.map((c) => [c.user.id, c.status]), [[leaves.user.id, 'offline']]);
      // Back on the surviving node, with the same session: resume finds what was missed.
      const sent = await stays.client.request<AckFrame<'send'>>({ type: 'send', id: 'missed-000001', room: 'lobby', body: 'while you were away' });
      const back = await connectRaw(two!.wsUrl, { token: leaves.token });
      open.push(back);
      const resumed = await back.request<AckFrame<'resume'>>({ type: 'resume', rooms: [{ room: 'lobby', after: sent.seq - 1 }] });
      assert.equal(resumed.rooms[0]!.status, 'ok');
      assert.deepEqual(messages(back, 'lobby'), ['while you were away']);
    }, { link });
  });

}

describe('a cluster of nodes on PostgreSQL and Redis', { skip, timeout: 120_000 }, () => {
  itWorksAcrossNodes('redis');

  it('events published while the nodes\' pub/sub connections were cut, or while Redis was down, reach everyone once, in order', async () => {
    const redis = await startRedisServer();
    try {
      await withCluster(
        2,
        async ({ nodes }, open) => {
          const ann = await enter(nodes[0]!, 'Ann', open);
          const bob = await enter(nodes[1]!, 'Bob', open);
          let n = 0;
          const send = async (count: number) => {
            const acks: number[] = [];
            for (let i = 0; i < count; i++) {
              const id = `outage-${String(++n).padStart(6, '0')}`;
              acks.push((await ann.client.request<AckFrame<'send'>>({ type: 'send', id, room: 'lobby', body: id })).seq);
            }
            return acks;
          };
          const acked = await send(5);
          await redis.command('CLIENT', 'KILL', 'TYPE', 'pubsub');
          acked.push(...(await send(10)));
          // Redis gone: sends are still stored and acked; the other node catches up once it is back.
          await redis.kill();
          acked.push(...(await send(10)));
          await redis.start();
          acked.push(...(await send(5)));
          const tookMs = await until('bob has every acked message', () => acked.every((seq) => seqs(bob.client, 'lobby').includes(seq)), 15_000);
          console.log(`# after a pub/sub cut and a Redis outage, the other node had every message ${Math.round(tookMs)} ms after the last ack`);
          const got = seqs(bob.client, 'lobby').filter((seq) => seq >= acked[0]!);
          assert.deepEqual(got, [...new Set(got)].sort((a, b) => a - b), 'once each, in order');
          assert.deepEqual(messages(bob.client, 'lobby').filter((body) => body.startsWith('outage-')), Array.from({ length: n }, (_, i) => `outage-${String(i + 1).padStart(6, '0')}`));
          // Presence came back with Redis: both are online again for each other.
          await until('presence restored after the restart', async () => {
            const rooms = await bob.client.request<AckFrame<'rooms'>>({ type: 'rooms' });
            return rooms.rooms.find((room: RoomSummary) => room.id === 'lobby')?.online === 2;
          }, 10_000);
        },
        { redis },
      );
    } finally {
      await redis.stop();
    }
  });
});

describe('a cluster of nodes linked through PostgreSQL alone (CLUSTER=postgres)', { skip: skipPostgres, timeout: 120_000 }, () => {
  itWorksAcrossNodes('postgres');

  it('events published while every connection of the nodes to the database was cut reach everyone once, in order', async () => {
    await withCluster(
      2,
      async ({ nodes, database }, open) => {
        const ann = await enter(nodes[0]!, 'Ann', open);
        const bob = await enter(nodes[1]!, 'Bob', open);
        await until('both online', () => online(bob.client, 'lobby') === 2);
        let n = 0;
        const acked: number[] = [];
        const send = async (count: number) => {
          for (let i = 0; i < count; i++) {
            const id = `cut-${String(++n).padStart(6, '0')}`;
            acked.push((await ann.client.request<AckFrame<'send'>>({ type: 'send', id, room: 'lobby', body: id })).seq);
          }
        };
        await send(5);
        // As a restart of PostgreSQL or a network fault would: the store's, the bus's and presence's connections all end.
        const admin = new pg.Client({ connectionString: database.url });
        await admin.connect();
        try {
          const { rows } = await admin.query<{ ended: boolean }>('SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
          assert.ok(rows.length >= 4, `${rows.length} connections cut`);
        } finally {
          await admin.end();
        }
        await send(10);
        const tookMs = await until('bob has every acked message', () => acked.every((seq) => seqs(bob.client, 'lobby').includes(seq)), 15_000);
        console.log(`# after every database connection was cut, the other node had every message ${Math.round(tookMs)} ms after the last ack`);
        const got = seqs(bob.client, 'lobby').filter((seq) => seq >= acked[0]!);
        assert.deepEqual(got, [...new Set(got)].sort((a, b) => a - b), 'once each, in order');
        assert.deepEqual(messages(bob.client, 'lobby').filter((body) => body.startsWith('cut-')), Array.from({ length: n }, (_, i) => `cut-${String(i + 1).padStart(6, '0')}`));
        await until('presence still right after the cut', async () => {
          const rooms = await bob.client.request<AckFrame<'rooms'>>({ type: 'rooms' });
          return rooms.rooms.find((room: RoomSummary) => room.id === 'lobby')?.online === 2;
        }, 10_000);
      },
      { link: 'postgres' },
    );
  });
});
