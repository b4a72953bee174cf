/**
 * Versioned schema migrations, recorded in SQLite's `user_version`.
 *
 * Each migration and the version bump run in one IMMEDIATE transaction, so a
 * crash mid-migration leaves the previous version intact, and two processes
 * opening the same file cannot both apply a step. (Kysely's Migrator does not
 * do this on SQLite: its SQLite adapter reports no transactional DDL, so it
 * would run each migration's statements outside a transaction.)
 *
 * Append new migrations at the end; never edit one that has shipped.
 */
import type { Database } from 'better-sqlite3';
import { SEARCH_SCHEMA_SQL, backfillSearch } from '../../search/search-sqlite-schema.js';

interface Migration {
  name: string;
  sql: string;
  /** Runs after `sql`, in the same transaction: data the schema's SQL cannot compute. */
  run?: (db: Database) => void;
  /**
   * The migration rebuilds a table others refer to (SQLite's way of changing a constraint):
   * foreign keys are off while it runs — they cannot be switched inside a transaction, so
   * around it — and checked before it commits (the procedure of SQLite's ALTER TABLE page).
   */
  rebuildsTables?: true;
}

const MIGRATIONS: readonly Migration[] = [
  {
    name: 'initial schema',
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('account', 'guest', 'external')),
        password_hash TEXT,
        external_id TEXT UNIQUE,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id),
        expires_at INTEGER NOT NULL,
        revoked INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX sessions_user ON sessions (user_id);

      CREATE TABLE rooms (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        name_key TEXT UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('public', 'private', 'dm')),
        created_by TEXT REFERENCES users (id),
        created_at INTEGER NOT NULL,
        last_seq INTEGER NOT NULL DEFAULT 0,
        CHECK ((kind = 'dm') = (name_key IS NULL))
      );

      CREATE TABLE members (
        room_id TEXT NOT NULL REFERENCES rooms (id),
        user_id TEXT NOT NULL REFERENCES users (id),
        role TEXT NOT NULL CHECK (role IN ('owner', 'member')),
        read_seq INTEGER NOT NULL DEFAULT 0,
        joined_at INTEGER NOT NULL,
        PRIMARY KEY (room_id, user_id)
      ) WITHOUT ROWID;
      CREATE INDEX members_user ON members (user_id, room_id);

      -- Clustered on (room_id, seq): history and replay read one contiguous range.
      -- user_id has no foreign key: server-made events are attributed to SERVER_USER.
      CREATE TABLE events (
        room_id TEXT NOT NULL REFERENCES rooms (id),
        seq INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        kind TEXT NOT NULL,
        user_id TEXT NOT NULL,
        user_name TEXT NOT NULL,
        client_id TEXT,
        body TEXT,
        target INTEGER,
        data TEXT,
        edited_ts INTEGER,
        deleted INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (room_id, seq)
      ) WITHOUT ROWID;
      -- The idempotency key of appendMessage.
      CREATE UNIQUE INDEX events_client_id ON events (room_id, user_id, client_id) WHERE client_id IS NOT NULL;
      -- Finds the edit events of a message when it is deleted (their bodies are erased with it).
      CREATE INDEX events_target ON events (room_id, target) WHERE kind = 'edit';

      CREATE TABLE reactions (
        room_id TEXT NOT NULL,
        target INTEGER NOT NULL,
        user_id TEXT NOT NULL,
        emoji TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (room_id, target, user_id, emoji),
        FOREIGN KEY (room_id, target) REFERENCES events (room_id, seq)
      ) WITHOUT ROWID;
    `,
  },
  {
    // What a connection's `welcome` reads for each room must not grow with the room: counting
    // members read every member row, and counting unread messages read every event after the
    // marker (in a lobby every join is one).
    name: 'member counts and an index of live messages',
    sql: `
      ALTER TABLE rooms ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0;
      UPDATE rooms SET member_count = (SELECT COUNT(*) FROM members WHERE members.room_id = rooms.id);
      CREATE TRIGGER members_counted_in AFTER INSERT ON members BEGIN
        UPDATE rooms SET member_count = member_count + 1 WHERE id = NEW.room_id;
      END;
      CREATE TRIGGER members_counted_out AFTER DELETE ON members BEGIN
        UPDATE rooms SET member_count = member_count - 1 WHERE id = OLD.room_id;
      END;
      -- Unread counts: the messages after a read marker, with their authors, without the other events.
      CREATE INDEX events_live_messages ON events (room_id, seq, user_id) WHERE kind = 'message' AND deleted = 0;
    `,
  },
  {
    // The rooms listed in `welcome` are the public ones and the user's own: found through this
    // index and members_user instead of by reading every room (every DM and private room too).
    name: 'an index of public rooms',
    sql: `CREATE INDEX rooms_public ON rooms (created_at, id) WHERE kind = 'public';`,
  },
  {
    // JWTs cannot be revoked by the application that signs them before they expire: Parley keeps a list.
    name: 'revoked tokens',
    sql: `
      CREATE TABLE token_revocations (
        key TEXT PRIMARY KEY,
        jti TEXT,
        subject TEXT,
        not_before INTEGER,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX token_revocations_created ON token_revocations (created_at);
    `,
  },
  {
    // Uploaded files: who may fetch them (the room's members, while their message lives), the
    // daily total per uploader, and which blobs are still needed (the same content is stored once).
    name: 'files',
    sql: `
      CREATE TABLE files (
        id TEXT PRIMARY KEY,
        room_id TEXT NOT NULL REFERENCES rooms (id),
        user_id TEXT NOT NULL REFERENCES users (id),
        seq INTEGER,
        name TEXT NOT NULL,
        size INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        blob_key TEXT NOT NULL,
        thumb_key TEXT,
        width INTEGER,
        height INTEGER,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX files_sha256 ON files (sha256);
      CREATE INDEX files_user_created ON files (user_id, created_at);
      CREATE INDEX files_message ON files (room_id, seq);
      CREATE INDEX files_blob ON files (blob_key);
      CREATE INDEX files_thumb ON files (thumb_key) WHERE thumb_key IS NOT NULL;
      CREATE INDEX files_unattached ON files (created_at) WHERE seq IS NULL;
    `,
  },
  {
    // Moderation (issue 22). Existing members keep their role (owner or member).
    name: 'roles, bans, time-outs, slow mode, the audit log, reports, blocks, disabled accounts',
    sql: `
      -- SQLite cannot change a CHECK constraint: the members table is rebuilt to allow admin and
      -- moderator. Its triggers go first, so that nothing counts the rows twice or not at all.
      DROP TRIGGER members_counted_in;
      DROP TRIGGER members_counted_out;
      CREATE TABLE members_v6 (
        room_id TEXT NOT NULL REFERENCES rooms (id),
        user_id TEXT NOT NULL REFERENCES users (id),
        role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'moderator', 'member')),
        read_seq INTEGER NOT NULL DEFAULT 0,
        joined_at INTEGER NOT NULL,
        PRIMARY KEY (room_id, user_id)
      ) WITHOUT ROWID;
      INSERT INTO members_v6 (room_id, user_id, role, read_seq, joined_at)
        SELECT room_id, user_id, role, read_seq, joined_at FROM members;
      DROP TABLE members;
      ALTER TABLE members_v6 RENAME TO members;
      CREATE INDEX members_user ON members (user_id, room_id);
      -- The room's moderators, admins and owner, to whom reports go.
      CREATE INDEX members_staff ON members (room_id, user_id) WHERE role <> 'member';
      CREATE TRIGGER members_counted_in AFTER INSERT ON members BEGIN
        UPDATE rooms SET member_count = member_count + 1 WHERE id = NEW.room_id;
      END;
      CREATE TRIGGER members_counted_out AFTER DELETE ON members BEGIN
        UPDATE rooms SET member_count = member_count - 1 WHERE id = OLD.room_id;
      END;

      ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1));
      ALTER TABLE rooms ADD COLUMN settings TEXT;

      CREATE TABLE bans (
        room_id TEXT NOT NULL REFERENCES rooms (id),
        user_id TEXT NOT NULL,
        until INTEGER,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (room_id, user_id)
      ) WITHOUT ROWID;

      CREATE TABLE member_limits (
        room_id TEXT NOT NULL REFERENCES rooms (id),
        user_id TEXT NOT NULL,
        muted_until INTEGER,
        last_post_at INTEGER,
        PRIMARY KEY (room_id, user_id)
      ) WITHOUT ROWID;

      -- No foreign keys: entries outlive the rooms and users they name.
      CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        room_id TEXT,
        ts INTEGER NOT NULL,
        actor_id TEXT NOT NULL,
        actor_name TEXT NOT NULL,
        action TEXT NOT NULL,
        target_id TEXT,
        target_name TEXT,
        reason TEXT,
        details TEXT
      );
      CREATE INDEX audit_room ON audit (room_id, id);
      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only');
      END;
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only');
      END;

      CREATE TABLE reports (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        room_id TEXT NOT NULL REFERENCES rooms (id),
        target INTEGER NOT NULL,
        author_id TEXT NOT NULL,
        author_name TEXT NOT NULL,
        reporter_id TEXT NOT NULL,
        reporter_name TEXT NOT NULL,
        reason TEXT,
        created_at INTEGER NOT NULL,
        resolved_by_id TEXT,
        resolved_by_name TEXT,
        resolved_at INTEGER
      );
      CREATE INDEX reports_room ON reports (room_id, id);

      CREATE TABLE blocks (
        user_id TEXT NOT NULL,
        blocked_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, blocked_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    // Replies are events of the room's log that name their root; the thread and each user's view
    // of it are kept beside the log (rules/thread-writes.ts).
    name: 'threads and replies',
    sql: `
      ALTER TABLE events ADD COLUMN thread INTEGER;
      ALTER TABLE events ADD COLUMN also_in_room INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX events_thread ON events (room_id, thread, seq) WHERE thread IS NOT NULL;

      CREATE TABLE threads (
        room_id TEXT NOT NULL REFERENCES rooms (id),
        root INTEGER NOT NULL,
        replies INTEGER NOT NULL,
        last_seq INTEGER NOT NULL,
        last_ts INTEGER NOT NULL,
        participants TEXT NOT NULL,
        PRIMARY KEY (room_id, root)
      ) WITHOUT ROWID;

      CREATE TABLE thread_follows (
        room_id TEXT NOT NULL REFERENCES rooms (id),
        root INTEGER NOT NULL,
        user_id TEXT NOT NULL,
        following INTEGER NOT NULL,
        read_seq INTEGER NOT NULL,
        unread INTEGER NOT NULL DEFAULT 0,
        version INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (room_id, root, user_id)
      ) WITHOUT ROWID;
      CREATE INDEX thread_follows_user ON thread_follows (user_id);
    `,
  },
  {
    // Search (issue 21): the tokens of every live message (../../search/), existing ones included.
    name: 'search',
    sql: SEARCH_SCHEMA_SQL,
    run: backfillSearch,
  },
  {
    name: 'bot accounts: users of kind bot, and their token hashes',
    // SQLite cannot change a CHECK in place: the users table is rebuilt, foreign keys off. The
    // other tables' REFERENCES users name the new table once it takes the name.
    rebuildsTables: true,
    sql: `
      CREATE TABLE users_v7 (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('account', 'guest', 'external', 'bot')),
        password_hash TEXT,
        external_id TEXT UNIQUE,
        created_at INTEGER NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
      );
      INSERT INTO users_v7 (id, username, name, kind, password_hash, external_id, created_at, disabled)
        SELECT id, username, name, kind, password_hash, external_id, created_at, disabled FROM users;
      DROP TABLE users;
      ALTER TABLE users_v7 RENAME TO users;

      CREATE TABLE bots (
        user_id TEXT PRIMARY KEY REFERENCES users (id),
        created_by TEXT NOT NULL REFERENCES users (id),
        created_at INTEGER NOT NULL,
        token_hash TEXT UNIQUE
      );
      CREATE INDEX bots_created_by ON bots (created_by, created_at);
    `,
  },
  {
    // Webhooks and their delivery outbox (issue 23).
    name: 'webhooks, their delivery outbox',
    sql: `
      CREATE TABLE webhooks (
        id TEXT PRIMARY KEY,
        room_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('incoming', 'outgoing')),
        name TEXT NOT NULL,
        url TEXT,
        triggers TEXT,
        command TEXT,
        secret_hash TEXT,
        signing_secret TEXT,
        created_by_id TEXT NOT NULL,
        created_by_name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER,
        cursor INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX webhooks_room ON webhooks (room_id, created_at);
      CREATE INDEX webhooks_active_outgoing ON webhooks (kind) WHERE revoked_at IS NULL;

      CREATE TABLE webhook_deliveries (
        id TEXT PRIMARY KEY,
        webhook_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        event TEXT NOT NULL,
        payload TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at INTEGER NOT NULL,
        claimed_until INTEGER NOT NULL DEFAULT 0,
        claim TEXT,
        last_status INTEGER,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        delivered_at INTEGER
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at) WHERE state = 'pending';
      CREATE INDEX webhook_deliveries_room ON webhook_deliveries (room_id, created_at);
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The schema version just before the migration named `name` (tests make databases of that version). */
export function versionBefore(name: string): number {
  const index = MIGRATIONS.findIndex((migration) => migration.name === name);
  if (index < 0) throw new Error(`no migration named ${name}`);
  return index;
}

/**
 * Applies every migration newer than the file's version, up to `target` (tests
 * make files of older versions with it). Throws if the file is newer than this code.
 */
export function runMigrations(db: Database, target = SCHEMA_VERSION): void {
  const version = (): number => db.pragma('user_version', { simple: true }) as number;
  const step = db.transaction((index: number, migration: Migration) => {
    // Another process may have applied it since we looked.
    if (version() !== index) return;
    db.exec(migration.sql);
    migration.run?.(db);
    if (migration.rebuildsTables) {
      const broken = db.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0) throw new Error(`migration "${migration.name}" left ${broken.length} broken references`);
    }
    db.pragma(`user_version = ${index + 1}`);
  });
  const found = version();
  if (found > SCHEMA_VERSION) {
    throw new Error(`the database is at schema version ${found}, newer than this server's ${SCHEMA_VERSION}`);
  }
  for (let index = found; index < target; index++) {
    const migration = MIGRATIONS[index]!;
    const foreignKeys = db.pragma('foreign_keys', { simple: true }) === 1;
    if (migration.rebuildsTables && foreignKeys) db.pragma('foreign_keys = OFF');
    try {
      step.immediate(index, migration);
    } finally {
      if (migration.rebuildsTables && foreignKeys) db.pragma('foreign_keys = ON');
    }
  }
}
