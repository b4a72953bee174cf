/** Opens the Files storage the configuration names: a directory (FILES_DIR, under DATA_DIR by default) or PostgreSQL (FILES_STORAGE=postgres). */
import type { FilesConfig } from '../config.js';
import { redactUrl, StartError } from '../store/create-store.js';
import { DiskFiles } from './files-disk.js';
import { PostgresFiles } from './files-postgres.js';
import type { Files } from './files.js';

/** Connections the PostgreSQL storage holds: each upload storing its bytes, and each download, takes one while it runs. */
const POSTGRES_FILES_POOL = 4;

export async function openFiles(config: FilesConfig, onBackgroundError: (where: string, error: Error) => void): Promise<Files> {
  const { storage } = config;
  const files =
    storage.kind === 'postgres'
      ? new PostgresFiles(storage.url, POSTGRES_FILES_POOL, (error) => onBackgroundError('postgres files pool', error))
      : new DiskFiles(storage.dir);
  try {
    await files.open();
  } catch (error) {
    await files.close().catch(() => undefined);
    const where = storage.kind === 'postgres' ? `the files in the PostgreSQL database at DATABASE_URL (${redactUrl(storage.url)})` : `the files directory FILES_DIR (${storage.dir})`;
    throw new StartError(`Could not open ${where}: ${(error as Error).message}`, { cause: error });
  }
  return files;
}
