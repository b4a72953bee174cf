import { randomUUID } from 'node:crypto';
import { runPresenceContract, runPresenceExpiryContract, type MakePresence } from './presence.contract.js';
import { RedisPresence } from './presence-redis.js';
import { REDIS_URL, removePrefix, skipWithoutRedis, testPrefix } from '../testing/redis.js';

const skip = await skipWithoutRedis();
// Shorter than a deployment's, so that the test of a dead node is quick; the same code paths.
const TIMING = { heartbeatMs: 500, nodeTtlMs: 2000 };

const makePresence: MakePresence = async () => {
  const prefix = testPrefix();
  return {
    node: (timing = TIMING) => new RedisPresence({ url: REDIS_URL, prefix, node: randomUUID(), ...timing }),
    kill: (node) => (node as RedisPresence).abandon(),
    expiryMs: TIMING.nodeTtlMs + TIMING.heartbeatMs,
    cleanup: () => removePrefix(prefix),
  };
};

runPresenceContract('Redis', makePresence, skip);
runPresenceExpiryContract('Redis', makePresence, skip);
