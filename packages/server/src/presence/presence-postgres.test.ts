import { randomUUID } from 'node:crypto';
import { runPresenceContract, runPresenceExpiryContract, type MakePresence } from './presence.contract.js';
import { PostgresPresence } from './presence-postgres.js';
import { createTestDatabase, skipWithoutPostgres } from '../testing/postgres.js';

const skip = await skipWithoutPostgres();
// Shorter than a deployment's, so that the test of a dead node is quick; the same code paths.
const TIMING = { heartbeatMs: 500, nodeTtlMs: 2000 };

const makePresence: MakePresence = async () => {
  const database = await createTestDatabase();
  return {
    node: (timing = TIMING) => new PostgresPresence({ url: database.url, node: randomUUID(), ...timing }),
    kill: (node) => (node as PostgresPresence).abandon(),
    expiryMs: TIMING.nodeTtlMs + TIMING.heartbeatMs,
    cleanup: () => database.drop(),
  };
};

runPresenceContract('PostgreSQL', makePresence, skip);
runPresenceExpiryContract('PostgreSQL', makePresence, skip);
