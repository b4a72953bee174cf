/**
 * Presence shared by the nodes of a cluster through Redis. Every change is
 * one Lua script (atomic across nodes); times come from Redis's clock, so the
 * nodes' clocks may disagree. Keys, under the prefix:
 *
 *   nodes                 ZSET  node → its last heartbeat (ms)
 *   node:<node>:users     SET   the users online on that node
 *   user:<user>:nodes     SET   the nodes a user is online on (gone: offline)
 *   user:<user>:rooms     SET   an online user's rooms (to leave when they go offline)
 *   room:<room>           SET   a room's online members
 *   room:<room>:v         the room's version: grows with each change, never
 *                         back (Redis's time in µs when ahead of the count,
 *                         so that it keeps growing across a Redis restart)
 *
 * Each node keeps its own users' connection counts and rooms in memory: it
 * calls Redis only when a user's first connection on the node opens or the
 * last closes, and it writes all of its entries again when Redis comes back
 * (Redis may have lost them). A node that stops heartbeating for NODE_TTL_MS
 * is reaped by whichever node notices first: its users leave the rooms they
 * are online in nowhere else, and `expired` reports it.
 */
import { Redis } from 'ioredis';
import type { Presence, PresenceEvents, RoomOnline } from './presence.js';

export interface RedisPresenceOptions {
  url: string;
  prefix: string;
  /** This node's id, unique in the cluster (a new one at each start). */
  node: string;
  /** Heartbeat and reaping interval; a node is dead after NODE_TTL_MS without a heartbeat. */
  heartbeatMs?: number;
  nodeTtlMs?: number;
  clientName?: string;
}

const HEARTBEAT_MS = 2000;
const NODE_TTL_MS = 10_000;

// ARGV[1] is the key prefix. Scripts build their keys from it: fine on one Redis; a Redis
// Cluster would need them declared (and all of a room's keys in one slot).
const BUMP = `
local function bump(p, room)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local v = tonumber(redis.call('GET', p .. 'room:' .. room .. ':v') or '0') + 1
  if now > v then v = now end
  redis.call('SET', p .. 'room:' .. room .. ':v', v)
end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end`;

