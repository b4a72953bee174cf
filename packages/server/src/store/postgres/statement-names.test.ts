import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PostgresPool } from 'kysely';
import { newPool } from './connect.js';
import { withStatementNames } from './statement-names.js';
import { createTestDatabase, skipWithoutPostgres, type TestDatabase } from '../../testing/postgres.js';

const skip = await skipWithoutPostgres();

describe('the read pool names the queries it makes again (PostgreSQL)', { skip }, () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
  });
  after(() => database?.drop());

  /** One connection, so that what it prepared shows in its pg_prepared_statements. */
  async function withPool(capacity: number, body: (pool: PostgresPool, prepared: () => Promise<string[]>) => Promise<void>): Promise<void> {
    const raw = newPool(database.url, 1);
    const pool = withStatementNames(raw, capacity);
    const prepared = async () => {
      const client = await pool.connect();
      try {
        const { rows } = await client.query<{ statement: string }>(`SELECT statement FROM pg_prepared_statements WHERE name LIKE 'parley_k_%' ORDER BY statement`, []);
        return rows.map((row) => row.statement);
      } finally {
        client.release();
      }
    };
    try {
      await body(pool, prepared);
    } finally {
      await pool.end();
    }
  }

  it('prepares a query on its second use and answers it the same way; leaves transaction control unnamed', async () => {
    await withPool(10, async (pool, prepared) => {
      const client = await pool.connect();
      try {
        await client.query('CREATE TABLE items (id int PRIMARY KEY, name text)', []);
        await client.query(`INSERT INTO items VALUES (1, 'one'), (2, 'two')`, []);
        const select = 'SELECT name FROM items WHERE id = $1';
        assert.deepEqual((await client.query(select, [1])).rows, [{ name: 'one' }]);
        assert.deepEqual((await client.query(select, [2])).rows, [{ name: 'two' }]);
        assert.deepEqual((await client.query(select, [3])).rows, []);
        for (let i = 0; i < 2; i++) {
          await client.query('begin', []);
          await client.query('commit', []);
        }
      } finally {
        client.release();
      }
      // The second use prepared it (and the pg_prepared_statements query, run again, is named now too).
      assert.deepEqual(await prepared(), ['SELECT name FROM items WHERE id = $1']);
      assert.deepEqual(await prepared(), ['SELECT name FROM items WHERE id = $1', `SELECT statement FROM pg_prepared_statements WHERE name LIKE 'parley_k_%' ORDER BY statement`]);
    });
  });

  it('names at most `capacity` texts', async () => {
    await withPool(1, async (pool, prepared) => {
      const client = await pool.connect();
      try {
        for (const sql of ['SELECT 1 AS one', 'SELECT 2 AS two', 'SELECT 1 AS one', 'SELECT 2 AS two']) await client.query(sql, []);
      } finally {
        client.release();
      }
      // `SELECT 1` took the one name; neither `SELECT 2` nor the checks got one.
      assert.deepEqual(await prepared(), ['SELECT 1 AS one']);
      assert.deepEqual(await prepared(), ['SELECT 1 AS one']);
      const client2 = await pool.connect();
      try {
        const { rows } = await client2.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_prepared_statements`, []);
        assert.deepEqual(rows, [{ n: 1 }]);
      } finally {
        client2.release();
      }
    });
  });

  it('runs a prepared SELECT * unnamed once its table gained a column (a migration by another node)', async () => {
    await withPool(10, async (pool) => {
      const client = await pool.connect();
      try {
        await client.query('CREATE TABLE things (id int PRIMARY KEY)', []);
        await client.query('INSERT INTO things VALUES (1)', []);
        const select = 'SELECT * FROM things ORDER BY id';
        await client.query(select, []);
        assert.deepEqual((await client.query(select, [])).rows, [{ id: 1 }]);
        await client.query(`ALTER TABLE things ADD COLUMN label text NOT NULL DEFAULT 'x'`, []);
        assert.deepEqual((await client.query(select, [])).rows, [{ id: 1, label: 'x' }]);
        assert.deepEqual((await client.query(select, [])).rows, [{ id: 1, label: 'x' }]);
      } finally {
        client.release();
      }
    });
  });
});
