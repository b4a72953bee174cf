/**
 * Prepared statements of the write path, compiled once per database.
 *
 * Writes use better-sqlite3 directly rather than Kysely because group commit
 * runs many writes inside one transaction that must stay synchronous from
 * BEGIN to COMMIT: Kysely's API is asynchronous (every query is a promise),
 * and awaiting inside the batch would let other work run in the middle of an
 * open transaction. Preparing once also keeps query compilation off the hot path.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { EventRow, EventsTable, MembersTable, ReactionRow, RoomRow, RoomsTable, UserRow, UsersTable } from './schema.js';

type EventInsert = Omit<EventsTable, 'edited_ts' | 'deleted'>;

export interface Statements {
  insertUser: Statement<[UsersTable], void>;
  userById: Statement<[string], UserRow>;
  usernameExists: Statement<[string], 1>;
  setUserName: Statement<[{ id: string; name: string }], void>;
  insertSession: Statement<[{ token_hash: string; user_id: string; expires_at: number }], void>;
  revokeSession: Statement<[string], void>;

  insertRoom: Statement<[Omit<RoomsTable, 'last_seq' | 'member_count'>], void>;
  roomById: Statement<[string], RoomRow>;
  roomNameKeyExists: Statement<[string], 1>;
  /** Takes the room's next seq (plucked); no row when the room does not exist. */
  nextSeq: Statement<[string], number>;

  insertMember: Statement<[MembersTable], void>;
  deleteMember: Statement<[string, string], void>;
  isMember: Statement<[string, string], 1>;
  memberRoomIds: Statement<[string], string>;
  /** Moves the marker to max(marker, min(seq, last_seq)); returns it (plucked), no row when not a member. */
  advanceReadMarker: Statement<[{ room_id: string; user_id: string; seq: number }], number>;

  insertEvent: Statement<[EventInsert], void>;
  eventBySeq: Statement<[string, number], EventRow>;
  messageByClientId: Statement<[string, string, string], EventRow>;
  editMessage: Statement<[{ room_id: string; seq: number; body: string; edited_ts: number }], void>;
  tombstoneMessage: Statement<[string, number], void>;
  eraseEditBodies: Statement<[string, number], void>;

  reactionsInRange: Statement<[string, number, number], ReactionRow>;
  reactionExists: Statement<[string, number, string, string], 1>;
  insertReaction: Statement<[{ room_id: string; target: number; user_id: string; emoji: string; seq: number }], void>;
  deleteReaction: Statement<[string, number, string, string], void>;
  deleteReactionsOf: Statement<[string, number], void>;
}

export function prepareStatements(db: Database): Statements {
  const prepare = <P extends unknown[], R = void>(sql: string) => db.prepare(sql) as unknown as Statement<P, R>;
  return {
    insertUser: prepare(`INSERT INTO users (id, username, name, kind, password_hash, external_id, created_at)
      VALUES (@id, @username, @name, @kind, @password_hash, @external_id, @created_at)`),
    userById: prepare(`SELECT * FROM users WHERE id = ?`),
    usernameExists: prepare<[string], 1>(`SELECT 1 FROM users WHERE username = ?`).pluck(),
    setUserName: prepare(`UPDATE users SET name = @name WHERE id = @id`),
    insertSession: prepare(`INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (@token_hash, @user_id, @expires_at)`),
    revokeSession: prepare(`UPDATE sessions SET revoked = 1 WHERE token_hash = ?`),

    insertRoom: prepare(`INSERT INTO rooms (id, name, name_key, kind, created_by, created_at)
      VALUES (@id, @name, @name_key, @kind, @created_by, @created_at)`),
    roomById: prepare(`SELECT * FROM rooms WHERE id = ?`),
    roomNameKeyExists: prepare<[string], 1>(`SELECT 1 FROM rooms WHERE name_key = ?`).pluck(),
    nextSeq: prepare<[string], number>(`UPDATE rooms SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq`).pluck(),

    insertMember: prepare(`INSERT INTO members (room_id, user_id, role, read_seq, joined_at)
      VALUES (@room_id, @user_id, @role, @read_seq, @joined_at)`),
    deleteMember: prepare(`DELETE FROM members WHERE room_id = ? AND user_id = ?`),
    isMember: prepare<[string, string], 1>(`SELECT 1 FROM members WHERE room_id = ? AND user_id = ?`).pluck(),
    memberRoomIds: prepare<[string], string>(`SELECT room_id FROM members WHERE user_id = ? ORDER BY room_id`).pluck(),
    advanceReadMarker: prepare<[{ room_id: string; user_id: string; seq: number }], number>(`UPDATE members
      SET read_seq = max(read_seq, min(@seq, (SELECT last_seq FROM rooms WHERE id = @room_id)))
      WHERE room_id = @room_id AND user_id = @user_id RETURNING read_seq`).pluck(),

    insertEvent: prepare(`INSERT INTO events (room_id, seq, ts, kind, user_id, user_name, client_id, body, target, data)
      VALUES (@room_id, @seq, @ts, @kind, @user_id, @user_name, @client_id, @body, @target, @data)`),
    eventBySeq: prepare(`SELECT * FROM events WHERE room_id = ? AND seq = ?`),
    messageByClientId: prepare(`SELECT * FROM events WHERE room_id = ? AND user_id = ? AND client_id = ?`),
    editMessage: prepare(`UPDATE events SET body = @body, edited_ts = @edited_ts WHERE room_id = @room_id AND seq = @seq`),
    tombstoneMessage: prepare(`UPDATE events SET body = '', deleted = 1 WHERE room_id = ? AND seq = ?`),
    // Without the hint SQLite's planner scans the room's whole log through the primary key for this UPDATE.
    eraseEditBodies: prepare(`UPDATE events INDEXED BY events_target SET body = ''
      WHERE room_id = ? AND target = ? AND kind = 'edit'`),

    reactionsInRange: prepare(`SELECT target, user_id, emoji FROM reactions
      WHERE room_id = ? AND target BETWEEN ? AND ? ORDER BY target, seq`),
    reactionExists: prepare<[string, number, string, string], 1>(`SELECT 1 FROM reactions
      WHERE room_id = ? AND target = ? AND user_id = ? AND emoji = ?`).pluck(),
    insertReaction: prepare(`INSERT INTO reactions (room_id, target, user_id, emoji, seq)
      VALUES (@room_id, @target, @user_id, @emoji, @seq)`),
    deleteReaction: prepare(`DELETE FROM reactions WHERE room_id = ? AND target = ? AND user_id = ? AND emoji = ?`),
    deleteReactionsOf: prepare(`DELETE FROM reactions WHERE room_id = ? AND target = ?`),
  };
}
