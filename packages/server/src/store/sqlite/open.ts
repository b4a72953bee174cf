import BetterSqlite3, { type Database } from 'better-sqlite3';

/** How long a statement waits for another connection's lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * WAL frames past which the writer checkpoints itself after a commit
 * (SQLite's default is 1,000). The checkpointer thread (checkpointer.ts) does
 * the copying; this bounds the WAL and lets it start over from its beginning,
 * which needs every frame copied: under a steady stream of commits the
 * thread's checkpoints never reach the last frame, and only a checkpoint run
 * by the writer between its own commits does. By then the thread has copied
 * all but the frames of its last quarter-second, so this one is short.
 */
const WRITER_AUTOCHECKPOINT_FRAMES = 10_000;

/** Opens a connection with the settings every Parley connection uses. */
export function openDatabase(file: string, synchronous: 'full' | 'normal'): Database {
  const db = new BetterSqlite3(file, { timeout: BUSY_TIMEOUT_MS });
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('foreign_keys = ON');
  return db;
}

/** Opens the writer's connection (writer.ts). */
export function openWriterDatabase(file: string, synchronous: 'full' | 'normal'): Database {
  const db = openDatabase(file, synchronous);
  db.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_FRAMES}`);
  return db;
}
