import BetterSqlite3, { type Database } from 'better-sqlite3';

/** How long a statement waits for another connection's lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * WAL frames past which the writer checkpoints itself after a commit. The
 * checkpointer thread (checkpointer.ts) normally copies the WAL into the
 * database long before; this bounds the WAL if it falls behind, and lets the
 * WAL start over from its beginning (only a checkpoint run by the writer, in
 * between its own commits, is sure to have copied every frame, which is what
 * a restart needs). SQLite's default is 1,000 frames, checkpointed on the
 * writer's thread after its commit.
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
