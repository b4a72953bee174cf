/**
 * Test fixture for the crash tests (crash-check.ts), run as a child process:
 * appends messages to the lobby of the store named by its arguments as fast
 * as it can, and prints `<seq> <clientId>` for each one only after its
 * promise resolved, until it is killed (or a minute has passed).
 *
 *   crash-writer sqlite <file> thread|inline
 *   crash-writer postgres <url>
 */
import { createPostgresStore } from './store-postgres.js';
import { createSqliteStore } from './store-sqlite.js';
import type { Store } from './store.js';

const PER_TURN = 25;
const GIVE_UP_MS = 60_000;

function openStore(args: string[]): Store {
  const [kind, where, writer] = args;
  if (kind === 'sqlite' && where && (writer === 'thread' || writer === 'inline')) {
    return createSqliteStore({ file: where, synchronous: 'normal', writer });
  }
  if (kind === 'postgres' && where) return createPostgresStore({ url: where, poolSize: 2 });
  throw new Error('usage: crash-writer sqlite <file> thread|inline | crash-writer postgres <url>');
}

const store = openStore(process.argv.slice(2));
await store.migrate();
const writer = await store.createUser({ id: 'user-writer', username: 'writer', name: 'Writer', kind: 'guest' });
const user = { id: writer.id, name: writer.name };
await store.join({ room: 'lobby', user });
const started = Date.now();
for (let n = 0; Date.now() - started < GIVE_UP_MS; ) {
  const appends = [];
  for (let i = 0; i < PER_TURN; i++, n++) {
    const clientId = `crash-${String(n).padStart(8, '0')}`;
    appends.push(store.appendMessage({ room: 'lobby', user, clientId, body: `body of ${clientId}` }));
  }
  const acked = await Promise.all(appends);
  process.stdout.write(acked.map(({ event }) => `${event.seq} ${event.id}\n`).join(''));
}
await store.close();
