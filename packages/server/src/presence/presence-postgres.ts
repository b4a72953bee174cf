/**
 * Presence shared by the nodes of a cluster through PostgreSQL, for a cluster
 * with no Redis. The same model as presence-redis.ts, in UNLOGGED tables (no
 * WAL: presence is rebuilt by the nodes, never restored from a crash):
 *
 *   parley_presence_nodes       a node's last heartbeat (ms, PostgreSQL's clock)
 *   parley_presence_node_users  the users online on each node
 *   parley_presence_user_rooms  an online user's rooms (to leave when they go offline)
 *   parley_presence_rooms       each room's online members
 *   parley_presence_versions    each room's version: grows with every change
 *
 * Every change is one transaction holding the user's advisory lock, so two
 * nodes changing one user cannot both decide they came (or went) first.
 * Each node keeps its own users' connection counts and rooms in memory and
 * writes only when a user's first connection on it opens or the last closes.
 * A node silent for NODE_TTL_MS is reaped by whichever node notices first;
 * a live node that finds itself reaped (its heartbeat inserts its row) puts
 * its users back.
 */
import type pg from 'pg';
import { newClient } from '../store/postgres/connect.js';
import type { Presence, PresenceEvents, RoomOnline } from './presence.js';

export interface PostgresPresenceOptions {
  url: string;
  /** This node's id, unique in the cluster (a new one at each start). */
  node: string;
  heartbeatMs?: number;
  nodeTtlMs?: number;
  /** Put before the tables' names: installations (or test runs) sharing one database stay apart. */
  tablePrefix?: string;
}

const HEARTBEAT_MS = 2000;
const NODE_TTL_MS = 10_000;
const NOW_MS = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;
const NOW_US = `(extract(epoch from clock_timestamp()) * 1000000)::bigint`;

interface LocalUser {
  connections: number;
  rooms: Set<string>;
}

export class PostgresPresence implements Presence {
  readonly #url: string;
  readonly #node: string;
  readonly #heartbeatMs: number;
  readonly #nodeTtlMs: number;
  readonly #t: { nodes: string; nodeUsers: string; userRooms: string; rooms: string; versions: string };
  readonly #local = new Map<string, LocalUser>();
  #client: pg.Client | null = null;
  #connecting: Promise<pg.Client> | null = null;
  /** Transactions go one after another on the one connection. */
  #queue: Promise<unknown> = Promise.resolve();
  #events: PresenceEvents | null = null;
  #timer: NodeJS.Timeout | null = null;
  #heartbeats = 0;

  constructor(options: PostgresPresenceOptions) {
    this.#url = options.url;
    this.#node = options.node;
    this.#heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
    this.#nodeTtlMs = options.nodeTtlMs ?? NODE_TTL_MS;
    const prefix = options.tablePrefix ?? 'parley_presence_';
    this.#t = { nodes: `${prefix}nodes`, nodeUsers: `${prefix}node_users`, userRooms: `${prefix}user_rooms`, rooms: `${prefix}rooms`, versions: `${prefix}versions` };
  }

