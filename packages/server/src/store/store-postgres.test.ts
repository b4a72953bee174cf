/** The store contract against PostgreSQL (a fresh database per test), plus what only the PostgreSQL store promises. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAckedAppendsSurviveKill } from './crash-check.js';
import { runStoreContract } from './store.contract.js';
import { createPostgresStore } from './store-postgres.js';
import { createTestDatabase, skipWithoutPostgres } from '../testing/postgres.js';

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