const SCRIPTS = {
  /** ARGV: prefix, node, user, rooms…; returns the rooms where the user came online. */
  presenceConnect: `${BUMP}
    local p, node, user = ARGV[1], ARGV[2], ARGV[3]
    redis.call('SADD', p .. 'node:' .. node .. ':users', user)
    redis.call('SADD', p .. 'user:' .. user .. ':nodes', node)
    local came = {}
    for i = 4, #ARGV do
      local room = ARGV[i]
      redis.call('SADD', p .. 'user:' .. user .. ':rooms', room)
      if redis.call('SADD', p .. 'room:' .. room, user) == 1 then bump(p, room); came[#came + 1] = room end
    end
    return came`,
  /** ARGV: prefix, node, user; returns the rooms where the user went offline. */
  presenceDisconnect: `${BUMP}
    local p, node, user = ARGV[1], ARGV[2], ARGV[3]
    redis.call('SREM', p .. 'node:' .. node .. ':users', user)
    redis.call('SREM', p .. 'user:' .. user .. ':nodes', node)
    if redis.call('SCARD', p .. 'user:' .. user .. ':nodes') > 0 then return {} end
    local went = {}
    for _, room in ipairs(redis.call('SMEMBERS', p .. 'user:' .. user .. ':rooms')) do
      if redis.call('SREM', p .. 'room:' .. room, user) == 1 then bump(p, room); went[#went + 1] = room end
    end
    redis.call('DEL', p .. 'user:' .. user .. ':rooms')
    return went`,
  /** ARGV: prefix, user, room; 1 when the room's online members changed. */
  presenceJoined: `${BUMP}
    local p, user, room = ARGV[1], ARGV[2], ARGV[3]
    if redis.call('SCARD', p .. 'user:' .. user .. ':nodes') == 0 then return 0 end
    redis.call('SADD', p .. 'user:' .. user .. ':rooms', room)
    if redis.call('SADD', p .. 'room:' .. room, user) == 1 then bump(p, room); return 1 end
    return 0`,
  /** ARGV: prefix, user, room; 1 when the room's online members changed. */
  presenceLeft: `${BUMP}
    local p, user, room = ARGV[1], ARGV[2], ARGV[3]
    redis.call('SREM', p .. 'user:' .. user .. ':rooms', room)
    if redis.call('SREM', p .. 'room:' .. room, user) == 1 then bump(p, room); return 1 end
    return 0`,
  /** ARGV: prefix, rooms…; returns, flat, each room's online count and version (one command however many rooms: a welcome asks for dozens). */
  presenceOnline: `
    local p, out = ARGV[1], {}
    for i = 2, #ARGV do
      out[#out + 1] = redis.call('SCARD', p .. 'room:' .. ARGV[i])
      out[#out + 1] = redis.call('GET', p .. 'room:' .. ARGV[i] .. ':v') or '0'
    end
    return out`,
  /** ARGV: prefix, node; records a heartbeat at Redis's time. 1 when the node was not listed (new, reaped, or Redis restarted). */
  presenceHeartbeat: `${BUMP}
    return redis.call('ZADD', ARGV[1] .. 'nodes', now_ms(), ARGV[2])`,
  /**
   * ARGV: prefix, ttl ms; reaps every node silent for longer than ttl. Returns, flat, for each user
   * who went offline: the user, the number of rooms, the rooms.
   */
  presenceReap: `${BUMP}
    local p, ttl = ARGV[1], tonumber(ARGV[2])
    local out = {}
    for _, node in ipairs(redis.call('ZRANGEBYSCORE', p .. 'nodes', '-inf', now_ms() - ttl)) do
      for _, user in ipairs(redis.call('SMEMBERS', p .. 'node:' .. node .. ':users')) do
        redis.call('SREM', p .. 'user:' .. user .. ':nodes', node)
        if redis.call('SCARD', p .. 'user:' .. user .. ':nodes') == 0 then
          local went = {}
          for _, room in ipairs(redis.call('SMEMBERS', p .. 'user:' .. user .. ':rooms')) do
            if redis.call('SREM', p .. 'room:' .. room, user) == 1 then bump(p, room); went[#went + 1] = room end
          end
          redis.call('DEL', p .. 'user:' .. user .. ':rooms')
          out[#out + 1] = user
          out[#out + 1] = #went
          for _, room in ipairs(went) do out[#out + 1] = room end
        end
      end
      redis.call('DEL', p .. 'node:' .. node .. ':users')
      redis.call('ZREM', p .. 'nodes', node)
    end
    return out`,
} as const;

type ScriptName = keyof typeof SCRIPTS;
type Scripted = Redis & Record<ScriptName, (...args: string[]) => Promise<unknown>>;

/** What this node knows of one of its users. */
interface LocalUser {
  connections: number;
  rooms: Set<string>;
}

export class RedisPresence implements Presence {
  readonly #redis: Scripted;
  readonly #prefix: string;
  readonly #node: string;
  readonly #heartbeatMs: number;
  readonly #nodeTtlMs: number;
  readonly #local = new Map<string, LocalUser>();
  #events: PresenceEvents | null = null;
  #timer: NodeJS.Timeout | null = null;
  #everReady = false;
  #heartbeats = 0;

