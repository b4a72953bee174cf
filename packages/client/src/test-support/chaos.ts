/**
 * The cluster's chaos run: several Parley nodes on one PostgreSQL and a Redis
 * of the run's own, behind a round-robin TCP proxy (no stickiness), and SDK
 * clients in several rooms sending all the while, as a node is killed with
 * SIGKILL (and restarted) at a steady pace, the nodes' pub/sub connections are
 * cut once and Redis is restarted once. Then it checks what the issue asks:
 * every client's view of every room equals the store's log (nothing lost,
 * duplicated or reordered), the clients of a killed node resumed within 5 s,
 * and presence shows no ghost 15 s after a node died.
 *
 * `npm run chaos` runs the long version (chaos-main.ts); a short one runs in
 * `npm test` (test/cluster-chaos.test.ts).
 */
import WebSocket from 'ws';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { startCluster, type Cluster } from '@parley/server/testing/cluster';
import { startRedisServer, type RedisServer } from '@parley/server/testing/redis-server';
import type { RoomEvent } from '@parley/protocol';
import { ParleyClient } from '../client.js';
import type { Transport } from '../types.js';
import { startRoundRobinProxy, type RoundRobinProxy } from './round-robin-proxy.js';

export interface ChaosOptions {
  nodes: number;
  clients: number;
  rooms: number;
  durationMs: number;
  /** A node is killed every this long (each in turn), and restarted `restartAfterMs` later. */
  killEveryMs: number;
  restartAfterMs: number;
  /** Each client sends one message every this long on average (to one of its rooms). */
  sendEveryMs: number;
  /** The clients' transport (default: websocket; `http`: the fallback, protocol.md §30). */
  transport?: Transport;
  log?: (line: string) => void;
}

export interface KillRecord {
  node: number;
  /** ms from the start of the run. */
  at: number;
  /** Clients that lost their connection within a second of the kill. */
  clients: number;
  /** Of them, how many resumed (reconnected and caught up every room) within 5 s of the kill. */
  resumedWithin5s: number;
  /** The slowest of them to resume, ms after the kill; null if one never did. */
  slowestMs: number | null;
}

export interface ChaosReport {
  options: Omit<ChaosOptions, 'log'>;
  sent: number;
  acked: number;
  /** Acked messages missing from the store (must be 0). */
  lost: number;
  /** Messages stored more than once (must be 0). */
  storedTwice: number;
  /** Per client and room, events seen twice, out of order, missing, or different from the store (must be 0). */
  viewErrors: string[];
  eventsCompared: number;
  kills: KillRecord[];
  /** Clients of killed nodes that resumed within 5 s, over all of them. */
  resumedWithin5s: number;
  clientsOfKilledNodes: number;
  /** After the last kill with the affected users gone: how long until every room's online count was right. */
  presenceSettledMs: number | null;
  ghosts: string[];
  durationMs: number;
}

const RESUME_BOUND_MS = 5000;
const GHOST_BOUND_MS = 15_000;

interface Tracked {
  client: ParleyClient;
  rooms: string[];
  /** Per room, the events the client was given, in order. */
  seen: Map<string, RoomEvent[]>;
  /** When its connection dropped and when it resumed (ms from the start), in order. */
  drops: number[];
  resumes: number[];
}

