/**
 * Files in PostgreSQL, for a cluster whose nodes share one database: a blob is
 * rows of CHUNK_BYTES each in `parley_file_chunks`, written in one transaction
 * with its row in `parley_blobs` (a failed write leaves nothing), and read back
 * a chunk at a time. These tables belong to this storage, not to the store's
 * schema: `open` creates them when missing.
 *
 * Each write holds a connection of the pool for its whole transaction, so at
 * most `poolSize` uploads store their bytes at once; more wait for a connection.
 */
import { Readable } from 'node:stream';
import type pg from 'pg';
import { newPool } from '../store/postgres/connect.js';
import { KEY_PATTERN, type Blob, type Files } from './files.js';
import { randomKey } from './keys.js';

/** Rows of this size: large enough that a 25 MB file is a hundred rows, small enough to hold a few per upload. */
export const CHUNK_BYTES = 256 * 1024;
/** Key of the advisory lock under which the tables are created ("parlef"). */
const SCHEMA_LOCK = 0x7061726c6566 + 1;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS parley_blobs (
    key text COLLATE "C" PRIMARY KEY,
    size bigint NOT NULL,
    created_at bigint NOT NULL
  );
  CREATE TABLE IF NOT EXISTS parley_file_chunks (
    key text COLLATE "C" NOT NULL,
    n integer NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (key, n)
  );
  -- Already compressed, as uploads mostly are: storing them out of line uncompressed saves the attempt.
  ALTER TABLE parley_file_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
`;

export class PostgresFiles implements Files {
  readonly #pool: pg.Pool;

  constructor(url: string, poolSize: number, onBackgroundError: (error: Error) => void) {
    this.#pool = newPool(url, poolSize);
    this.#pool.on('error', onBackgroundError);
  }

  async open(): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      await client.query(SCHEMA);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async write(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<string> {
    const key = randomKey();
    const client = await this.#pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      let n = 0;
      let size = 0;
      for await (const chunk of rechunk(source, CHUNK_BYTES)) {
        await client.query('INSERT INTO parley_file_chunks (key, n, data) VALUES ($1, $2, $3)', [key, n++, chunk]);
        size += chunk.length;
      }
      await client.query('INSERT INTO parley_blobs (key, size, created_at) VALUES ($1, $2, $3)', [key, size, Date.now()]);
      await client.query('COMMIT');
      return key;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async read(key: string): Promise<Blob | null> {
    if (!KEY_PATTERN.test(key)) return null;
    const found = await this.#pool.query<{ size: number }>('SELECT size FROM parley_blobs WHERE key = $1', [key]);
    const size = found.rows[0]?.size;
    if (size === undefined) return null;
    const pool = this.#pool;
    const chunks = Math.ceil(size / CHUNK_BYTES);
    async function* rows(): AsyncGenerator<Buffer> {
      for (let n = 0; n < chunks; n++) {
        const row = await pool.query<{ data: Buffer }>('SELECT data FROM parley_file_chunks WHERE key = $1 AND n = $2', [key, n]);
        if (!row.rows[0]) throw new Error(`blob ${key} lost its chunk ${n} while it was read (deleted meanwhile)`);
        yield row.rows[0].data;
      }
    }
    return { size, stream: Readable.from(rows(), { objectMode: false }) };
  }

  async delete(key: string): Promise<void> {
    if (!KEY_PATTERN.test(key)) return;
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('DELETE FROM parley_blobs WHERE key = $1', [key]);
      await client.query('DELETE FROM parley_file_chunks WHERE key = $1', [key]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    if (!this.#pool.ended) await this.#pool.end();
  }
}

/** The bytes of `source` in pieces of exactly `size` (the last one shorter), holding at most one piece and one input chunk. */
async function* rechunk(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let held = 0;
  for await (const input of source) {
    let chunk = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    while (held + chunk.length >= size) {
      const take = size - held;
      parts.push(chunk.subarray(0, take));
      yield Buffer.concat(parts, size);
      parts = [];
      held = 0;
      chunk = chunk.subarray(take);
    }
    if (chunk.length > 0) {
      // Copied: the source may reuse its buffer once it has handed it over.
      parts.push(Buffer.from(chunk));
      held += chunk.length;
    }
  }
  if (held > 0) yield Buffer.concat(parts, held);
}
