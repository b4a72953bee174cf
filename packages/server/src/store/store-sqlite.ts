/**
 * The embedded SQLite store (the default), in WAL mode with two connections:
 * reads run on the main thread through Kysely; writes run as prepared
 * statements in group commits on the writer's own connection, on a worker
 * thread or on the main thread at the end of each turn (sqlite/writer.ts).
 * WAL readers see only committed transactions, so no read ever sees a
 * half-done batch, and a write's promise settles only after its commit, so a
 * read made after it sees it.
 *
 * `migrate()` must finish before any other method is called.
 */
import { statSync } from 'node:fs';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { HistoryPage, MessageEvent, RoomEvent } from '@parley/protocol';
import type {
  DirectoryQuery,
  NewFile,
  NewRoom,
  NewUser,
  PageQuery,
  Store,
  StoredMember,
  StoredFile,
  StoredRoom,
  StoredRoomSummary,
  StoredSession,
  StoredUser,
  StoredBot,
  TokenRevocation,
} from './store.js';
import type { AuditEntry, Ban, Report, Role, UserSummary } from '@parley/protocol';
import type { BanInput, DeletedRoom, DeletedUser, ModerationResult, PeopleQuery, RoomSettingsChange, SearchPage, SearchQuery, StoredRoomInfo, TimeoutInput } from './store.js';
import * as moderationReads from './sql/moderation-reads.js';
import * as peopleReads from './sql/people-reads.js';
import { ConnectReads } from './sqlite/connect-reads.js';
import { SqliteSearch } from '../search/search-sqlite.js';
import { searchPage } from './sql/search-reads.js';
import * as fileReads from './sql/file-reads.js';
import * as logReads from './sql/log-reads.js';
import * as threadReads from './sql/thread-reads.js';
import { runMigrations } from './sqlite/migrations.js';
import { openDatabase } from './sqlite/open.js';
import { withStatementCache } from './sqlite/statement-cache.js';
import * as roomReads from './sql/room-reads.js';
import * as botReads from './sql/bot-reads.js';
import * as tokenReads from './sql/token-reads.js';
import type { Database } from './sql/schema.js';
import { sqlWebhookStore, type WebhookStore } from './sql/webhooks.js';
import type { WriteArgs, WriteOp, WriteResult } from './rules/write-ops.js';
import { Checkpointer } from './sqlite/checkpointer.js';
import { InlineWriter } from './sqlite/inline-writer.js';
import { ThreadWriter } from './sqlite/thread-writer.js';
import type { Writer } from './rules/writer.js';
import type { WriterKind } from './sqlite/writer.js';

/** Prepared reads kept: every query the store makes, with room to spare for `IN (…)` lists of different lengths. */
const READ_STATEMENTS_CACHED = 200;

export interface SqliteStoreOptions {
  /** Path of the database file; its directory must exist. */
  file: string;
  /**
   * `full`: a commit is on disk before the write resolves (survives power loss).
   * `normal`: in WAL mode, survives a crash of the process but not of the machine.
   */
  synchronous: 'full' | 'normal';
  /** Which thread commits (sqlite/writer.ts). */
  writer: WriterKind;
  /** `inline` writer: least time between the starts of two commits (inline-writer.ts); 0 by default. */
  commitIntervalMs?: number;
  /** Told of failures outside any call, which the store survives (the checkpointer thread's). */
  onBackgroundError?: (where: string, error: Error) => void;
}

export function createSqliteStore(options: SqliteStoreOptions): Store {
  if (options.synchronous !== 'full' && options.synchronous !== 'normal') {
    throw new TypeError(`synchronous must be 'full' or 'normal', got ${JSON.stringify(options.synchronous)}`);
  }
  if (options.writer !== 'thread' && options.writer !== 'inline') {
    throw new TypeError(`writer must be 'thread' or 'inline', got ${JSON.stringify(options.writer)}`);
  }
  return new SqliteStore(options);
}

class SqliteStore implements Store {
  readonly #options: SqliteStoreOptions;
  readonly #db: SqliteDatabase;
  readonly #kysely: Kysely<Database>;
  readonly webhooks: WebhookStore;
  #writer: Writer | null = null;
  #checkpointer: Checkpointer | null = null;
  #connectReads: ConnectReads | null = null;
  #search: SqliteSearch | null = null;
  #closed: Promise<void> | null = null;

