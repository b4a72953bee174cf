/**
 * Copies a SQLite installation (its DATA_DIR's parley.db) into an empty
 * PostgreSQL database: users, sessions, rooms, members, the whole event log
 * with its sequence numbers, read markers and reactions.
 *
 * - The source is read in one read transaction: a consistent snapshot, even
 *   of a server that is still running (what it writes after the snapshot is
 *   not copied, and the report says so; stop the server first).
 * - The target is written in one transaction, verified inside it (rows per
 *   table; per room its last seq, its number of events and of members) and
 *   committed only if everything matches: a failed copy leaves nothing.
 * - A database that already holds Parley data is refused.
 * - PostgreSQL text cannot hold U+0000, which older servers let into messages
 *   and names; each one becomes U+FFFD, and the report counts them.
 */
import BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import { newClient } from '../store/postgres/connect.js';
import { runMigrations as runPostgresMigrations } from '../store/postgres/migrations.js';
import { numberMessagesForSearch } from '../search/search-postgres.js';
import { SCHEMA_VERSION as SQLITE_SCHEMA_VERSION } from '../store/sqlite/migrations.js';
import { COPIED_TABLES, IDENTITY_TABLES, type CopiedTable } from './copy-tables.js';

/** Rows per INSERT (one array per column). */
const CHUNK_ROWS = 5000;

export interface MigrationReport {
  /** Rows copied, by table. */
  rows: Record<string, number>;
  rooms: number;
  /** U+0000 characters replaced by U+FFFD. */
  replacedNul: number;
  /** Events the source gained after its snapshot was read (0 when the server was stopped). */
  writtenDuringCopy: number;
  durationMs: number;
}

export class MigrationRefused extends Error {
  override name = 'MigrationRefused';
}

type Row = Record<string, unknown>;

interface RoomFacts {
  last_seq: number;
  member_count: number;
  events: number;
  max_seq: number;
}

const ROOM_FACTS = `SELECT r.id, r.last_seq, r.member_count,
  (SELECT count(*) FROM events e WHERE e.room_id = r.id) AS events,
  (SELECT coalesce(max(seq), 0) FROM events e WHERE e.room_id = r.id) AS max_seq
  FROM rooms r`;

