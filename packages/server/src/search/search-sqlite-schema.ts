/**
 * SQLite's search index (migration 8): FTS5 over the text of indexText (../../search/tokenize.ts),
 * split on spaces only (the `ascii` tokenizer: the tokens hold no ASCII punctuation, and it keeps
 * every non-ASCII character as part of a token). Contentless (the text is the events table's;
 * the index keeps only the tokens) with `contentless_delete`, so that an edit replaces a message's
 * tokens and a deletion removes them.
 *
 * `search_docs` gives each indexed message an integer id, the FTS5 rowid, in the order messages
 * were indexed (newest last: results come newest first); rooms get a small integer key
 * (`search_rooms`) so that a document costs a few bytes besides its tokens, not two UUIDs.
 */
import type { Database } from 'better-sqlite3';
import { indexText } from './tokenize.js';

export const SEARCH_SCHEMA_SQL = `
  CREATE TABLE search_rooms (
    key INTEGER PRIMARY KEY,
    room_id TEXT NOT NULL UNIQUE
  );
  CREATE TABLE search_docs (
    id INTEGER PRIMARY KEY,
    room_key INTEGER NOT NULL,
    seq INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX search_docs_message ON search_docs (room_key, seq);
  CREATE VIRTUAL TABLE search_fts USING fts5(text, content='', contentless_delete=1, tokenize='ascii');
`;

/** Indexes every live message, oldest first (the ids then follow time as new messages' do). */
export function backfillSearch(db: Database): void {
  // The keys first (a connection cannot write while it reads a statement's rows), then each body.
  const keys = db.prepare(`SELECT room_id, seq FROM events WHERE kind = 'message' AND deleted = 0 ORDER BY ts, room_id, seq`).raw().all() as Array<[string, number]>;
  const body = db.prepare<[string, number], string>(`SELECT body FROM events WHERE room_id = ? AND seq = ?`).pluck();
  const put = searchDocWriter(db);
  for (const [roomId, seq] of keys) put(roomId, seq, body.get(roomId, seq) ?? null);
}

/**
 * A function that indexes a message's current text (a new message, or an edit: its tokens are
 * replaced, its id kept), or drops it from the index when `body` is null or holds no token.
 */
export function searchDocWriter(db: Database): (roomId: string, seq: number, body: string | null) => void {
  const addRoom = db.prepare(`INSERT INTO search_rooms (room_id) VALUES (?) ON CONFLICT (room_id) DO NOTHING`);
  const roomKey = db.prepare<[string], number>(`SELECT key FROM search_rooms WHERE room_id = ?`).pluck();
  const docId = db.prepare<[number, number], number>(`SELECT id FROM search_docs WHERE room_key = ? AND seq = ?`).pluck();
  const insertDoc = db.prepare(`INSERT INTO search_docs (room_key, seq) VALUES (?, ?)`);
  const deleteDoc = db.prepare(`DELETE FROM search_docs WHERE id = ?`);
  const insertText = db.prepare(`INSERT INTO search_fts (rowid, text) VALUES (?, ?)`);
  const deleteText = db.prepare(`DELETE FROM search_fts WHERE rowid = ?`);
  return (roomId, seq, body) => {
    const text = body === null ? '' : indexText(body);
    let key = roomKey.get(roomId);
    if (key === undefined) {
      if (text === '') return;
      addRoom.run(roomId);
      key = roomKey.get(roomId)!;
    }
    const id = docId.get(key, seq);
    if (id !== undefined) deleteText.run(id);
    if (text === '') {
      if (id !== undefined) deleteDoc.run(id);
      return;
    }
    const newId = id ?? Number(insertDoc.run(key, seq).lastInsertRowid);
    insertText.run(newId, text);
  };
}

/** Drops every document of the room (the room is deleted). */
export function searchRoomDropper(db: Database): (roomId: string) => void {
  const roomKey = db.prepare<[string], number>(`SELECT key FROM search_rooms WHERE room_id = ?`).pluck();
  const deleteTexts = db.prepare(`DELETE FROM search_fts WHERE rowid IN (SELECT id FROM search_docs WHERE room_key = ?)`);
  const deleteDocs = db.prepare(`DELETE FROM search_docs WHERE room_key = ?`);
  const deleteRoom = db.prepare(`DELETE FROM search_rooms WHERE key = ?`);
  return (roomId) => {
    const key = roomKey.get(roomId);
    if (key === undefined) return;
    deleteTexts.run(key);
    deleteDocs.run(key);
    deleteRoom.run(key);
  };
}