  constructor(options: RedisPresenceOptions) {
    this.#prefix = options.prefix;
    this.#node = options.node;
    this.#heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
    this.#nodeTtlMs = options.nodeTtlMs ?? NODE_TTL_MS;
    this.#redis = new Redis(options.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      // The scripts called in one turn of the event loop go to Redis in one write (a node taking
      // over a dead node's clients brings thousands online within a second).
      enableAutoPipelining: true,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt: number) => Math.min(50 * 2 ** (attempt - 1), 1000),
      connectionName: options.clientName ?? 'parley-presence',
    }) as Scripted;
    for (const [name, lua] of Object.entries(SCRIPTS)) this.#redis.defineCommand(name, { numberOfKeys: 0, lua });
  }

  async start(events: PresenceEvents): Promise<void> {
    this.#events = events;
    this.#redis.on('error', (error: Error) => this.#events?.error('redis presence', error));
    this.#redis.on('ready', () => {
      if (!this.#everReady) {
        this.#everReady = true;
        return;
      }
      void this.#restore();
    });
    await this.#redis.connect();
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
    return this.#strings('connect', () => this.#redis.presenceConnect(this.#prefix, this.#node, userId, ...user.rooms));
  }

  async disconnected(userId: string): Promise<readonly string[]> {
    const local = this.#local.get(userId);
    if (!local) return [];
    if (--local.connections > 0) return [];
    this.#local.delete(userId);
    return this.#strings('disconnect', () => this.#redis.presenceDisconnect(this.#prefix, this.#node, userId));
  }

  async joined(roomId: string, userId: string): Promise<boolean> {
    this.#local.get(userId)?.rooms.add(roomId);
    return (await this.#call('joined', () => this.#redis.presenceJoined(this.#prefix, userId, roomId), 0)) === 1;
  }

  async left(roomId: string, userId: string): Promise<boolean> {
    this.#local.get(userId)?.rooms.delete(roomId);
    return (await this.#call('left', () => this.#redis.presenceLeft(this.#prefix, userId, roomId), 0)) === 1;
  }

  async isOnline(userIds: readonly string[]): Promise<boolean[]> {
    if (userIds.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const id of userIds) pipeline.exists(`${this.#prefix}user:${id}:nodes`);
    const results = await this.#call<Array<[Error | null, unknown]> | null>('isOnline', () => pipeline.exec(), null);
    // Without Redis, this node still knows its own users.
    return userIds.map((id, i) => (results?.[i]?.[1] ?? 0) === 1 || this.#local.has(id));
  }

  async online(roomIds: readonly string[]): Promise<RoomOnline[]> {
    if (roomIds.length === 0) return [];
    const flat = await this.#call<unknown[] | null>('online', () => this.#redis.presenceOnline(this.#prefix, ...roomIds), null);
    return roomIds.map((_, i) => ({ online: Number(flat?.[2 * i] ?? 0), version: Number(flat?.[2 * i + 1] ?? 0) }));
  }

  /** Leaves the cluster as a node that shut down: its users go offline at once for the others. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    for (const userId of [...this.#local.keys()]) {
      this.#local.get(userId)!.connections = 1;
      await this.disconnected(userId);
    }
    await this.#call('close', () => this.#redis.zrem(`${this.#prefix}nodes`, this.#node), 0);
    this.#events = null;
    await this.#redis.quit().catch(() => undefined);
  }

  /** Stops heartbeating without telling anyone, as a node killed with SIGKILL does (tests). */
  abandon(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#events = null;
    this.#redis.disconnect();
  }

  async #tick(): Promise<void> {
    const unlisted = await this.#call('heartbeat', () => this.#redis.presenceHeartbeat(this.#prefix, this.#node), 0);
    // Taken for dead (a pause longer than the TTL, Redis unreachable meanwhile) and reaped by
    // another node, or Redis lost everything: this node's users are online all the same.
    if (unlisted === 1 && this.#heartbeats++ > 0) await this.#restore();
    const reaped = (await this.#call('reap', () => this.#redis.presenceReap(this.#prefix, String(this.#nodeTtlMs)), [])) as string[];
    const changes: Array<{ userId: string; rooms: string[] }> = [];
    for (let i = 0; i < reaped.length; ) {
      const userId = reaped[i]!;
      const count = Number(reaped[i + 1]);
      changes.push({ userId, rooms: reaped.slice(i + 2, i + 2 + count) });
      i += 2 + count;
    }
    if (changes.length > 0) this.#events?.expired(changes);
  }

  /**
   * After Redis came back (it may have restarted and lost everything) or this node was reaped:
   * its entries again. The rooms where its users came back online are reported as `restored`.
   */
  async #restore(): Promise<void> {
    await this.#call('heartbeat', () => this.#redis.presenceHeartbeat(this.#prefix, this.#node), 0);
    const changes: Array<{ userId: string; rooms: string[] }> = [];
    for (const [userId, user] of this.#local) {
      const rooms = await this.#strings('restore', () => this.#redis.presenceConnect(this.#prefix, this.#node, userId, ...user.rooms));
      if (rooms.length > 0) changes.push({ userId, rooms });
    }
    if (changes.length > 0) this.#events?.restored(changes);
  }

  async #strings(where: string, run: () => Promise<unknown>): Promise<string[]> {
    return (await this.#call(where, run, [])) as string[];
  }

  /** Runs a Redis call; on failure reports it and answers `fallback`. */
  async #call<T>(where: string, run: () => Promise<unknown>, fallback: T): Promise<T> {
    try {
      return (await run()) as T;
    } catch (error) {
      this.#events?.error(`redis presence ${where}`, error as Error);
      return fallback;
    }
  }
}