  async start(events: PresenceEvents): Promise<void> {
    this.#events = events;
    const t = this.#t;
    await this.#transaction(async (c) => {
      // Nodes starting together create the tables once.
      await c.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [t.nodes]);
      await c.query(`CREATE UNLOGGED TABLE IF NOT EXISTS ${t.nodes} (node text PRIMARY KEY, heartbeat_at bigint NOT NULL)`);
      await c.query(`CREATE UNLOGGED TABLE IF NOT EXISTS ${t.nodeUsers} (node text NOT NULL, user_id text NOT NULL, PRIMARY KEY (node, user_id))`);
      await c.query(`CREATE INDEX IF NOT EXISTS ${t.nodeUsers}_user ON ${t.nodeUsers} (user_id)`);
      await c.query(`CREATE UNLOGGED TABLE IF NOT EXISTS ${t.userRooms} (user_id text NOT NULL, room_id text NOT NULL, PRIMARY KEY (user_id, room_id))`);
      await c.query(`CREATE UNLOGGED TABLE IF NOT EXISTS ${t.rooms} (room_id text NOT NULL, user_id text NOT NULL, PRIMARY KEY (room_id, user_id))`);
      await c.query(`CREATE UNLOGGED TABLE IF NOT EXISTS ${t.versions} (room_id text PRIMARY KEY, version bigint NOT NULL)`);
    });
    await this.#tick();
    this.#timer = setInterval(() => void this.#tick(), this.#heartbeatMs);
    this.#timer.unref();
  }

  async connected(userId: string, rooms: Iterable<string>): Promise<readonly string[]> {
    const local = this.#local.get(userId);
    if (local) {
      local.connections++;
      return [];
    }
    const user: LocalUser = { connections: 1, rooms: new Set(rooms) };
    this.#local.set(userId, user);
    return this.#call('connect', (c) => this.#connect(c, userId, [...user.rooms]), []);
  }

  async disconnected(userId: string): Promise<readonly string[]> {
    const local = this.#local.get(userId);
    if (!local) return [];
    if (--local.connections > 0) return [];
    this.#local.delete(userId);
    return this.#call('disconnect', (c) => this.#disconnect(c, this.#node, userId), []);
  }

  async joined(roomId: string, userId: string): Promise<boolean> {
    this.#local.get(userId)?.rooms.add(roomId);
    const t = this.#t;
    return this.#call(
      'joined',
      async (c) => {
        await this.#lockUser(c, userId);
        const online = await c.query(`SELECT 1 FROM ${t.nodeUsers} WHERE user_id = $1 LIMIT 1`, [userId]);
        if (online.rowCount === 0) return false;
        await c.query(`INSERT INTO ${t.userRooms} (user_id, room_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [userId, roomId]);
        return (await this.#addToRooms(c, userId, [roomId])).length === 1;
      },
      false,
    );
  }

  async left(roomId: string, userId: string): Promise<boolean> {
    this.#local.get(userId)?.rooms.delete(roomId);
    const t = this.#t;
    return this.#call(
      'left',
      async (c) => {
        await this.#lockUser(c, userId);
        await c.query(`DELETE FROM ${t.userRooms} WHERE user_id = $1 AND room_id = $2`, [userId, roomId]);
        return (await this.#removeFromRooms(c, userId, [roomId])).length === 1;
      },
      false,
    );
  }

  async isOnline(userIds: readonly string[]): Promise<boolean[]> {
    if (userIds.length === 0) return [];
    const online = await this.#call(
      'isOnline',
      async (c) => new Set((await c.query<{ user_id: string }>(`SELECT DISTINCT user_id FROM ${this.#t.nodeUsers} WHERE user_id = ANY($1)`, [userIds])).rows.map((r) => r.user_id)),
      null,
    );
    return userIds.map((id) => online?.has(id) ?? this.#local.has(id));
  }

  async online(roomIds: readonly string[]): Promise<RoomOnline[]> {
    if (roomIds.length === 0) return [];
    const t = this.#t;
    const rows = await this.#call(
      'online',
      async (c) =>
        (
          await c.query<{ room_id: string; online: number; version: number }>(
            `SELECT r.id AS room_id,
               (SELECT count(*) FROM ${t.rooms} p WHERE p.room_id = r.id) AS online,
               coalesce((SELECT version FROM ${t.versions} v WHERE v.room_id = r.id), 0) AS version
             FROM unnest($1::text[]) AS r(id)`,
            [roomIds],
          )
        ).rows,
      [],
    );
    const byRoom = new Map(rows.map((row) => [row.room_id, row]));
    return roomIds.map((id) => ({ online: byRoom.get(id)?.online ?? 0, version: byRoom.get(id)?.version ?? 0 }));
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    for (const userId of [...this.#local.keys()]) {
      this.#local.get(userId)!.connections = 1;
      await this.disconnected(userId);
    }
    await this.#call('close', (c) => c.query(`DELETE FROM ${this.#t.nodes} WHERE node = $1`, [this.#node]), null);
    this.#events = null;
    await this.#queue;
    await this.#client?.end().catch(() => undefined);
  }

  /** Stops heartbeating without telling anyone, as a node killed with SIGKILL does (tests). */
  abandon(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#events = null;
    void this.#client?.end().catch(() => undefined);
    this.#client = null;
  }

  async #connect(c: pg.ClientBase, userId: string, rooms: readonly string[]): Promise<string[]> {
    const t = this.#t;
    await this.#lockUser(c, userId);
    await c.query(`INSERT INTO ${t.nodeUsers} (node, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [this.#node, userId]);
    if (rooms.length === 0) return [];
    await c.query(`INSERT INTO ${t.userRooms} (user_id, room_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`, [userId, rooms]);
    return this.#addToRooms(c, userId, rooms);
  }

  /** Takes `userId` off `node`; returns the rooms where they went offline (none while another node has them). */
  async #disconnect(c: pg.ClientBase, node: string, userId: string): Promise<string[]> {
    const t = this.#t;
    await this.#lockUser(c, userId);
    await c.query(`DELETE FROM ${t.nodeUsers} WHERE node = $1 AND user_id = $2`, [node, userId]);
    const elsewhere = await c.query(`SELECT 1 FROM ${t.nodeUsers} WHERE user_id = $1 LIMIT 1`, [userId]);
    if ((elsewhere.rowCount ?? 0) > 0) return [];
    const rooms = (await c.query<{ room_id: string }>(`DELETE FROM ${t.userRooms} WHERE user_id = $1 RETURNING room_id`, [userId])).rows.map((r) => r.room_id);
    return this.#removeFromRooms(c, userId, rooms);
  }

  async #addToRooms(c: pg.ClientBase, userId: string, rooms: readonly string[]): Promise<string[]> {
    const added = await c.query<{ room_id: string }>(
      `INSERT INTO ${this.#t.rooms} (room_id, user_id) SELECT unnest($2::text[]), $1 ON CONFLICT DO NOTHING RETURNING room_id`,
      [userId, rooms],
    );
    return this.#bump(c, added.rows.map((r) => r.room_id));
  }

  async #removeFromRooms(c: pg.ClientBase, userId: string, rooms: readonly string[]): Promise<string[]> {
    if (rooms.length === 0) return [];
    const removed = await c.query<{ room_id: string }>(`DELETE FROM ${this.#t.rooms} WHERE user_id = $1 AND room_id = ANY($2) RETURNING room_id`, [userId, rooms]);
    return this.#bump(c, removed.rows.map((r) => r.room_id));
  }

  /** Moves the rooms' versions on: at least one more, and never behind PostgreSQL's clock in µs (so they keep growing after the tables are lost). */
  async #bump(c: pg.ClientBase, rooms: string[]): Promise<string[]> {
    if (rooms.length === 0) return rooms;
    await c.query(
      `INSERT INTO ${this.#t.versions} (room_id, version) SELECT unnest($1::text[]), ${NOW_US}
       ON CONFLICT (room_id) DO UPDATE SET version = greatest(${this.#t.versions}.version + 1, ${NOW_US})`,
      [rooms],
    );
    return rooms;
  }

  #lockUser(c: pg.ClientBase, userId: string): Promise<unknown> {
    return c.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`${this.#t.nodes}:${userId}`]);
  }

  async #tick(): Promise<void> {
    const t = this.#t;
    const inserted = await this.#call(
      'heartbeat',
      async (c) =>
        (
          await c.query<{ inserted: boolean }>(
            `INSERT INTO ${t.nodes} (node, heartbeat_at) VALUES ($1, ${NOW_MS})
             ON CONFLICT (node) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at RETURNING (xmax = 0) AS inserted`,
            [this.#node],
          )
        ).rows[0]!.inserted,
      false,
    );
    // Taken for dead and reaped by another node (or the tables were lost): this node's users are online all the same.
    if (inserted && this.#heartbeats++ > 0) await this.#restore();
    const dead = await this.#call(
      'reap',
      async (c) => (await c.query<{ node: string }>(`SELECT node FROM ${t.nodes} WHERE heartbeat_at < ${NOW_MS} - $1`, [this.#nodeTtlMs])).rows.map((r) => r.node),
      [] as string[],
    );
    const changes: Array<{ userId: string; rooms: string[] }> = [];
    for (const node of dead) {
      const users = await this.#call(
        'reap',
        async (c) => {
          // Whoever deletes the node's row reaps it; another node reaping at once finds it gone.
          const claimed = await c.query(`DELETE FROM ${t.nodes} WHERE node = $1 AND heartbeat_at < ${NOW_MS} - $2`, [node, this.#nodeTtlMs]);
          if (claimed.rowCount === 0) return [];
          return (await c.query<{ user_id: string }>(`SELECT user_id FROM ${t.nodeUsers} WHERE node = $1`, [node])).rows.map((r) => r.user_id);
        },
        [] as string[],
      );
      for (const userId of users) {
        const rooms = await this.#call('reap', (c) => this.#disconnect(c, node, userId), []);
        if (rooms.length > 0) changes.push({ userId, rooms });
      }
    }
    if (changes.length > 0) this.#events?.expired(changes);
  }

  async #restore(): Promise<void> {
    const changes: Array<{ userId: string; rooms: string[] }> = [];
    for (const [userId, user] of this.#local) {
      const rooms = await this.#call('restore', (c) => this.#connect(c, userId, [...user.rooms]), []);
      if (rooms.length > 0) changes.push({ userId, rooms });
    }
    if (changes.length > 0) this.#events?.restored(changes);
  }

  /** Runs `body` in a transaction of its own, one at a time; on failure reports it and answers `fallback`. */
  async #call<T>(where: string, body: (client: pg.ClientBase) => Promise<T>, fallback: T): Promise<T> {
    try {
      return await this.#transaction(body);
    } catch (error) {
      this.#events?.error(`postgres presence ${where}`, error as Error);
      return fallback;
    }
  }

  #transaction<T>(body: (client: pg.ClientBase) => Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => {
      const client = await this.#connection();
      await client.query('BEGIN');
      try {
        const result = await body(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #connection(): Promise<pg.Client> {
    if (this.#client) return Promise.resolve(this.#client);
    this.#connecting ??= (async () => {
      const client = newClient(this.#url, 'parley-presence');
      client.on('error', (error) => {
        this.#events?.error('postgres presence', error);
        if (this.#client === client) this.#client = null;
        client.end().catch(() => undefined);
      });
      try {
        await client.connect();
        this.#client = client;
        return client;
      } finally {
        this.#connecting = null;
      }
    })();
    return this.#connecting;
  }
}