  constructor(options: SqliteStoreOptions) {
    this.#options = options;
    this.#db = openDatabase(options.file, options.synchronous);
    this.#kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(this.#db, READ_STATEMENTS_CACHED) }) });
    this.webhooks = sqlWebhookStore(this.#kysely, { skipLocked: false });
  }

  /** Queues a write for the writer's next group commit. */
  #write<K extends WriteOp>(op: K, ...args: WriteArgs<K>): Promise<WriteResult<K>> {
    if (this.#writer === null) return Promise.reject(new Error('call migrate() before writing'));
    return this.#writer.run(op, ...args);
  }

  /** The prepared reads of the connect path (sqlite/connect-reads.ts); they need the schema, so migrate() makes them. */
  #reads(): ConnectReads {
    if (this.#connectReads === null) throw new Error('call migrate() before reading');
    return this.#connectReads;
  }

  async migrate(): Promise<void> {
    runMigrations(this.#db);
    this.#connectReads ??= new ConnectReads(this.#db);
    this.#search ??= new SqliteSearch(this.#db);
    // The writer opens its connection after the schema is in place.
    const { file, synchronous, writer, commitIntervalMs = 0 } = this.#options;
    this.#writer ??= writer === 'thread' ? new ThreadWriter(file, synchronous) : new InlineWriter(file, synchronous, commitIntervalMs);
    this.#checkpointer ??= new Checkpointer(file, synchronous, (error) => this.#options.onBackgroundError?.('checkpointer', error));
    await this.#write('ensureLobby');
  }

  /** Idempotent: later calls wait for the first. Every queued write settles first. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.#writer?.close();
      await this.#checkpointer?.close();
      await this.#kysely.destroy();
      // Kysely closes the connection only if it ever ran a query; the connect path's reads do not go through it.
      if (this.#db.open) this.#db.close();
    })();
    return this.#closed;
  }

  createUser(user: NewUser): Promise<StoredUser> {
    return this.#write('createUser', user);
  }
  async findUserById(id: string): Promise<StoredUser | null> {
    return this.#reads().userBy('id', id);
  }
  async findUsersByIds(ids: readonly string[]): Promise<StoredUser[]> {
    return this.#reads().usersByIds(ids);
  }
  async findUserByUsername(username: string): Promise<StoredUser | null> {
    return this.#reads().userBy('username', username);
  }
  async findUserByExternalId(externalId: string): Promise<StoredUser | null> {
    return this.#reads().userBy('external_id', externalId);
  }
  createSession(tokenHash: string, userId: string, expiresAt: number): Promise<void> {
    return this.#write('createSession', tokenHash, userId, expiresAt);
  }
  async findSession(tokenHash: string): Promise<StoredSession | null> {
    return this.#reads().session(tokenHash);
  }
  async findSessionUser(tokenHash: string): Promise<{ session: StoredSession; user: StoredUser } | null> {
    return this.#reads().sessionUser(tokenHash);
  }
  revokeSession(tokenHash: string): Promise<void> {
    return this.#write('revokeSession', tokenHash);
  }
  revokeTokens(revocation: TokenRevocation): Promise<void> {
    return this.#write('revokeTokens', revocation);
  }
  tokenRevoked(token: { subject: string; jti?: string | undefined; issuedAt?: number | undefined }): Promise<boolean> {
    return tokenReads.tokenRevoked(this.#kysely, token);
  }
  revocationsSince(createdAfter: number): Promise<Array<TokenRevocation & { createdAt: number }>> {
    return tokenReads.revocationsSince(this.#kysely, createdAfter);
  }
  createBot(input: Parameters<Store['createBot']>[0]): Promise<StoredBot> {
    return this.#write('createBot', input);
  }
  setBotToken(userId: string, tokenHash: string | null): Promise<StoredBot> {
    return this.#write('setBotToken', userId, tokenHash);
  }
  findBotByTokenHash(tokenHash: string): Promise<StoredUser | null> {
    return botReads.botByTokenHash(this.#kysely, tokenHash);
  }
  listBots(createdBy: string | null): Promise<StoredBot[]> {
    return botReads.listBots(this.#kysely, createdBy);
  }
  async findBot(userId: string): Promise<StoredBot | null> {
    return (await botReads.listBots(this.#kysely, null, userId))[0] ?? null;
  }
  renameUser(userId: string, name: string): Promise<{ user: StoredUser; events: RoomEvent[] }> {
    return this.#write('renameUser', userId, name);
  }

  createRoom(room: NewRoom): Promise<{ room: StoredRoom; events: RoomEvent[] }> {
    return this.#write('createRoom', room);
  }
  findRoom(id: string): Promise<StoredRoom | null> {
    return roomReads.findRoom(this.#kysely, id);
  }
  async isMember(roomId: string, userId: string): Promise<boolean> {
    return roomReads.isMember(this.#kysely, roomId, userId);
  }
  async memberRoomIds(userId: string): Promise<string[]> {
    return this.#reads().memberRoomIds(userId);
  }
  listMembers(roomId: string): Promise<StoredMember[]> {
    return roomReads.listMembers(this.#kysely, roomId);
  }
  async listRoomsFor(userId: string): Promise<StoredRoomSummary[]> {
    return this.#reads().roomSummaries(userId);
  }
  async directory(userId: string, page: DirectoryQuery): Promise<{ rooms: StoredRoomSummary[]; next: string | null }> {
    return this.#reads().directory(userId, page);
  }
  async roomSummaryFor(roomId: string, userId: string): Promise<StoredRoomSummary | null> {
    const [summary] = this.#reads().roomSummaries(userId, roomId);
    return summary ?? null;
  }

  appendMessage(input: Parameters<Store['appendMessage']>[0]): ReturnType<Store['appendMessage']> {
    return this.#write('appendMessage', input);
  }
  editMessage(input: Parameters<Store['editMessage']>[0]): ReturnType<Store['editMessage']> {
    return this.#write('editMessage', input);
  }
  deleteMessage(input: Parameters<Store['deleteMessage']>[0]): Promise<RoomEvent> {
    return this.#write('deleteMessage', input);
  }
  react(input: Parameters<Store['react']>[0]): Promise<RoomEvent | null> {
    return this.#write('react', input);
  }
  appendWebhookMessage(input: Parameters<Store['appendWebhookMessage']>[0]): Promise<{ event: MessageEvent; duplicate: boolean }> {
    return this.#write('appendWebhookMessage', input);
  }
  attachPreview(input: Parameters<Store['attachPreview']>[0]): Promise<RoomEvent | null> {
    return this.#write('attachPreview', input);
  }
  join(input: Parameters<Store['join']>[0]): Promise<RoomEvent | null> {
    return this.#write('join', input);
  }
  leave(input: Parameters<Store['leave']>[0]): Promise<RoomEvent | null> {
    return this.#write('leave', input);
  }
  setReadMarker(roomId: string, userId: string, seq: number): Promise<number> {
    return this.#write('setReadMarker', roomId, userId, seq);
  }

  latestSeq(roomId: string): Promise<number> {
    return logReads.latestSeq(this.#kysely, roomId);
  }
  latestSeqs(roomIds: readonly string[]): Promise<Map<string, number>> {
    return logReads.latestSeqs(this.#kysely, roomIds);
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
  async searchMessages(query: SearchQuery): Promise<SearchPage> {
    if (this.#search === null) throw new Error('call migrate() before reading');
    return searchPage(this.#kysely, this.#search.rows(query), query.limit);
  }

  followThread(input: Parameters<Store['followThread']>[0]): ReturnType<Store['followThread']> {
    return this.#write('followThread', input);
  }
  readThread(input: Parameters<Store['readThread']>[0]): ReturnType<Store['readThread']> {
    return this.#write('readThread', input);
  }
  recountThreads(roomId: string, seqs: readonly number[]): ReturnType<Store['recountThreads']> {
    return this.#write('recountThreads', roomId, seqs);
  }
  replies(roomId: string, root: number, query: { after: number; limit: number }, userId: string): ReturnType<Store['replies']> {
    return threadReads.replies(this.#kysely, roomId, root, query, userId);
  }
  followedThreads(userId: string, limit: number): ReturnType<Store['followedThreads']> {
    return threadReads.followedThreads(this.#kysely, userId, limit);
  }
  countThreadUnread(roomId: string, root: number, userId: string): Promise<number> {
    return threadReads.countThreadUnread(this.#kysely, roomId, root, userId);
  }

  addFile(file: NewFile, dailyLimitBytes: number): Promise<StoredFile> {
    return this.#write('addFile', file, dailyLimitBytes);
  }
  uploadedBytesSince(userId: string, since: number): Promise<number> {
    return fileReads.uploadedBytesSince(this.#kysely, userId, since);
  }
  findFile(id: string): Promise<StoredFile | null> {
    return fileReads.findFile(this.#kysely, id);
  }
  sweepFiles(unattachedBefore: number): Promise<string[]> {
    return this.#write('sweepFiles', unattachedBefore);
  }
  setRole(input: Parameters<Store['setRole']>[0]): Promise<RoomEvent | null> {
    return this.#write('setRole', input);
  }
  kick(input: Parameters<Store['kick']>[0]): Promise<RoomEvent> {
    return this.#write('kick', input);
  }
  ban(input: BanInput): Promise<ModerationResult> {
    return this.#write('ban', input);
  }
  unban(input: Parameters<Store['unban']>[0]): Promise<RoomEvent> {
    return this.#write('unban', input);
  }
  timeout(input: TimeoutInput): Promise<RoomEvent> {
    return this.#write('timeout', input);
  }
  updateRoomSettings(input: RoomSettingsChange): Promise<RoomEvent> {
    return this.#write('updateRoomSettings', input);
  }
  report(input: Parameters<Store['report']>[0]): Promise<Report> {
    return this.#write('report', input);
  }
  resolveReport(input: Parameters<Store['resolveReport']>[0]): Promise<Report> {
    return this.#write('resolveReport', input);
  }
  setBlock(input: Parameters<Store['setBlock']>[0]): Promise<void> {
    return this.#write('setBlock', input);
  }
  setUserDisabled(input: Parameters<Store['setUserDisabled']>[0]): Promise<{ user: StoredUser; revoked: string[] }> {
    return this.#write('setUserDisabled', input);
  }
  signOutUser(input: Parameters<Store['signOutUser']>[0]): Promise<{ user: StoredUser; revoked: string[] }> {
    return this.#write('signOutUser', input);
  }
  deleteGuest(input: Parameters<Store['deleteGuest']>[0]): Promise<DeletedUser> {
    return this.#write('deleteGuest', input);
  }
  archiveRoom(input: Parameters<Store['archiveRoom']>[0]): Promise<RoomEvent> {
    return this.#write('archiveRoom', input);
  }
  deleteRoom(input: Parameters<Store['deleteRoom']>[0]): Promise<DeletedRoom> {
    return this.#write('deleteRoom', input);
  }

  memberRole(roomId: string, userId: string): Promise<Role | null> {
    return moderationReads.memberRole(this.#kysely, roomId, userId);
  }
  staffIds(roomId: string): Promise<string[]> {
    return moderationReads.staffIds(this.#kysely, roomId);
  }
  auditLog(query: Parameters<Store['auditLog']>[0]): Promise<{ entries: AuditEntry[]; hasMore: boolean }> {
    return moderationReads.auditLog(this.#kysely, query);
  }
  listBans(roomId: string): Promise<Ban[]> {
    return moderationReads.listBans(this.#kysely, roomId);
  }
  openReports(roomId: string, limit: number): Promise<Report[]> {
    return moderationReads.openReports(this.#kysely, roomId, limit);
  }
  blockedBy(userId: string): Promise<UserSummary[]> {
    return moderationReads.blockedBy(this.#kysely, userId);
  }
  searchUsers(q: string, limit: number): Promise<StoredUser[]> {
    return moderationReads.searchUsers(this.#kysely, q, limit);
  }
  listAllRooms(q: string, limit: number): Promise<StoredRoomInfo[]> {
    return moderationReads.listAllRooms(this.#kysely, q, limit);
  }
  findPeople(query: PeopleQuery): Promise<UserSummary[]> {
    return peopleReads.findPeople(this.#kysely, query);
  }
  visiblePerson(viewerId: string, userId: string): Promise<UserSummary | null> {
    return peopleReads.visiblePerson(this.#kysely, viewerId, userId);
  }
  departedGuests(query: { now: number; createdBefore: number; limit: number }): Promise<string[]> {
    return peopleReads.departedGuests(this.#kysely, query);
  }
  claimGuest(input: Parameters<Store['claimGuest']>[0]): Promise<StoredUser> {
    return this.#write('claimGuest', input);
  }
  counts(): Promise<{ users: number; rooms: number }> {
    return moderationReads.counts(this.#kysely);
  }
  async sizeBytes(): Promise<number> {
    // The database file and its write-ahead log (the log is where the newest pages are).
    let bytes = 0;
    for (const file of [this.#options.file, `${this.#options.file}-wal`]) {
      try {
        bytes += statSync(file).size;
      } catch {
        // No log right after a checkpoint truncated it.
      }
    }
    return bytes;
  }
}
