import pg from 'pg';
import { runBusContract, runBusInterruptionContract, type MakeBuses } from './bus.contract.js';
import { PostgresBus } from './bus-postgres.js';
import type { Bus } from './bus.js';
import { createTestDatabase, skipWithoutPostgres } from '../testing/postgres.js';

const skip = await skipWithoutPostgres();

const makeBuses: MakeBuses = async () => {
  const database = await createTestDatabase();
  let nodes = 0;
  const names = new Map<Bus, string>();
  return {
    node: () => {
      const clientName = `parley-bus-test-${++nodes}`;
      const bus = new PostgresBus({ url: database.url, prefix: 'test:', clientName });
      names.set(bus, clientName);
      return bus;
    },
    // The node's listening connection is terminated by the server, as a restart or a network fault would.
    interrupt: async (bus) => {
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      try {
        await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'`, [names.get(bus)]);
      } finally {
        await admin.end();
      }
    },
    cleanup: () => database.drop(),
  };
};

runBusContract('PostgreSQL LISTEN/NOTIFY', makeBuses, skip);
runBusInterruptionContract('PostgreSQL LISTEN/NOTIFY', makeBuses, skip);
