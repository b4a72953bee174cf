/**
 * Versioned schema migrations for PostgreSQL, recorded in `parley_schema`.
 *
 * The tables are the SQLite store's (sqlite/migrations.ts), column for column,
 * so that the shared queries (../sql/) and rules (../rules/) serve both:
 * ids and keys are `text COLLATE "C"` (byte order, as in SQLite, so that
 * every store sorts and locks rooms in one order), times and seqs `bigint`,
 * flags `smallint` 0/1. Each migration runs in one transaction holding an
 * advisory lock, so nodes starting together apply each step once, and a
 * failed step leaves the previous version intact (PostgreSQL's DDL is
 * transactional).
 *
 * Append new migrations at the end; never edit one that has shipped.
 */
import type pg from 'pg';
import { SEARCH_SCHEMA_SQL, backfillSearch } from '../../search/search-postgres-v1.js';
import { SEARCH_KEYS_SCHEMA_SQL, numberMessagesForSearch } from '../../search/search-postgres.js';

interface Migration {
  name: string;
  sql: string;
  /** Runs after `sql`, in the same transaction: data the schema's SQL cannot compute. */
  run?: (client: pg.ClientBase) => Promise<void>;
}

/** The key of the advisory lock migrations hold ("parley" in ASCII). */
const MIGRATION_LOCK = 0x7061726c6579;

