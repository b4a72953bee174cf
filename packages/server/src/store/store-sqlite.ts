/**
 * The embedded SQLite store (the default). One better-sqlite3 connection in
 * WAL mode serves both reads (through Kysely) and writes (prepared statements
 * run by group commit, see sqlite/group-commit.ts). Because better-sqlite3 is
 * synchronous, a batch runs from BEGIN to COMMIT without yielding, so no read
 * ever sees a half-done batch.
 *
 * `migrate()` must finish before any other method is called. Never open a
 * Kysely transaction on this connection: group commit would nest its batch
 * inside it.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { HistoryPage, MessageEvent, RoomEvent } from '@parley/protocol';
import type {
  NewRoom,
  NewUser,
  PageQuery,
  Store,
  StoredMember,
  StoredRoom,
  StoredRoomSummary,
  StoredSession,
  StoredUser,
} from './store.js';
import * as accountReads from './sqlite/account-reads.js';
import * as accountWrites from './sqlite/account-writes.js';
import { GroupCommit } from './sqlite/group-commit.js';
import * as logReads from './sqlite/log-reads.js';
import * as logWrites from './sqlite/log-writes.js';
import { runMigrations } from './sqlite/migrations.js';
import * as roomReads from './sqlite/room-reads.js';
import type { Database } from './sqlite/schema.js';
import { prepareStatements, type Statements } from './sqlite/statements.js';

export interface SqliteStoreOptions {
  /** Path of the database file; its directory must exist. */
  file: string;
  /**
   * `full`: a commit is on disk before the write resolves (survives power loss).
   * `normal`: in WAL mode, survives a crash of the process but not of the machine.
   */
  synchronous: 'full' | 'normal';
}

/** How long a statement waits for another process's lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

export function createSqliteStore(options: SqliteStoreOptions): Store {
  if (options.synchronous !== 'full' && options.synchronous !== 'normal') {
    throw new TypeError(`synchronous must be 'full' or 'normal', got ${JSON.stringify(options.synchronous)}`);
  }
  return new SqliteStore(options);
}

class SqliteStore implements Store {
  readonly #db: SqliteDatabase;
  readonly #kysely: Kysely<Database>;
  readonly #writes: GroupCommit;
  #statements: Statements | null = null;
  #closed: Promise<void> | null = null;

  constructor(options: SqliteStoreOptions) {
    this.#db = new BetterSqlite3(options.file, { timeout: BUSY_TIMEOUT_MS });
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma(`synchronous = ${options.synchronous}`);
    this.#db.pragma('foreign_keys = ON');
    this.#kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: this.#db }) });
    this.#writes = new GroupCommit(this.#db);
  }

  /** Queues a write for the next group commit. */
  #write<T>(run: (s: Statements) => T): Promise<T> {
    const statements = this.#statements;
    if (statements === null) return Promise.reject(new Error('call migrate() before writing'));
    return this.#writes.enqueue(() => run(statements));
  }

  async migrate(): Promise<void> {
    runMigrations(this.#db);
    this.#statements ??= prepareStatements(this.#db);
    await this.#write(logWrites.ensureLobby);
  }

  /** Idempotent: later calls wait for the first. */
  close(): Promise<void> {
    if (this.#closed === null) {
      this.#writes.close();
      this.#closed = this.#kysely.destroy();
    }
    return this.#closed;
  }

  createUser(user: NewUser): Promise<StoredUser> {
    return this.#write((s) => accountWrites.createUser(s, user));
  }
  findUserById(id: string): Promise<StoredUser | null> {
    return accountReads.findUserBy(this.#kysely, 'id', id);
  }
  findUserByUsername(username: string): Promise<StoredUser | null> {
    return accountReads.findUserBy(this.#kysely, 'username', username);
  }
  findUserByExternalId(externalId: string): Promise<StoredUser | null> {
    return accountReads.findUserBy(this.#kysely, 'external_id', externalId);
  }
  createSession(tokenHash: string, userId: string, expiresAt: number): Promise<void> {
    return this.#write((s) => accountWrites.createSession(s, tokenHash, userId, expiresAt));
  }
  findSession(tokenHash: string): Promise<StoredSession | null> {
    return accountReads.findSession(this.#kysely, tokenHash);
  }
  revokeSession(tokenHash: string): Promise<void> {
    return this.#write((s) => accountWrites.revokeSession(s, tokenHash));
  }
  renameUser(userId: string, name: string): Promise<{ user: StoredUser; events: RoomEvent[] }> {
    return this.#write((s) => logWrites.renameUser(s, userId, name));
  }

  createRoom(room: NewRoom): Promise<{ room: StoredRoom; events: RoomEvent[] }> {
    return this.#write((s) => logWrites.createRoom(s, room));
  }
  findRoom(id: string): Promise<StoredRoom | null> {
    return roomReads.findRoom(this.#kysely, id);
  }
  async isMember(roomId: string, userId: string): Promise<boolean> {
    return roomReads.isMember(this.#kysely, roomId, userId);
  }
  memberRoomIds(userId: string): Promise<string[]> {
    return roomReads.memberRoomIds(this.#kysely, userId);
  }
  listMembers(roomId: string): Promise<StoredMember[]> {
    return roomReads.listMembers(this.#kysely, roomId);
  }
  listRoomsFor(userId: string): Promise<StoredRoomSummary[]> {
    return roomReads.roomSummaries(this.#kysely, userId);
  }
  async roomSummaryFor(roomId: string, userId: string): Promise<StoredRoomSummary | null> {
    const [summary] = await roomReads.roomSummaries(this.#kysely, userId, roomId);
    return summary ?? null;
  }

  appendMessage(input: Parameters<Store['appendMessage']>[0]): Promise<{ event: MessageEvent; duplicate: boolean }> {
    return this.#write((s) => logWrites.appendMessage(s, input));
  }
  editMessage(input: Parameters<Store['editMessage']>[0]): Promise<RoomEvent> {
    return this.#write((s) => logWrites.editMessage(s, input));
  }
  deleteMessage(input: Parameters<Store['deleteMessage']>[0]): Promise<RoomEvent> {
    return this.#write((s) => logWrites.deleteMessage(s, input));
  }
  react(input: Parameters<Store['react']>[0]): Promise<RoomEvent | null> {
    return this.#write((s) => logWrites.react(s, input));
  }
  join(input: Parameters<Store['join']>[0]): Promise<RoomEvent | null> {
    return this.#write((s) => logWrites.join(s, input));
  }
  leave(input: Parameters<Store['leave']>[0]): Promise<RoomEvent | null> {
    return this.#write((s) => logWrites.leave(s, input));
  }
  setReadMarker(roomId: string, userId: string, seq: number): Promise<number> {
    return this.#write((s) => logWrites.setReadMarker(s, roomId, userId, seq));
  }

  latestSeq(roomId: string): Promise<number> {
    return logReads.latestSeq(this.#kysely, roomId);
  }
  eventsAfter(roomId: string, after: number, limit: number): Promise<RoomEvent[]> {
    return logReads.eventsAfter(this.#kysely, roomId, after, limit);
  }
  page(roomId: string, query: PageQuery): Promise<HistoryPage> {
    return logReads.page(this.#kysely, roomId, query);
  }
  findMessage(roomId: string, seq: number): Promise<MessageEvent | null> {
    return logReads.findMessage(this.#kysely, roomId, seq);
  }
}
