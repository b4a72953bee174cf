/**
 * How this node reaches the others: the bus and the presence the
 * configuration names. Without REDIS_URL, one node, in process: nothing is
 * lost between publish and delivery, so the hub never checks its rooms' logs
 * for what it missed. With REDIS_URL, Redis carries both, and the hub checks
 * each local room's log every FEED_CHECK_MS (the bus is a hint, the store the
 * guarantee).
 */
import { randomUUID } from 'node:crypto';
import type { Config } from './config.js';
import { MemoryBus } from './bus/bus-memory.js';
import { PostgresBus } from './bus/bus-postgres.js';
import { RedisBus } from './bus/bus-redis.js';
import type { Bus } from './bus/bus.js';
import { MemoryPresence } from './presence/presence-memory.js';
import { PostgresPresence } from './presence/presence-postgres.js';
import { RedisPresence } from './presence/presence-redis.js';
import type { Presence } from './presence/presence.js';

/** How often a clustered node reads the end of each of its rooms' logs, to deliver what its bus lost. */
export const FEED_CHECK_MS = 2000;

export interface NodeLinks {
  /** This node's id in the cluster, new at each start. */
  node: string;
  bus: Bus;
  presence: Presence;
  /** For the hub: how often it checks its rooms' logs; 0: never. */
  feedCheckMs: number;
}

export function createNodeLinks(config: Config): NodeLinks {
  const node = randomUUID();
  const cluster = config.cluster;
  if (cluster === null) return { node, bus: new MemoryBus(), presence: new MemoryPresence(), feedCheckMs: 0 };
  const clientName = `parley-${node.slice(0, 8)}`;
  if (cluster.kind === 'postgres') {
    return {
      node,
      bus: new PostgresBus({ url: cluster.url, prefix: 'parley:', clientName }),
      presence: new PostgresPresence({ url: cluster.url, node }),
      feedCheckMs: FEED_CHECK_MS,
    };
  }
  return {
    node,
    bus: new RedisBus({ url: cluster.url, prefix: cluster.prefix, clientName }),
    presence: new RedisPresence({ url: cluster.url, prefix: `${cluster.prefix}presence:`, node, clientName }),
    feedCheckMs: FEED_CHECK_MS,
  };
}
