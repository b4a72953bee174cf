/**
 * Backups and restores, for either store.
 *
 * SQLite: an online backup through SQLite's backup API, taken while the
 * server runs (it copies a consistent snapshot; writes go on meanwhile),
 * then checked with `PRAGMA integrity_check`. A restore copies a backup into
 * a DATA_DIR that holds no database yet: restoring over a live file could
 * mix it with the running server's WAL, so the current one must be moved
 * aside first, with the server stopped.
 *
 * PostgreSQL: PostgreSQL's own tools, run as documented in the README —
 * `pg_dump --format=custom` for the backup (consistent, online), and
 * `pg_restore --single-transaction` into an empty database.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { SCHEMA_VERSION } from '../store/sqlite/migrations.js';

export class BackupRefused extends Error {
  override name = 'BackupRefused';
}

export const SQLITE_FILE = 'parley.db';

/** Online backup of the SQLite database in `dataDir` to `to` (which must not exist). Returns the events it holds. */
export async function backupSqlite(dataDir: string, to: string): Promise<{ events: number }> {
  const file = join(dataDir, SQLITE_FILE);
  if (!existsSync(file)) throw new BackupRefused(`there is no Parley database at ${file}`);
  if (existsSync(to)) throw new BackupRefused(`${to} exists: name a new file`);
  mkdirSync(dirname(to), { recursive: true });
  const partial = `${to}.partial`;
  const source = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    await source.backup(partial);
  } finally {
    source.close();
  }
  const events = checkSqliteFile(partial);
  renameSync(partial, to);
  return { events };
}

/** Copies a SQLite backup into `dataDir`, which must not hold a database. */
export function restoreSqlite(from: string, dataDir: string): { events: number } {
  const file = join(dataDir, SQLITE_FILE);
  for (const existing of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(existing)) {
      throw new BackupRefused(`${existing} exists: stop the server and move the current data directory aside, then restore into an empty one`);
    }
  }
  const events = checkSqliteFile(from);
  mkdirSync(dataDir, { recursive: true });
  copyFileSync(from, `${file}.partial`);
  renameSync(`${file}.partial`, file);
  return { events };
}

/** Checks that `file` is a whole Parley database; returns how many events it holds. */
function checkSqliteFile(file: string): number {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`${file} failed its integrity check: ${String(integrity)}`);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version < 1 || version > SCHEMA_VERSION) throw new Error(`${file} is not a Parley database this version can read (schema version ${version})`);
    return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function runTool(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new BackupRefused(missing ? `${command} is not installed: install PostgreSQL's client tools (the same major version as the server)` : result.error.message);
  }
  if (result.status !== 0) throw new Error(`${command} failed (exit ${result.status}): ${result.stderr.trim()}`);
}

/** The documented PostgreSQL backup: `pg_dump --format=custom --file=<to> <url>`. */
export function backupPostgres(url: string, to: string): void {
  if (existsSync(to)) throw new BackupRefused(`${to} exists: name a new file`);
  mkdirSync(dirname(to), { recursive: true });
  runTool('pg_dump', ['--format=custom', '--no-owner', `--file=${to}`, url]);
}

/** The documented PostgreSQL restore, into an empty database: `pg_restore --no-owner --single-transaction --exit-on-error --dbname=<url> <from>`. */
export function restorePostgres(from: string, url: string): void {
  if (!existsSync(from)) throw new BackupRefused(`there is no backup at ${from}`);
  runTool('pg_restore', ['--no-owner', '--single-transaction', '--exit-on-error', `--dbname=${url}`, from]);
}
