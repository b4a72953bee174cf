/** The store contract against PostgreSQL (a fresh database per test), plus what only the PostgreSQL store promises. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import pg from 'pg';
import { checkAckedAppendsSurviveKill } from './crash-check.js';
import { runStoreContract } from './store.contract.js';
import { createPostgresStore } from './store-postgres.js';
import { createTestDatabase, skipWithoutPostgres } from '../testing/postgres.js';
import { runMigrations, versionBefore } from './postgres/migrations.js';
import { BACKFILL_FIXTURE_SQL, checkBackfill } from '../search/backfill-check.js';

const skip = await skipWithoutPostgres();

runStoreContract('PostgreSQL', async () => {
  const database = await createTestDatabase();
  const open = () => createPostgresStore({ url: database.url, poolSize: 4 });
  const store = open();
  const others: Array<ReturnType<typeof open>> = [];
  return {
    store,
    another: async () => {
      const other = open();
      others.push(other);
      return other;
    },
    cleanup: async () => {
      try {
        await Promise.all([store, ...others].map((s) => s.close()));
      } finally {
        await database.drop();
      }
    },
  };
}, skip);

describe('PostgreSQL schema migrations', { skip }, () => {
  it('indexes the live messages of a database made before search', { timeout: 60_000 }, async () => {
    const database = await createTestDatabase();
    const client = new pg.Client({ connectionString: database.url });
    try {
      await client.connect();
      await runMigrations(client, versionBefore('search'));
      await client.query(BACKFILL_FIXTURE_SQL);
      await client.end();
      const store = createPostgresStore({ url: database.url, poolSize: 2 });
      try {
        await store.migrate();
        await checkBackfill(store);
      } finally {
        await store.close();
      }
    } finally {
      await client.end().catch(() => undefined);
      await database.drop();
    }
  });
});

describe('PostgreSQL store options', { skip }, () => {
  it('rejects a URL that is not PostgreSQL\'s and a bad pool size', () => {
    assert.throws(() => createPostgresStore({ url: 'mysql://localhost/x', poolSize: 2 }), /postgres:\/\//);
    assert.throws(() => createPostgresStore({ url: 'postgres://localhost/x', poolSize: 0 }), /poolSize/);
  });
});

describe('PostgreSQL store, crashes', { skip }, () => {
  it('every acknowledged append survives kill -9', { timeout: 30_000 }, async () => {
    const database = await createTestDatabase();
    try {
      await checkAckedAppendsSurviveKill(['postgres', database.url], () => createPostgresStore({ url: database.url, poolSize: 2 }));
    } finally {
      await database.drop();
    }
  });
});

describe('PostgreSQL store, a rolling upgrade', { skip }, () => {
  it("a connection's reads go on once another node's migration gave their tables a column", { timeout: 30_000 }, async () => {
    const database = await createTestDatabase();
    const store = createPostgresStore({ url: database.url, poolSize: 2 });
    const admin = new pg.Client({ connectionString: database.url });
    try {
      await store.migrate();
      const user = await store.createUser({ id: 'user-rolling', username: 'rolling', name: 'Rolling', kind: 'guest' });
      await store.createSession('token-rolling', user.id, Date.now() + 60_000);
      await store.join({ room: 'lobby', user: { id: user.id, name: user.name } });
      await store.appendMessage({ room: 'lobby', user: { id: user.id, name: user.name }, clientId: 'rolling-0001', body: 'hello' });
      // Each pooled connection prepares the reads (a `SELECT *` of users and of events) …
      const read = () => Promise.all([store.findSessionUser('token-rolling'), store.eventsAfter('lobby', 0, 100), store.findUserById(user.id)]);
      const before = await Promise.all([read(), read(), read()]);
      // … and then the tables gain a column, as a newer node's migration would add one.
      await admin.connect();
      await admin.query(`ALTER TABLE users ADD COLUMN rolling_note text; ALTER TABLE events ADD COLUMN rolling_note text`);
      for (let round = 0; round < 4; round++) assert.deepEqual(await Promise.all([read(), read(), read()]), before, `round ${round}`);
    } finally {
      await admin.end().catch(() => undefined);
      await store.close();
      await database.drop();
    }
  });
});

describe('PostgreSQL store, lost connections', { skip }, () => {
  it('a write or read whose connection the server ended (a restart, a failover) runs again on a new one: nothing fails, nothing is stored twice', { timeout: 60_000 }, async () => {
    const database = await createTestDatabase();
    const store = createPostgresStore({ url: database.url, poolSize: 2 });
    const admin = new pg.Client({ connectionString: database.url });
    try {
      await store.migrate();
      const user = await store.createUser({ id: 'user-lost', username: 'lost', name: 'Lost', kind: 'guest' });
      await store.join({ room: 'lobby', user: { id: user.id, name: user.name } });
      await admin.connect();
      const endEveryConnection = async () => {
        const { rows } = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
        assert.ok(rows.length >= 1, 'the store had connections to end');
      };
      const seqs: number[] = [];
      for (let round = 0; round < 5; round++) {
        await store.appendMessage({ room: 'lobby', user: { id: user.id, name: user.name }, clientId: `warm-${round}-0001`, body: 'before' });
        await endEveryConnection();
        // At once (the connection is still thought open), and after the client heard of its end.
        const [now, later] = await Promise.all([
          store.appendMessage({ room: 'lobby', user: { id: user.id, name: user.name }, clientId: `lost-${round}-0001`, body: 'right after' }),
          setTimeout(50).then(() => store.appendMessage({ room: 'lobby', user: { id: user.id, name: user.name }, clientId: `lost-${round}-0002`, body: 'a little later' })),
        ]);
        seqs.push(now.event.seq, later.event.seq);
        await endEveryConnection();
        assert.ok((await store.latestSeq('lobby')) >= later.event.seq);
      }
      const bodies = (await store.eventsAfter('lobby', 0, 1000)).flatMap((event) => (event.kind === 'message' ? [event.body] : []));
      assert.equal(bodies.length, 15, 'each message once');
      assert.equal(new Set(seqs).size, seqs.length);
    } finally {
      await admin.end().catch(() => undefined);
      await store.close();
      await database.drop();
    }
  });
});
