import BetterSqlite3, { type Database } from 'better-sqlite3';

/** How long a statement waits for another connection's lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/** Opens a connection with the settings every Parley connection uses. */
export function openDatabase(file: string, synchronous: 'full' | 'normal'): Database {
  const db = new BetterSqlite3(file, { timeout: BUSY_TIMEOUT_MS });
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('foreign_keys = ON');
  return db;
}