export async function migrateToPostgres(options: { sqliteFile: string; postgresUrl: string; progress?: (line: string) => void }): Promise<MigrationReport> {
  const started = performance.now();
  const progress = options.progress ?? (() => undefined);
  const source = new BetterSqlite3(options.sqliteFile, { readonly: true, fileMustExist: true });
  const target = newClient(options.postgresUrl);
  try {
    const version = source.pragma('user_version', { simple: true }) as number;
    if (version !== SQLITE_SCHEMA_VERSION) {
      throw new MigrationRefused(
        `the SQLite database is at schema version ${version}, this Parley's is ${SQLITE_SCHEMA_VERSION}: start this version of Parley on it once (it migrates the file), stop it, then copy`,
      );
    }
    await target.connect();
    await runPostgresMigrations(target);
    await refuseIfHoldsData(target);

    source.exec('BEGIN');
    await target.query('BEGIN');
    try {
      const rows: Record<string, number> = {};
      let replacedNul = 0;
      for (const table of COPIED_TABLES) {
        const copied = await copyTable(source, target, table);
        rows[table.name] = copied.rows;
        replacedNul += copied.replacedNul;
        progress(`${table.name}: ${copied.rows} rows`);
      }
      for (const table of IDENTITY_TABLES) {
        await target.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT max(id) FROM ${table}))`);
      }
      await numberMessagesForSearch(target);
      progress('search index: built');
      const roomFacts = readRoomFacts(source);
      await verify(source, target, rows, roomFacts);
      await target.query('COMMIT');
      source.exec('COMMIT');
      const writtenDuringCopy = countWrittenSince(source, roomFacts);
      return { rows, rooms: roomFacts.size, replacedNul, writtenDuringCopy, durationMs: Math.round(performance.now() - started) };
    } catch (error) {
      await target.query('ROLLBACK').catch(() => undefined);
      if (source.inTransaction) source.exec('ROLLBACK');
      throw error;
    }
  } finally {
    source.close();
    await target.end().catch(() => undefined);
  }
}

async function refuseIfHoldsData(target: pg.Client): Promise<void> {
  const { rows } = await target.query<{ users: number; rooms: number }>(
    'SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM rooms) AS rooms',
  );
  const { users, rooms } = rows[0]!;
  if (users > 0 || rooms > 0) {
    throw new MigrationRefused(`the PostgreSQL database already holds Parley data (${users} users, ${rooms} rooms): copy into an empty database`);
  }
}

function withoutNul(value: unknown, counter: { replaced: number }): unknown {
  if (typeof value !== 'string' || !value.includes('\0')) return value;
  return value.replace(/\0/g, () => {
    counter.replaced++;
    return '\uFFFD';
  });
}

async function copyTable(source: BetterSqlite3.Database, target: pg.Client, table: CopiedTable): Promise<{ rows: number; replacedNul: number }> {
  const columns = Object.keys(table.columns) as string[];
  const types = Object.values(table.columns) as string[];
  const insert = `INSERT INTO ${table.name} (${columns.join(', ')}) SELECT * FROM unnest(${types.map((type, i) => `$${i + 1}::${type}[]`).join(', ')})`;
  const read = source.prepare(`SELECT ${columns.join(', ')} FROM ${table.name} ORDER BY ${table.orderBy}`);
  const counter = { replaced: 0 };
  let count = 0;
  let chunk: unknown[][] = columns.map(() => []);
  let inChunk = 0;
  const flush = async (): Promise<void> => {
    if (inChunk === 0) return;
    await target.query(insert, chunk);
    chunk = columns.map(() => []);
    inChunk = 0;
  };
  for (const row of read.iterate() as IterableIterator<Row>) {
    columns.forEach((column, i) => {
      // The members trigger counts each room's members as they arrive.
      const value = table.name === 'rooms' && column === 'member_count' ? 0 : row[column];
      chunk[i]!.push(withoutNul(value, counter));
    });
    count++;
    if (++inChunk === CHUNK_ROWS) await flush();
  }
  await flush();
  return { rows: count, replacedNul: counter.replaced };
}

function readRoomFacts(source: BetterSqlite3.Database): Map<string, RoomFacts> {
  const rows = source.prepare(ROOM_FACTS).all() as Array<RoomFacts & { id: string }>;
  return new Map(rows.map(({ id, ...facts }) => [id, facts]));
}

/** Compares the copy with the source inside the target's transaction; throws on the first difference. */
async function verify(source: BetterSqlite3.Database, target: pg.Client, copied: Record<string, number>, sourceRooms: Map<string, RoomFacts>): Promise<void> {
  for (const table of COPIED_TABLES) {
    const inSource = source.prepare(`SELECT count(*) AS n FROM ${table.name}`).get() as { n: number };
    const { rows } = await target.query<{ n: number }>(`SELECT count(*) AS n FROM ${table.name}`);
    if (inSource.n !== copied[table.name] || rows[0]!.n !== inSource.n) {
      throw new Error(`verification failed: ${table.name} has ${inSource.n} rows in SQLite and ${rows[0]!.n} in PostgreSQL`);
    }
  }
  const { rows } = await target.query<RoomFacts & { id: string }>(ROOM_FACTS);
  if (rows.length !== sourceRooms.size) throw new Error(`verification failed: ${sourceRooms.size} rooms in SQLite, ${rows.length} in PostgreSQL`);
  for (const { id, ...facts } of rows) {
    const expected = sourceRooms.get(id);
    if (!expected || (Object.keys(facts) as Array<keyof RoomFacts>).some((key) => facts[key] !== expected[key])) {
      throw new Error(`verification failed: room ${id} is ${JSON.stringify(facts)} in PostgreSQL, ${JSON.stringify(expected)} in SQLite`);
    }
  }
}

/** Events stored in the source after the snapshot (read outside it). */
function countWrittenSince(source: BetterSqlite3.Database, snapshot: Map<string, RoomFacts>): number {
  let written = 0;
  for (const [id, facts] of readRoomFacts(source)) written += facts.last_seq - (snapshot.get(id)?.last_seq ?? 0);
  return written;
}