function exponential(meanMs: number): number {
  return -Math.log(1 - Math.random()) * meanMs;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  const now = () => performance.now() - started;
  const redis: RedisServer = await startRedisServer();
  let cluster: Cluster | null = null;
  let proxy: RoundRobinProxy | null = null;
  const tracked: Tracked[] = [];
  // Every client made, closed however the run ends: one left reconnecting keeps the process alive after a failure.
  const made: ParleyClient[] = [];
  // Cleared in `finally` too: a run that fails midway (a node that does not come back in time)
  // must stop its senders, or their timers keep the test process alive after the failure.
  let sending = true;
  try {
    cluster = await startCluster({ count: options.nodes, redisUrl: redis.url, env: { RATE_LIMITS: 'off', MAX_CONNECTIONS_PER_ADDRESS: '0' } });
    proxy = await startRoundRobinProxy(cluster.nodes.map((node) => node.port));
    log(`cluster: ${options.nodes} nodes on ${cluster.nodes.map((n) => n.port).join(', ')}, proxy on ${proxy.port}, Redis on ${redis.port}`);

    const make = (name: string) => {
      const client = new ParleyClient({ url: proxy!.url, credentials: { kind: 'guest', name }, WebSocket, transport: options.transport ?? 'websocket', initialHistory: 0, loadMembers: false });
      made.push(client);
      return client;
    };
    const founder = make('Founder');
    await founder.connect();
    const rooms: string[] = [];
    for (let r = 0; r < options.rooms; r++) rooms.push((await founder.createRoom(`Chaos ${r}`, 'public')).id);

    for (let i = 0; i < options.clients; i += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, options.clients - i) }, async (_, k) => {
          const n = i + k;
          const client = make(`Client ${n}`);
          const mine = [rooms[n % rooms.length]!, rooms[(n + 7) % rooms.length]!].filter((room, j, all) => all.indexOf(room) === j);
          const entry: Tracked = { client, rooms: mine, seen: new Map(mine.map((room) => [room, []])), drops: [], resumes: [] };
          client.on('event', (event) => entry.seen.get(event.room)?.push(event));
          client.on('status', (status) => status === 'reconnecting' && entry.drops.push(now()));
          client.on('resumed', () => entry.resumes.push(now()));
          await client.connect();
          for (const room of mine) await client.join(room);
          tracked.push(entry);
        }),
      );
    }
    log(`${tracked.length} clients connected, each in ${tracked[0]!.rooms.length} of ${rooms.length} rooms`);

    // Sending, all the while.
    const sends: Array<{ id: string; room: string; result: Promise<number | null> }> = [];
    const senders = tracked.map(async ({ client, rooms: mine }) => {
      while (sending) {
        await new Promise((resolve) => setTimeout(resolve, exponential(options.sendEveryMs)));
        if (!sending) break;
        const id = uuidv7();
        const room = mine[Math.floor(Math.random() * mine.length)]!;
        sends.push({ id, room, result: client.send(room, `chaos ${id}`, { id }).then((r) => r.seq, () => null) });
      }
    });

    // The faults.
    const kills: KillRecord[] = [];
    const chaosStart = now();
    const faults = (async () => {
      let k = 0;
      let pubsubCut = false;
      let redisRestarted = false;
      for (let at = options.killEveryMs; at < options.durationMs; at += options.killEveryMs, k++) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, chaosStart + at - now())));
        const node = k % options.nodes;
        const killedAt = now();
        await cluster!.kill(node);
        kills.push({ node, at: killedAt, clients: 0, resumedWithin5s: 0, slowestMs: null });
        log(`${(killedAt / 1000).toFixed(1)} s: killed node ${node}`);
        await new Promise((resolve) => setTimeout(resolve, options.restartAfterMs));
        await cluster!.restart(node);
        log(`${(now() / 1000).toFixed(1)} s: node ${node} back`);
        // Between kills: the pub/sub connections once, Redis once.
        if (!pubsubCut) {
          pubsubCut = true;
          await redis.command('CLIENT', 'KILL', 'TYPE', 'pubsub');
          log(`${(now() / 1000).toFixed(1)} s: killed every pub/sub connection`);
        } else if (!redisRestarted) {
          redisRestarted = true;
          await redis.restart();
          log(`${(now() / 1000).toFixed(1)} s: restarted Redis`);
        }
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, options.durationMs));
    await faults;
    sending = false;
    await Promise.all(senders);
    log(`${(now() / 1000).toFixed(1)} s: sending stopped; ${sends.length} sent`);

    // Every message the clients wrote is acked (their outboxes retry until it is).
    const seqs = await Promise.all(sends.map((send) => send.result));
    const acked = seqs.filter((seq) => seq !== null).length;

    // Resume times of the clients of each killed node: those whose connection dropped within a
    // second of the kill, until they had reconnected and caught every room up.
    for (const kill of kills) {
      const took: Array<number | null> = [];
      for (const entry of tracked) {
        const drop = entry.drops.find((t) => t >= kill.at && t < kill.at + 1000);
        if (drop === undefined) continue;
        const resumed = entry.resumes.find((t) => t >= drop);
        took.push(resumed === undefined ? null : resumed - kill.at);
      }
      kill.clients = took.length;
      kill.resumedWithin5s = took.filter((ms) => ms !== null && ms <= RESUME_BOUND_MS).length;
      kill.slowestMs = took.includes(null) ? null : Math.max(0, ...(took as number[]));
    }

    // Every client caught up, then its view of each room against the store.
    const db = new pg.Client({ connectionString: cluster.database.url });
    await db.connect();
    const viewErrors: string[] = [];
    let eventsCompared = 0;
    let lost = 0;
    let storedTwice = 0;
    try {
      const latest = new Map<string, number>();
      for (const room of rooms) {
        const { rows } = await db.query<{ last_seq: string }>('SELECT last_seq FROM rooms WHERE id = $1', [room]);
        latest.set(room, Number(rows[0]!.last_seq));
      }
      const caughtUp = () => tracked.every((entry) => entry.rooms.every((room) => (entry.seen.get(room)!.at(-1)?.seq ?? 0) >= latest.get(room)!));
      const deadline = performance.now() + 30_000;
      while (!caughtUp() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      for (const room of rooms) {
        const { rows } = await db.query<{ seq: string; kind: string; client_id: string | null }>(
          'SELECT seq, kind, client_id FROM events WHERE room_id = $1 ORDER BY seq',
          [room],
        );
        const log = new Map(rows.map((row) => [Number(row.seq), row]));
        for (const entry of tracked) {
          const seen = entry.seen.get(room);
          if (!seen || seen.length === 0) continue;
          const first = seen[0]!.seq;
          const expected = rows.filter((row) => Number(row.seq) >= first).map((row) => Number(row.seq));
          const got = seen.map((event) => event.seq);
          eventsCompared += got.length;
          if (got.join(',') !== expected.join(',')) {
            viewErrors.push(`${room} client ${tracked.indexOf(entry)}: saw ${got.length} events from ${first}, the log has ${expected.length}`);
            continue;
          }
          for (const event of seen) {
            const row = log.get(event.seq)!;
            if (row.kind !== event.kind || (event.kind === 'message' && row.client_id !== event.id)) {
              viewErrors.push(`${room} client ${tracked.indexOf(entry)}: seq ${event.seq} differs from the store`);
            }
          }
        }
      }
      // Every acked message is in the store once, at its seq.
      const { rows: stored } = await db.query<{ client_id: string; room_id: string; seq: string }>(
        `SELECT client_id, room_id, seq FROM events WHERE kind = 'message' AND body LIKE 'chaos %'`,
      );
      const byId = new Map<string, number>();
      for (const row of stored) byId.set(row.client_id, (byId.get(row.client_id) ?? 0) + 1);
      storedTwice = [...byId.values()].filter((count) => count > 1).length;
      const storedAt = new Map(stored.map((row) => [row.client_id, `${row.room_id}:${row.seq}`]));
      sends.forEach((send, i) => {
        const seq = seqs[i];
        if (seq !== null && storedAt.get(send.id) !== `${send.room}:${seq}`) lost++;
      });
    } finally {
      await db.end();
    }
    log(`compared ${eventsCompared} events seen by clients with the store: ${viewErrors.length} differences; ${lost} acked messages lost, ${storedTwice} stored twice`);

    // Presence: a node dies and the users who were only there are gone for good; within 15 s
    // every room's online count is the number of its members still connected.
    // Two thirds of the clients leave for good as node 0 dies (those that were on it cannot say
    // so), the others reconnect elsewhere.
    const staying = tracked.filter((_, i) => i % 3 === 0);
    for (const entry of tracked) if (!staying.includes(entry)) entry.client.close();
    const killedAt = performance.now();
    await cluster.kill(0);
    const observer = make('Observer');
    await observer.connect();
    // The founder is in every room and stays connected (reconnecting if it was on node 0).
    const expectedOnline = (room: string) => 1 + staying.filter((entry) => entry.rooms.includes(room)).length;
    const ghosts: string[] = [];
    let presenceSettledMs: number | null = null;
    for (;;) {
      const summaries = await observer.listRooms();
      const wrong = rooms.filter((room) => summaries.find((s) => s.id === room)?.online !== expectedOnline(room));
      if (wrong.length === 0) {
        presenceSettledMs = performance.now() - killedAt;
        break;
      }
      if (performance.now() - killedAt > GHOST_BOUND_MS + 10_000) {
        for (const room of wrong) ghosts.push(`${room}: ${summaries.find((s) => s.id === room)?.online} online, ${expectedOnline(room)} expected`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    observer.close();
    founder.close();
    log(`presence right ${presenceSettledMs === null ? 'never' : `${(presenceSettledMs / 1000).toFixed(1)} s`} after the node died`);

    const clientsOfKilledNodes = kills.reduce((sum, kill) => sum + kill.clients, 0);
    return {
      options: { nodes: options.nodes, clients: options.clients, rooms: options.rooms, durationMs: options.durationMs, killEveryMs: options.killEveryMs, restartAfterMs: options.restartAfterMs, sendEveryMs: options.sendEveryMs },
      sent: sends.length,
      acked,
      lost,
      storedTwice,
      viewErrors,
      eventsCompared,
      kills,
      resumedWithin5s: kills.reduce((sum, kill) => sum + kill.resumedWithin5s, 0),
      clientsOfKilledNodes,
      presenceSettledMs,
      ghosts,
      durationMs: now(),
    };
  } finally {
    sending = false;
    for (const client of made) client.close();
    await proxy?.close();
    await cluster?.stop();
    await redis.stop();
  }
}
