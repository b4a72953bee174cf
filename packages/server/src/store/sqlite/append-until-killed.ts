/**
 * Test fixture for the crash test in store-sqlite.test.ts, run as a child
 * process: appends messages to the lobby of the SQLite file given as argv[2],
 * with the writer named by argv[3] (`thread` or `inline`), as fast as it can and prints `<seq> <clientId>` for each one only after its
 * promise resolved, until it is killed (or a minute has passed).
 */
import { createSqliteStore } from '../store-sqlite.js';

const PER_TURN = 25;
const GIVE_UP_MS = 60_000;

const [file, writerKind] = process.argv.slice(2);
if (!file || (writerKind !== 'thread' && writerKind !== 'inline')) throw new Error('usage: append-until-killed <sqlite file> thread|inline');
const store = createSqliteStore({ file, synchronous: 'normal', writer: writerKind });
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
