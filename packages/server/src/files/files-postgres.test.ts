/** The Files contract against PostgreSQL (a fresh database per test). */
import pg from 'pg';
import { runFilesContract } from './files.contract.js';
import { PostgresFiles } from './files-postgres.js';
import { createTestDatabase, skipWithoutPostgres } from '../testing/postgres.js';

const skip = await skipWithoutPostgres();

const fail = (error: Error) => {
  throw error;
};

runFilesContract(
  'PostgreSQL',
  async () => {
    const database = await createTestDatabase();
    const opened: PostgresFiles[] = [];
    const open = () => {
      const files = new PostgresFiles(database.url, 2, fail);
      opened.push(files);
      return files;
    };
    return {
      files: open(),
      another: async () => open(),
      stored: async () => {
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        try {
          const { rows } = await client.query<{ n: string }>('SELECT (SELECT count(*) FROM parley_blobs) + (SELECT count(*) FROM parley_file_chunks) AS n');
          return Number(rows[0]!.n);
        } finally {
          await client.end();
        }
      },
      cleanup: async () => {
        try {
          await Promise.all(opened.map((files) => files.close()));
        } finally {
          await database.drop();
        }
      },
    };
  },
  skip,
);
