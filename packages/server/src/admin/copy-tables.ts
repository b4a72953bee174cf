/**
 * The tables a copy from SQLite to PostgreSQL moves, in an order their
 * foreign keys allow, with each column's PostgreSQL type (for the arrays of
 * `INSERT … SELECT * FROM unnest(…)`, which sends a whole chunk of rows as one
 * array per column). The columns are the shared schema's (../store/sql/schema.ts).
 */
import type { Database } from '../store/sql/schema.js';

type Columns<T> = { [K in keyof T]: 'text' | 'bigint' | 'integer' | 'smallint' };

export interface CopiedTable<N extends keyof Database = keyof Database> {
  name: N;
  columns: Columns<Database[N]>;
  /** The primary key, to read the source in a stable order. */
  orderBy: string;
}

function table<N extends keyof Database>(name: N, columns: Columns<Database[N]>, orderBy: string): CopiedTable<N> {
  return { name, columns, orderBy };
}

export const COPIED_TABLES: readonly CopiedTable[] = [
  table(
    'users',
    { id: 'text', username: 'text', name: 'text', kind: 'text', password_hash: 'text', external_id: 'text', created_at: 'bigint', disabled: 'smallint' },
    'id',
  ),
  table('sessions', { token_hash: 'text', user_id: 'text', expires_at: 'bigint', revoked: 'smallint' }, 'token_hash'),
  table('token_revocations', { key: 'text', jti: 'text', subject: 'text', not_before: 'bigint', created_at: 'bigint' }, 'key'),
  // member_count is not copied: the members trigger counts the members as they are inserted.
  table(
    'rooms',
    {
      id: 'text',
      name: 'text',
      name_key: 'text',
      kind: 'text',
      created_by: 'text',
      created_at: 'bigint',
      last_seq: 'bigint',
      member_count: 'integer',
      settings: 'text',
    },
    'id',
  ),
  table('members', { room_id: 'text', user_id: 'text', role: 'text', read_seq: 'bigint', joined_at: 'bigint' }, 'room_id, user_id'),
  table(
    'events',
    {
      room_id: 'text',
      seq: 'bigint',
      ts: 'bigint',
      kind: 'text',
      user_id: 'text',
      user_name: 'text',
      client_id: 'text',
      body: 'text',
      target: 'bigint',
      data: 'text',
      edited_ts: 'bigint',
      deleted: 'smallint',
      thread: 'bigint',
      also_in_room: 'smallint',
    },
    'room_id, seq',
  ),
  table('threads', { room_id: 'text', root: 'bigint', replies: 'bigint', last_seq: 'bigint', last_ts: 'bigint', participants: 'text' }, 'room_id, root'),
  table(
    'thread_follows',
    { room_id: 'text', root: 'bigint', user_id: 'text', following: 'smallint', read_seq: 'bigint', unread: 'bigint', version: 'bigint' },
    'room_id, root, user_id',
  ),
  table('reactions', { room_id: 'text', target: 'bigint', user_id: 'text', emoji: 'text', seq: 'bigint' }, 'room_id, target, user_id, emoji'),
  // The records only: the blobs they name stay in the Files storage (FILES_STORAGE), which the copy does not move.
  table(
    'files',
    {
      id: 'text',
      room_id: 'text',
      user_id: 'text',
      seq: 'bigint',
      name: 'text',
      size: 'bigint',
      content_type: 'text',
      sha256: 'text',
      blob_key: 'text',
      thumb_key: 'text',
      width: 'integer',
      height: 'integer',
      created_at: 'bigint',
    },
    'id',
  ),
  table('bans', { room_id: 'text', user_id: 'text', until: 'bigint', created_at: 'bigint' }, 'room_id, user_id'),
  table('member_limits', { room_id: 'text', user_id: 'text', muted_until: 'bigint', last_post_at: 'bigint' }, 'room_id, user_id'),
  table(
    'audit',
    {
      id: 'bigint',
      room_id: 'text',
      ts: 'bigint',
      actor_id: 'text',
      actor_name: 'text',
      action: 'text',
      target_id: 'text',
      target_name: 'text',
      reason: 'text',
      details: 'text',
    },
    'id',
  ),
  table(
    'reports',
    {
      id: 'bigint',
      room_id: 'text',
      target: 'bigint',
      author_id: 'text',
      author_name: 'text',
      reporter_id: 'text',
      reporter_name: 'text',
      reason: 'text',
      created_at: 'bigint',
      resolved_by_id: 'text',
      resolved_by_name: 'text',
      resolved_at: 'bigint',
    },
    'id',
  ),
  table('blocks', { user_id: 'text', blocked_id: 'text', created_at: 'bigint' }, 'user_id, blocked_id'),
  table(
    'webhooks',
    {
      id: 'text',
      room_id: 'text',
      kind: 'text',
      name: 'text',
      url: 'text',
      triggers: 'text',
      command: 'text',
      secret_hash: 'text',
      signing_secret: 'text',
      created_by_id: 'text',
      created_by_name: 'text',
      created_at: 'bigint',
      revoked_at: 'bigint',
      cursor: 'bigint',
    },
    'id',
  ),
  table(
    'webhook_deliveries',
    {
      id: 'text',
      webhook_id: 'text',
      room_id: 'text',
      seq: 'bigint',
      event: 'text',
      payload: 'text',
      state: 'text',
      attempts: 'integer',
      next_at: 'bigint',
      claimed_until: 'bigint',
      claim: 'text',
      last_status: 'integer',
      last_error: 'text',
      created_at: 'bigint',
      delivered_at: 'bigint',
    },
    'id',
  ),
];

/** Tables whose ids PostgreSQL makes (identity columns): after a copy their sequences continue past the copied ids. */
export const IDENTITY_TABLES = ['audit', 'reports'] as const;