const MIGRATIONS: readonly Migration[] = [
  {
    name: 'initial schema (SQLite versions 1–3)',
    sql: `
      CREATE TABLE users (
        id text COLLATE "C" PRIMARY KEY,
        username text COLLATE "C" NOT NULL UNIQUE,
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('account', 'guest', 'external')),
        password_hash text,
        external_id text COLLATE "C" UNIQUE,
        created_at bigint NOT NULL
      );

      CREATE TABLE sessions (
        token_hash text COLLATE "C" PRIMARY KEY,
        user_id text COLLATE "C" NOT NULL REFERENCES users (id),
        expires_at bigint NOT NULL,
        revoked smallint NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
      );
      CREATE INDEX sessions_user ON sessions (user_id);

      CREATE TABLE rooms (
        id text COLLATE "C" PRIMARY KEY,
        name text NOT NULL,
        name_key text COLLATE "C" UNIQUE,
        kind text NOT NULL CHECK (kind IN ('public', 'private', 'dm')),
        created_by text COLLATE "C" REFERENCES users (id),
        created_at bigint NOT NULL,
        last_seq bigint NOT NULL DEFAULT 0,
        member_count integer NOT NULL DEFAULT 0,
        CHECK ((kind = 'dm') = (name_key IS NULL))
      );
      CREATE INDEX rooms_public ON rooms (created_at, id) WHERE kind = 'public';

      CREATE TABLE members (
        room_id text COLLATE "C" NOT NULL REFERENCES rooms (id),
        user_id text COLLATE "C" NOT NULL REFERENCES users (id),
        role text NOT NULL CHECK (role IN ('owner', 'member')),
        read_seq bigint NOT NULL DEFAULT 0,
        joined_at bigint NOT NULL,
        PRIMARY KEY (room_id, user_id)
      );
      CREATE INDEX members_user ON members (user_id, room_id);

      -- Kept in the room's row by triggers, as in SQLite: a room's summary reads one row, not its members.
      CREATE FUNCTION parley_count_members() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          UPDATE rooms SET member_count = member_count + 1 WHERE id = NEW.room_id;
        ELSE
          UPDATE rooms SET member_count = member_count - 1 WHERE id = OLD.room_id;
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER members_counted AFTER INSERT OR DELETE ON members
        FOR EACH ROW EXECUTE FUNCTION parley_count_members();

      -- user_id has no foreign key: server-made events are attributed to SERVER_USER.
      CREATE TABLE events (
        room_id text COLLATE "C" NOT NULL REFERENCES rooms (id),
        seq bigint NOT NULL,
        ts bigint NOT NULL,
        kind text NOT NULL,
        user_id text COLLATE "C" NOT NULL,
        user_name text NOT NULL,
        client_id text COLLATE "C",
        body text,
        target bigint,
        data text,
        edited_ts bigint,
        deleted smallint NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        PRIMARY KEY (room_id, seq)
      );
      -- The idempotency key of appendMessage.
      CREATE UNIQUE INDEX events_client_id ON events (room_id, user_id, client_id) WHERE client_id IS NOT NULL;
      -- Finds the edit events of a message when it is deleted (their bodies are erased with it).
      CREATE INDEX events_target ON events (room_id, target) WHERE kind = 'edit';
      -- Unread counts: the messages after a read marker, with their authors, without the other events.
      CREATE INDEX events_live_messages ON events (room_id, seq, user_id) WHERE kind = 'message' AND deleted = 0;

      CREATE TABLE reactions (
        room_id text COLLATE "C" NOT NULL,
        target bigint NOT NULL,
        user_id text COLLATE "C" NOT NULL,
        emoji text NOT NULL,
        seq bigint NOT NULL,
        PRIMARY KEY (room_id, target, user_id, emoji),
        FOREIGN KEY (room_id, target) REFERENCES events (room_id, seq)
      );
    `,
  },
  {
    name: 'revoked tokens (SQLite version 4)',
    sql: `
      CREATE TABLE token_revocations (
        key text COLLATE "C" PRIMARY KEY,
        jti text COLLATE "C",
        subject text COLLATE "C",
        not_before bigint,
        created_at bigint NOT NULL
      );
      CREATE INDEX token_revocations_created ON token_revocations (created_at);
    `,
  },
  {
    name: 'files (SQLite version 5)',
    sql: `
      CREATE TABLE files (
        id text COLLATE "C" PRIMARY KEY,
        room_id text COLLATE "C" NOT NULL REFERENCES rooms (id),
        user_id text COLLATE "C" NOT NULL REFERENCES users (id),
        seq bigint,
        name text NOT NULL,
        size bigint NOT NULL,
        content_type text NOT NULL,
        sha256 text COLLATE "C" NOT NULL,
        blob_key text COLLATE "C" NOT NULL,
        thumb_key text COLLATE "C",
        width integer,
        height integer,
        created_at bigint NOT NULL
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
    // Moderation (issue 22), as SQLite's migration 6. Existing members keep their role.
    name: 'roles, bans, time-outs, slow mode, the audit log, reports, blocks, disabled accounts (SQLite version 6)',
    sql: `
      ALTER TABLE members DROP CONSTRAINT members_role_check;
      ALTER TABLE members ADD CONSTRAINT members_role_check CHECK (role IN ('owner', 'admin', 'moderator', 'member'));
      CREATE INDEX members_staff ON members (room_id, user_id) WHERE role <> 'member';

      ALTER TABLE users ADD COLUMN disabled smallint NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1));
      ALTER TABLE rooms ADD COLUMN settings text;

      CREATE TABLE bans (
        room_id text COLLATE "C" NOT NULL REFERENCES rooms (id),
        user_id text COLLATE "C" NOT NULL,
        until bigint,
        created_at bigint NOT NULL,
        PRIMARY KEY (room_id, user_id)
      );

      CREATE TABLE member_limits (
        room_id text COLLATE "C" NOT NULL REFERENCES rooms (id),
        user_id text COLLATE "C" NOT NULL,
        muted_until bigint,
        last_post_at bigint,
        PRIMARY KEY (room_id, user_id)
      );

      -- BY DEFAULT, so that a copy from SQLite keeps the ids (then sets the sequence past them).
      CREATE TABLE audit (
        id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        room_id text COLLATE "C",
        ts bigint NOT NULL,
        actor_id text COLLATE "C" NOT NULL,
        actor_name text NOT NULL,
        action text NOT NULL,
        target_id text COLLATE "C",
        target_name text,
        reason text,
        details text
      );
      CREATE INDEX audit_room ON audit (room_id, id);
      CREATE FUNCTION parley_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit log is append-only';
      END $$;
      CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
        FOR EACH ROW EXECUTE FUNCTION parley_audit_append_only();
      CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
        FOR EACH STATEMENT EXECUTE FUNCTION parley_audit_append_only();

      CREATE TABLE reports (
        id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        room_id text COLLATE "C" NOT NULL REFERENCES rooms (id),
        target bigint NOT NULL,
        author_id text COLLATE "C" NOT NULL,
        author_name text NOT NULL,
        reporter_id text COLLATE "C" NOT NULL,
        reporter_name text NOT NULL,
        reason text,
        created_at bigint NOT NULL,
        resolved_by_id text COLLATE "C",
        resolved_by_name text,
        resolved_at bigint
      );
      CREATE INDEX reports_room ON reports (room_id, id);

      CREATE TABLE blocks (
        user_id text COLLATE "C" NOT NULL,
        blocked_id text COLLATE "C" NOT NULL,
        created_at bigint NOT NULL,
        PRIMARY KEY (user_id, blocked_id)
      );
    `,
  },
  {
    name: 'threads and replies (SQLite version 7)',
    sql: `
      ALTER TABLE events ADD COLUMN thread bigint;
      ALTER TABLE events ADD COLUMN also_in_room smallint NOT NULL DEFAULT 0;
      CREATE INDEX events_thread ON events (room_id, thread, seq) WHERE thread IS NOT NULL;

      CREATE TABLE threads (
        room_id text COLLATE "C" NOT NULL REFERENCES rooms (id),
        root bigint NOT NULL,
        replies bigint NOT NULL,
        last_seq bigint NOT NULL,
        last_ts bigint NOT NULL,
        participants text NOT NULL,
        PRIMARY KEY (room_id, root)
      );

      CREATE TABLE thread_follows (
        room_id text COLLATE "C" NOT NULL REFERENCES rooms (id),
        root bigint NOT NULL,
        user_id text COLLATE "C" NOT NULL,
        following smallint NOT NULL,
        read_seq bigint NOT NULL,
        unread bigint NOT NULL DEFAULT 0,
        version bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (room_id, root, user_id)
      );
      CREATE INDEX thread_follows_user ON thread_follows (user_id);
    `,
  },
  {
    // Search (issue 21; SQLite version 8): the tokens of every live message (../../search/), existing ones included.
    name: 'search',
    sql: SEARCH_SCHEMA_SQL,
    run: backfillSearch,
  },
  {
    name: 'bot accounts: users of kind bot, and their token hashes (SQLite version 9)',
    sql: `
      ALTER TABLE users DROP CONSTRAINT users_kind_check;
      ALTER TABLE users ADD CONSTRAINT users_kind_check CHECK (kind IN ('account', 'guest', 'external', 'bot'));
      CREATE TABLE bots (
        user_id text COLLATE "C" PRIMARY KEY REFERENCES users (id),
        created_by text COLLATE "C" NOT NULL REFERENCES users (id),
        created_at bigint NOT NULL,
        token_hash text COLLATE "C" UNIQUE
      );
      CREATE INDEX bots_created_by ON bots (created_by, created_at);
    `,
  },
  {
    // Webhooks and their delivery outbox (issue 23; SQLite version 10).
    name: 'webhooks, their delivery outbox',
    sql: `
      CREATE TABLE webhooks (
        id text COLLATE "C" PRIMARY KEY,
        room_id text COLLATE "C" NOT NULL,
        kind text NOT NULL CHECK (kind IN ('incoming', 'outgoing')),
        name text NOT NULL,
        url text,
        triggers text,
        command text,
        secret_hash text,
        signing_secret text,
        created_by_id text COLLATE "C" NOT NULL,
        created_by_name text NOT NULL,
        created_at bigint NOT NULL,
        revoked_at bigint,
        cursor bigint NOT NULL DEFAULT 0
      );
      CREATE INDEX webhooks_room ON webhooks (room_id, created_at);
      CREATE INDEX webhooks_active_outgoing ON webhooks (kind) WHERE revoked_at IS NULL;

      CREATE TABLE webhook_deliveries (
        id text COLLATE "C" PRIMARY KEY,
        webhook_id text COLLATE "C" NOT NULL,
        room_id text COLLATE "C" NOT NULL,
        seq bigint NOT NULL,
        event text NOT NULL,
        payload text NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_at bigint NOT NULL,
        claimed_until bigint NOT NULL DEFAULT 0,
        claim text,
        last_status integer,
        last_error text,
        created_at bigint NOT NULL,
        delivered_at bigint
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at) WHERE state = 'pending';
      CREATE INDEX webhook_deliveries_room ON webhook_deliveries (room_id, created_at);
    `,
  },
  {
    // Search (issue 21) without a copy of the text: keys of each live message's body under an
    // expression index on events, the send order in events.search_id (../../search/search-postgres.ts).
    // The table of tsvectors was 5.7 times the text at 1M messages; this index is a fraction of it.
    name: 'search keys over events',
    sql: SEARCH_KEYS_SCHEMA_SQL,
    run: numberMessagesForSearch,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The schema version just before the migration named `name` (tests make databases of that version). */
export function versionBefore(name: string): number {
  const index = MIGRATIONS.findIndex((migration) => migration.name === name);
  if (index < 0) throw new Error(`no migration named ${name}`);
  return index;
}

/** The schema version of the database `client` is connected to; 0 when it has none (an empty database). */
export async function schemaVersion(client: pg.ClientBase): Promise<number> {
  const table = await client.query<{ exists: boolean }>(`SELECT to_regclass('parley_schema') IS NOT NULL AS exists`);
  if (!table.rows[0]!.exists) return 0;
  const row = await client.query<{ version: number }>(`SELECT version FROM parley_schema`);
  return row.rows[0]?.version ?? 0;
}

/**
 * Applies every migration newer than the database's version, up to `target`.
 * Throws if the database is newer than this code, or is not UTF-8.
 */
export async function runMigrations(client: pg.ClientBase, target = SCHEMA_VERSION): Promise<void> {
  const encoding = await client.query<{ server_encoding: string }>('SHOW server_encoding');
  if (encoding.rows[0]!.server_encoding !== 'UTF8') {
    throw new Error(`the database's encoding is ${encoding.rows[0]!.server_encoding}; Parley needs UTF8 (CREATE DATABASE … ENCODING 'UTF8')`);
  }
  const found = await schemaVersion(client);
  if (found > SCHEMA_VERSION) {
    throw new Error(`the database is at schema version ${found}, newer than this server's ${SCHEMA_VERSION}`);
  }
  for (let index = found; index < target; index++) {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query('CREATE TABLE IF NOT EXISTS parley_schema (version integer NOT NULL)');
      // Another node may have applied it while we waited for the lock.
      if ((await schemaVersion(client)) === index) {
        await client.query(MIGRATIONS[index]!.sql);
        await MIGRATIONS[index]!.run?.(client);
        await client.query('DELETE FROM parley_schema');
        await client.query('INSERT INTO parley_schema (version) VALUES ($1)', [index + 1]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}
