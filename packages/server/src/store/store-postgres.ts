/**
 * The PostgreSQL store, for a cluster of nodes sharing one database (or one
 * node that wants PostgreSQL's tooling). Writes go through one connection of
 * the node's own in group commits (postgres/writer.ts), with the rules every
 * store shares (rules/); reads use a pool, through the shared Kysely queries
 * (sql/) and prepared statements for the connect path
 * (postgres/connect-reads.ts). Sequence numbers are taken in the inserting
 * transaction under the room's row lock, so nodes writing one room at once
 * never make a gap or a duplicate.
 *
 * A write's promise settles after its COMMIT, so a read made after it (on any
 * connection, of any node) sees it. `migrate()` must finish before any other
 * method is called.
 */
import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import type { HistoryPage, MessageEvent, RoomEvent } from '@parley/protocol';
import type {
  DirectoryQuery,
  NewFile,
  NewRoom,
  NewUser,
  PageQuery,
  Store,
  StoredFile,
  StoredMember,
  StoredRoom,
  StoredRoomSummary,
  StoredSession,
  StoredUser,
  StoredBot,
  TokenRevocation,
} from './store.js';
import type { WriteArgs, WriteOp, WriteResult } from './rules/write-ops.js';
import * as fileReads from './sql/file-reads.js';
import type { AuditEntry, Ban, Report, Role, UserSummary } from '@parley/protocol';
import type { BanInput, DeletedRoom, DeletedUser, ModerationResult, PeopleQuery, RoomSettingsChange, SearchPage, SearchQuery, StoredRoomInfo, TimeoutInput } from './store.js';
import * as moderationReads from './sql/moderation-reads.js';
import * as peopleReads from './sql/people-reads.js';
import * as logReads from './sql/log-reads.js';
import * as threadReads from './sql/thread-reads.js';
import * as roomReads from './sql/room-reads.js';
import * as botReads from './sql/bot-reads.js';
import * as tokenReads from './sql/token-reads.js';
import type { Database } from './sql/schema.js';
import { sqlWebhookStore, type WebhookStore } from './sql/webhooks.js';
import { newPool } from './postgres/connect.js';
import { withStatementNames } from './postgres/statement-names.js';
import { PgConnectReads } from './postgres/connect-reads.js';
import { searchRows } from '../search/search-postgres.js';
import { searchPage } from './sql/search-reads.js';
import { runMigrations } from './postgres/migrations.js';
import { PgWriter } from './postgres/writer.js';

/** Distinct query texts the read pool runs as named prepared statements (postgres/statement-names.ts). */
const NAMED_STATEMENTS_MAX = 200;

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** Connections for reads (the writer has one more of its own). */
  poolSize: number;
  /** Told of failures outside any call, which the store survives (a connection that broke while idle). */
  onBackgroundError?: (where: string, error: Error) => void;
}

export function createPostgresStore(options: PostgresStoreOptions): Store {
  if (!/^postgres(ql)?:\/\//.test(options.url)) throw new TypeError('url must be a postgres:// or postgresql:// URL');
  if (!Number.isInteger(options.poolSize) || options.poolSize < 1) throw new TypeError(`poolSize must be a positive integer, got ${options.poolSize}`);
  return new PostgresStore(options);
}

class PostgresStore implements Store {
  readonly #pool: pg.Pool;
  readonly #kysely: Kysely<Database>;
  readonly webhooks: WebhookStore;
  readonly #reads: PgConnectReads;
  readonly #writer: PgWriter;
  #closed: Promise<void> | null = null;

  constructor(options: PostgresStoreOptions) {
    const backgroundError = (where: string) => (error: Error) => options.onBackgroundError?.(where, error);
    this.#pool = newPool(options.url, options.poolSize);
    // An idle pooled connection that breaks emits here; without a listener it would crash the process.
    this.#pool.on('error', backgroundError('postgres read pool'));
    this.#kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool: withStatementNames(this.#pool, NAMED_STATEMENTS_MAX) }) });
    this.webhooks = sqlWebhookStore(this.#kysely, { skipLocked: true });
    this.#reads = new PgConnectReads(this.#pool);
    this.#writer = new PgWriter(options.url, backgroundError('postgres writer'));
  }

  #write<K extends WriteOp>(op: K, ...args: WriteArgs<K>): Promise<WriteResult<K>> {
    return this.#writer.run(op, ...args);
  }

  async migrate(): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await runMigrations(client);
    } finally {
      client.release();
    }
    await this.#write('ensureLobby');
  }

  /** Idempotent: later calls wait for the first. Every queued write settles first. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.#writer.close();
      // Kysely ends the pool if it ever used it; the connect path's reads use it directly.
      await this.#kysely.destroy();
      if (!this.#pool.ended) await this.#pool.end();
    })();
    return this.#closed;
  }

  createUser(user: NewUser): Promise<StoredUser> {
    return this.#write('createUser', user);
  }
  findUserById(id: string): Promise<StoredUser | null> {
    return this.#reads.userBy('id', id);
  }
  findUsersByIds(ids: readonly string[]): Promise<StoredUser[]> {
    return this.#reads.usersByIds(ids);
  }
  findUserByUsername(username: string): Promise<StoredUser | null> {
    return this.#reads.userBy('username', username);
  }
  findUserByExternalId(externalId: string): Promise<StoredUser | null> {
    return this.#reads.userBy('external_id', externalId);
  }
  createSession(tokenHash: string, userId: string, expiresAt: number): Promise<void> {
    return this.#write('createSession', tokenHash, userId, expiresAt);
  }
  findSession(tokenHash: string): Promise<StoredSession | null> {
    return this.#reads.session(tokenHash);
  }
  findSessionUser(tokenHash: string): Promise<{ session: StoredSession; user: StoredUser } | null> {
    return this.#reads.sessionUser(tokenHash);
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
  isMember(roomId: string, userId: string): Promise<boolean> {
    return roomReads.isMember(this.#kysely, roomId, userId);
  }
  memberRoomIds(userId: string): Promise<string[]> {
    return this.#reads.memberRoomIds(userId);
  }
  listMembers(roomId: string): Promise<StoredMember[]> {
    return roomReads.listMembers(this.#kysely, roomId);
  }
  listRoomsFor(userId: string): Promise<StoredRoomSummary[]> {
    return this.#reads.roomSummaries(userId);
  }
  async directory(userId: string, page: DirectoryQuery): Promise<{ rooms: StoredRoomSummary[]; next: string | null }> {
    return this.#reads.directory(userId, page);
  }
  async roomSummaryFor(roomId: string, userId: string): Promise<StoredRoomSummary | null> {
    const [summary] = await this.#reads.roomSummaries(userId, roomId);
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
    return this.#reads.eventsAfter(roomId, after, limit);
  }
  page(roomId: string, query: PageQuery): Promise<HistoryPage> {
    return logReads.page(this.#kysely, roomId, query);
  }
  findMessage(roomId: string, seq: number): Promise<MessageEvent | null> {
    return logReads.findMessage(this.#kysely, roomId, seq);
  }
  async searchMessages(query: SearchQuery): Promise<SearchPage> {
    return searchPage(this.#kysely, await searchRows(this.#pool, query), query.limit);
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
    return this.#reads.blockedBy(userId);
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
    const { rows } = await this.#pool.query<{ bytes: number }>('SELECT pg_database_size(current_database()) AS bytes');
    return rows[0]!.bytes;
  }
}
