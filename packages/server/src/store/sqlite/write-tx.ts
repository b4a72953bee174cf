/**
 * WriteTx (../rules/write-tx.ts) over the writer's connection, as statements
 * prepared once. The writer holds SQLite's write lock from BEGIN IMMEDIATE to
 * COMMIT, so every read here sees everything committed before, and
 * `lockRoom` needs no lock of its own.
 *
 * The methods are asynchronous only because the interface is; each runs its
 * statement synchronously, and awaiting it costs a microtask, never an I/O turn.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { FollowWrite, LockedRoom, NewEventRow, WriteTx } from '../rules/write-tx.js';
import type { AuditRow, BanRow, BotRow, EventRow, FileRow, MemberLimitsRow, MemberRole, MemberRow, ReactionRow, ReportRow, RoomRow, ThreadFollowRow, ThreadRow, TokenRevocationsTable, UserRow } from '../sql/schema.js';
import { ModerationStatements } from './moderation-statements.js';
import { ThreadStatements } from './thread-statements.js';
import { searchDocWriter, searchRoomDropper } from '../../search/search-sqlite-schema.js';

type Params = unknown[] | [Record<string, unknown>];

export class SqliteWriteTx implements WriteTx {
  readonly #userById: Statement<[string], UserRow>;
  readonly #usernameExists: Statement<[string], 1>;
  readonly #insertUser: Statement<[UserRow]>;
  readonly #botById: Statement<[string], BotRow>;
  readonly #insertBot: Statement<[BotRow]>;
  readonly #setBotTokenHash: Statement<[string | null, string]>;
  readonly #setUserName: Statement<[string, string]>;
  readonly #claimUser: Statement<[string, string, string]>;
  readonly #insertSession: Statement<[{ token_hash: string; user_id: string; expires_at: number }]>;
  readonly #revokeSession: Statement<[string]>;
  readonly #putTokenRevocation: Statement<[TokenRevocationsTable]>;
  readonly #roomById: Statement<[string], RoomRow>;
  readonly #roomNameKeyExists: Statement<[string], 1>;
  readonly #insertRoom: Statement<[Omit<RoomRow, 'last_seq' | 'member_count' | 'settings'>]>;
  readonly #nextSeq: Statement<[string], number>;
  readonly #insertEvent: Statement<[EventRow | (NewEventRow & { seq: number })]>;
  readonly #insertMember: Statement<[{ room_id: string; user_id: string; role: MemberRole; read_seq: number; joined_at: number }]>;
  readonly #deleteMember: Statement<[string, string]>;
  readonly #memberRoomIds: Statement<[string], string>;
  readonly #advanceReadMarker: Statement<[{ room_id: string; user_id: string; seq: number }], number>;
  readonly #eventBySeq: Statement<[string, number], EventRow>;
  readonly #messageByClientId: Statement<[string, string, string], EventRow>;
  readonly #setMessageBody: Statement<[string, number, string, number]>;
  readonly #tombstoneMessage: Statement<[string, number]>;
  readonly #setMessageData: Statement<[string | null, string, number]>;
  readonly #eraseEditBodies: Statement<[string, number]>;
  readonly #reactionsOf: Statement<[string, number], ReactionRow>;
  readonly #reactionExists: Statement<[string, number, string, string], 1>;
  readonly #insertReaction: Statement<[{ room_id: string; target: number; user_id: string; emoji: string; seq: number }]>;
  readonly #deleteReaction: Statement<[string, number, string, string]>;
  readonly #deleteReactionsOf: Statement<[string, number]>;
  readonly #uploadedBytesSince: Statement<[string, number], number>;
  readonly #fileBySha: Statement<[string], FileRow>;
  readonly #fileById: Statement<[string], FileRow>;
  readonly #insertFile: Statement<[FileRow]>;
  readonly #attachFile: Statement<[number, string]>;
  readonly #sweepableFiles: Statement<[number], FileRow>;
  readonly #roomFiles: Statement<[string], FileRow>;
  readonly #deleteFile: Statement<[string]>;
  readonly #blobKeyInUse: Statement<[string, string], 1>;
  readonly #m: ModerationStatements;
  readonly #t: ThreadStatements;
  readonly #indexMessage: (roomId: string, seq: number, body: string | null) => void;
  readonly #unindexRoom: (roomId: string) => void;

  /** `db` must have the schema: statements are checked against it when prepared. */
  constructor(db: Database) {
    this.#m = new ModerationStatements(db);
    this.#t = new ThreadStatements(db);
    this.#indexMessage = searchDocWriter(db);
    this.#unindexRoom = searchRoomDropper(db);
    const prepare = <P extends Params, R = void>(sql: string) => db.prepare(sql) as unknown as Statement<P, R>;
    this.#userById = prepare(`SELECT * FROM users WHERE id = ?`);
    this.#usernameExists = prepare<[string], 1>(`SELECT 1 FROM users WHERE username = ?`).pluck();
    this.#botById = prepare(`SELECT * FROM bots WHERE user_id = ?`);
    this.#insertBot = prepare(`INSERT INTO bots (user_id, created_by, created_at, token_hash) VALUES (@user_id, @created_by, @created_at, @token_hash)`);
    this.#setBotTokenHash = prepare(`UPDATE bots SET token_hash = ? WHERE user_id = ?`);
    this.#insertUser = prepare(`INSERT INTO users (id, username, name, kind, password_hash, external_id, created_at)
      VALUES (@id, @username, @name, @kind, @password_hash, @external_id, @created_at)`);
    this.#setUserName = prepare(`UPDATE users SET name = ? WHERE id = ?`);
    this.#claimUser = prepare(`UPDATE users SET username = ?, password_hash = ?, kind = 'account' WHERE id = ?`);
    this.#insertSession = prepare(`INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (@token_hash, @user_id, @expires_at)`);
    this.#revokeSession = prepare(`UPDATE sessions SET revoked = 1 WHERE token_hash = ?`);
    this.#putTokenRevocation = prepare(`INSERT OR REPLACE INTO token_revocations (key, jti, subject, not_before, created_at)
      VALUES (@key, @jti, @subject, @not_before, @created_at)`);

    this.#roomById = prepare(`SELECT * FROM rooms WHERE id = ?`);
    this.#roomNameKeyExists = prepare<[string], 1>(`SELECT 1 FROM rooms WHERE name_key = ?`).pluck();
    this.#insertRoom = prepare(`INSERT INTO rooms (id, name, name_key, kind, created_by, created_at)
      VALUES (@id, @name, @name_key, @kind, @created_by, @created_at)`);
    this.#nextSeq = prepare<[string], number>(`UPDATE rooms SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq`).pluck();
    this.#insertEvent = prepare(`INSERT INTO events (room_id, seq, ts, kind, user_id, user_name, client_id, body, target, data, thread, also_in_room)
      VALUES (@room_id, @seq, @ts, @kind, @user_id, @user_name, @client_id, @body, @target, @data, @thread, @also_in_room)`);

    this.#insertMember = prepare(`INSERT INTO members (room_id, user_id, role, read_seq, joined_at)
      VALUES (@room_id, @user_id, @role, @read_seq, @joined_at)`);
    this.#deleteMember = prepare(`DELETE FROM members WHERE room_id = ? AND user_id = ?`);
    this.#memberRoomIds = prepare<[string], string>(`SELECT room_id FROM members WHERE user_id = ? ORDER BY room_id`).pluck();
    this.#advanceReadMarker = prepare<[{ room_id: string; user_id: string; seq: number }], number>(`UPDATE members
      SET read_seq = max(read_seq, min(@seq, (SELECT last_seq FROM rooms WHERE id = @room_id)))
      WHERE room_id = @room_id AND user_id = @user_id RETURNING read_seq`).pluck();

    this.#eventBySeq = prepare(`SELECT * FROM events WHERE room_id = ? AND seq = ?`);
    this.#messageByClientId = prepare(`SELECT * FROM events WHERE room_id = ? AND user_id = ? AND client_id = ?`);
    this.#setMessageBody = prepare(`UPDATE events SET body = ?, edited_ts = ? WHERE room_id = ? AND seq = ?`);
    // `data` of a message holds its attachments, which go with it.
    this.#tombstoneMessage = prepare(`UPDATE events SET body = '', deleted = 1, data = NULL WHERE room_id = ? AND seq = ?`);
    this.#setMessageData = prepare(`UPDATE events SET data = ? WHERE room_id = ? AND seq = ?`);
    // Without the hint SQLite's planner scans the room's whole log through the primary key for this UPDATE.
    this.#eraseEditBodies = prepare(`UPDATE events INDEXED BY events_target SET body = ''
      WHERE room_id = ? AND target = ? AND kind = 'edit'`);

    this.#reactionsOf = prepare(`SELECT target, user_id, emoji FROM reactions WHERE room_id = ? AND target = ? ORDER BY seq`);
    this.#reactionExists = prepare<[string, number, string, string], 1>(`SELECT 1 FROM reactions
      WHERE room_id = ? AND target = ? AND user_id = ? AND emoji = ?`).pluck();
    this.#insertReaction = prepare(`INSERT INTO reactions (room_id, target, user_id, emoji, seq)
      VALUES (@room_id, @target, @user_id, @emoji, @seq)`);
    this.#deleteReaction = prepare(`DELETE FROM reactions WHERE room_id = ? AND target = ? AND user_id = ? AND emoji = ?`);
    this.#deleteReactionsOf = prepare(`DELETE FROM reactions WHERE room_id = ? AND target = ?`);

    // The writer holds the write lock: the "locking" reads need no lock of their own.
    this.#uploadedBytesSince = prepare<[string, number], number>(`SELECT coalesce(sum(size), 0) FROM files
      WHERE user_id = ? AND created_at >= ?`).pluck();
    this.#fileBySha = prepare(`SELECT * FROM files WHERE sha256 = ? LIMIT 1`);
    this.#fileById = prepare(`SELECT * FROM files WHERE id = ?`);
    this.#insertFile = prepare(`INSERT INTO files (id, room_id, user_id, seq, name, size, content_type, sha256, blob_key, thumb_key, width, height, created_at)
      VALUES (@id, @room_id, @user_id, @seq, @name, @size, @content_type, @sha256, @blob_key, @thumb_key, @width, @height, @created_at)`);
    this.#attachFile = prepare(`UPDATE files SET seq = ? WHERE id = ?`);
    this.#sweepableFiles = prepare(`SELECT f.* FROM files f JOIN events e ON e.room_id = f.room_id AND e.seq = f.seq WHERE e.deleted = 1
      UNION ALL SELECT * FROM files WHERE seq IS NULL AND created_at < ?`);
    this.#roomFiles = prepare(`SELECT * FROM files WHERE room_id = ?`);
    this.#deleteFile = prepare(`DELETE FROM files WHERE id = ?`);
    this.#blobKeyInUse = prepare<[string, string], 1>(`SELECT 1 WHERE EXISTS (SELECT 1 FROM files WHERE blob_key = ?)
      OR EXISTS (SELECT 1 FROM files WHERE thumb_key = ?)`).pluck();
  }

  async userById(id: string): Promise<UserRow | null> {
    return this.#userById.get(id) ?? null;
  }
  async usernameExists(username: string): Promise<boolean> {
    return this.#usernameExists.get(username) !== undefined;
  }
  async botById(userId: string): Promise<BotRow | null> {
    return this.#botById.get(userId) ?? null;
  }

  async insertBot(row: BotRow): Promise<void> {
    this.#insertBot.run(row);
  }

  async setBotTokenHash(userId: string, tokenHash: string | null): Promise<void> {
    this.#setBotTokenHash.run(tokenHash, userId);
  }

  async insertUser(row: UserRow): Promise<void> {
    this.#insertUser.run(row);
  }
  async setUserName(id: string, name: string): Promise<void> {
    this.#setUserName.run(name, id);
  }
  async claimUser(id: string, username: string, passwordHash: string): Promise<void> {
    this.#claimUser.run(username, passwordHash, id);
  }
  async insertSession(row: { token_hash: string; user_id: string; expires_at: number }): Promise<void> {
    this.#insertSession.run(row);
  }
  async revokeSession(tokenHash: string): Promise<void> {
    this.#revokeSession.run(tokenHash);
  }

  async putTokenRevocation(row: TokenRevocationsTable): Promise<void> {
    this.#putTokenRevocation.run(row);
  }

  async roomById(id: string): Promise<RoomRow | null> {
    return this.#roomById.get(id) ?? null;
  }
  async roomNameKeyExists(nameKey: string): Promise<boolean> {
    return this.#roomNameKeyExists.get(nameKey) !== undefined;
  }
  async insertRoom(row: Omit<RoomRow, 'last_seq' | 'member_count' | 'settings'>): Promise<void> {
    this.#insertRoom.run(row);
  }
  /** The writer holds SQLite's write lock for the whole transaction: the room needs no lock of its own. */
  async lockRoom(roomId: string, userId: string): Promise<LockedRoom | null> {
    const room = this.#roomById.get(roomId);
    if (!room) return null;
    return { room, member: this.#m.member.get(roomId, userId) ?? null, limits: this.#m.limits.get(roomId, userId) ?? null };
  }
  async setRoomSettings(roomId: string, settings: string | null): Promise<void> {
    this.#m.setRoomSettings.run(settings, roomId);
  }
  async deleteRoomRows(roomId: string): Promise<void> {
    this.#unindexRoom(roomId);
    for (const statement of this.#m.deleteRoom) statement.run(roomId);
  }
  async appendEvent(event: NewEventRow): Promise<number> {
    const seq = this.#nextSeq.get(event.room_id);
    if (seq === undefined) throw new Error(`appendEvent: no room ${event.room_id}`);
    this.#insertEvent.run({ ...event, seq });
    return seq;
  }

  async insertMember(row: { room_id: string; user_id: string; role: MemberRole; read_seq: number; joined_at: number }): Promise<void> {
    this.#insertMember.run(row);
  }
  async deleteMember(roomId: string, userId: string): Promise<void> {
    this.#deleteMember.run(roomId, userId);
  }
  async memberRoomIds(userId: string): Promise<string[]> {
    return this.#memberRoomIds.all(userId);
  }
  async advanceReadMarker(roomId: string, userId: string, seq: number): Promise<number | null> {
    return this.#advanceReadMarker.get({ room_id: roomId, user_id: userId, seq }) ?? null;
  }

  async memberOf(roomId: string, userId: string): Promise<MemberRow | null> {
    return this.#m.member.get(roomId, userId) ?? null;
  }
  async setMemberRole(roomId: string, userId: string, role: MemberRole): Promise<void> {
    this.#m.setMemberRole.run(role, roomId, userId);
  }
  async memberIds(roomId: string): Promise<string[]> {
    return this.#m.memberIds.all(roomId);
  }

  async banOf(roomId: string, userId: string): Promise<BanRow | null> {
    return this.#m.banOf.get(roomId, userId) ?? null;
  }
  async putBan(row: BanRow): Promise<void> {
    this.#m.putBan.run(row);
  }
  async deleteBan(roomId: string, userId: string): Promise<void> {
    this.#m.deleteBan.run(roomId, userId);
  }
  async setMutedUntil(roomId: string, userId: string, until: number | null): Promise<void> {
    this.#m.setMutedUntil.run({ room_id: roomId, user_id: userId, value: until });
  }
  async setLastPostAt(roomId: string, userId: string, ts: number): Promise<void> {
    this.#m.setLastPostAt.run({ room_id: roomId, user_id: userId, value: ts });
  }
  async recentMessageSeqs(roomId: string, userId: string, since: number, limit: number): Promise<number[]> {
    return this.#m.recentMessageSeqs.all(roomId, userId, since, limit);
  }
  async removeMessages(roomId: string, seqs: readonly number[]): Promise<void> {
    for (const seq of seqs) {
      const edited = this.#eventBySeq.get(roomId, seq)?.edited_ts ?? null;
      this.#m.removeMessage.run(roomId, seq);
      this.#deleteReactionsOf.run(roomId, seq);
      if (edited !== null) this.#eraseEditBodies.run(roomId, seq);
    }
  }

  async insertAudit(row: Omit<AuditRow, 'id'>): Promise<number> {
    return Number(this.#m.insertAudit.run(row).lastInsertRowid);
  }
  async insertReport(row: Omit<ReportRow, 'id' | 'resolved_by_id' | 'resolved_by_name' | 'resolved_at'>): Promise<number> {
    return Number(this.#m.insertReport.run(row).lastInsertRowid);
  }
  async reportById(id: number): Promise<ReportRow | null> {
    return this.#m.reportById.get(id) ?? null;
  }
  async openReportOf(roomId: string, target: number, reporterId: string): Promise<ReportRow | null> {
    return this.#m.openReportOf.get(roomId, target, reporterId) ?? null;
  }
  async resolveReport(id: number, by: { id: string; name: string }, ts: number): Promise<void> {
    this.#m.resolveReport.run(by.id, by.name, ts, id);
  }
  async blocks(userId: string, blockedId: string): Promise<boolean> {
    return this.#m.blocks.get(userId, blockedId) !== undefined;
  }
  async blockCount(userId: string): Promise<number> {
    return this.#m.blockCount.get(userId) ?? 0;
  }
  async insertBlock(row: { user_id: string; blocked_id: string; created_at: number }): Promise<void> {
    this.#m.insertBlock.run(row);
  }
  async deleteBlock(userId: string, blockedId: string): Promise<void> {
    this.#m.deleteBlock.run(userId, blockedId);
  }
  async blockedByPeer(roomId: string, senderId: string): Promise<boolean> {
    return this.#m.blockedByPeer.get({ room: roomId, sender: senderId }) !== undefined;
  }

  async setUserDisabled(userId: string, disabled: 0 | 1): Promise<void> {
    this.#m.setUserDisabled.run(disabled, userId);
  }
  async revokeUserSessions(userId: string): Promise<string[]> {
    return this.#m.revokeUserSessions.all(userId, Date.now());
  }
  async deleteUserRows(userId: string): Promise<void> {
    for (const statement of this.#m.deleteUser) statement.run({ user: userId });
  }

  async eventBySeq(roomId: string, seq: number): Promise<EventRow | null> {
    return this.#eventBySeq.get(roomId, seq) ?? null;
  }
  async messageByClientId(roomId: string, userId: string, clientId: string): Promise<EventRow | null> {
    return this.#messageByClientId.get(roomId, userId, clientId) ?? null;
  }
  async setMessageBody(roomId: string, seq: number, body: string, editedTs: number): Promise<void> {
    this.#setMessageBody.run(body, editedTs, roomId, seq);
  }
  async tombstoneMessage(roomId: string, seq: number): Promise<void> {
    this.#tombstoneMessage.run(roomId, seq);
  }
  async setMessageData(roomId: string, seq: number, data: string | null): Promise<void> {
    this.#setMessageData.run(data, roomId, seq);
  }
  async eraseEditBodies(roomId: string, target: number): Promise<void> {
    this.#eraseEditBodies.run(roomId, target);
  }
  async indexMessage(roomId: string, seq: number, body: string | null): Promise<void> {
    this.#indexMessage(roomId, seq, body);
  }

  async reactionsOf(roomId: string, target: number): Promise<ReactionRow[]> {
    return this.#reactionsOf.all(roomId, target);
  }
  async reactionExists(roomId: string, target: number, userId: string, emoji: string): Promise<boolean> {
    return this.#reactionExists.get(roomId, target, userId, emoji) !== undefined;
  }
  async insertReaction(row: { room_id: string; target: number; user_id: string; emoji: string; seq: number }): Promise<void> {
    this.#insertReaction.run(row);
  }
  async deleteReaction(roomId: string, target: number, userId: string, emoji: string): Promise<void> {
    this.#deleteReaction.run(roomId, target, userId, emoji);
  }
  async deleteReactionsOf(roomId: string, target: number): Promise<void> {
    this.#deleteReactionsOf.run(roomId, target);
  }

  async uploadedBytesSince(userId: string, since: number): Promise<number> {
    return this.#uploadedBytesSince.get(userId, since) ?? 0;
  }
  async lockFileBySha(sha256: string): Promise<FileRow | null> {
    return this.#fileBySha.get(sha256) ?? null;
  }
  async lockFile(id: string): Promise<FileRow | null> {
    return this.#fileById.get(id) ?? null;
  }
  async insertFile(row: FileRow): Promise<void> {
    this.#insertFile.run(row);
  }
  async attachFile(id: string, seq: number): Promise<void> {
    this.#attachFile.run(seq, id);
  }
  async lockFileSweep(): Promise<void> {
    // One writer per database file: sweeps already take turns.
  }
  async sweepableFiles(unattachedBefore: number): Promise<FileRow[]> {
    return this.#sweepableFiles.all(unattachedBefore);
  }
  async roomFiles(roomId: string): Promise<FileRow[]> {
    return this.#roomFiles.all(roomId);
  }
  async deleteFile(id: string): Promise<void> {
    this.#deleteFile.run(id);
  }
  async blobKeyInUse(key: string): Promise<boolean> {
    return this.#blobKeyInUse.get(key, key) !== undefined;
  }

  async threadOf(roomId: string, root: number): Promise<ThreadRow | null> {
    return this.#t.threadOf.get(roomId, root) ?? null;
  }
  async putThread(row: ThreadRow): Promise<void> {
    this.#t.putThread.run(row);
  }
  async followOf(roomId: string, root: number, userId: string): Promise<ThreadFollowRow | null> {
    return this.#t.followOf.get(roomId, root, userId) ?? null;
  }
  async putFollow(row: FollowWrite): Promise<void> {
    this.#t.putFollow.run(row);
  }
  async recountFollows(roomId: string, root: number, userIds: readonly string[] | null): Promise<ThreadFollowRow[]> {
    return this.#t.recountFollows.all({ room_id: roomId, root, users: userIds === null ? null : JSON.stringify(userIds) });
  }
  async memberIdsByUsernames(roomId: string, usernames: readonly string[]): Promise<string[]> {
    if (usernames.length === 0) return [];
    return this.#t.memberIdsByUsernames.all(roomId, JSON.stringify(usernames));
  }
}
