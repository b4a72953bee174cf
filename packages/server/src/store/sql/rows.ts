/**
 * Rows to protocol objects. Output objects get only the fields that are set
 * (no `undefined` keys): events are JSON-serialized on the fan-out path.
 */
import { FILES_PATH, THUMBNAILS_PATH } from '@parley/protocol';
import type { Attachment, AuditEntry, LinkPreview, MessageEvent, WebhookRef, Reactions, Report, Role, RoomEvent, RoomKind, RoomSettings, UserRef, UserSummary } from '@parley/protocol';
import type { StoredFile, StoredRoomSummary, StoredSession, StoredUser } from '../store.js';
import type { AuditRow, EventRow, FileRow, MemberRole, ReactionRow, ReportRow, RoomsTable, UserRow } from './schema.js';

/** What `events.data` holds, by event kind. */
export interface EventData {
  /**
   * A live message: its files (null when none). A deleted one: `moderated` when a moderator
   * deleted it (null otherwise); its files are forgotten.
   */
  message: { attachments?: Attachment[]; moderated?: true; replyTo?: number; /** Sent by a bot account (kept while the message lives). */ bot?: true; webhook?: WebhookRef; preview?: LinkPreview };
  preview: { preview: LinkPreview };
  reaction: { emoji: string; on: boolean };
  join: { by: UserRef };
  rename: { from: string; to: string };
  created: { name: string; roomKind: RoomKind };
  role: { target: UserRef; role: Role };
  kick: { target: UserRef };
  ban: { target: UserRef; until?: number; removed?: true; deleted?: number[] };
  unban: { target: UserRef };
  timeout: { target: UserRef; until: number };
  settings: { settings: RoomSettings };
  /**
   * A delete by a moderator (`moderated` is also written on the deleted message's own row), and
   * the thread of a deleted reply that was not sent to the room (§25).
   */
  delete: { moderated?: true; thread?: number };
}

/** Messages posted through a webhook are by the user `webhook:<webhook id>`, whom no account can be (user ids have no colon). */
export const WEBHOOK_USER_PREFIX = 'webhook:';

/** The room's settings from `rooms.settings`. */
export function parseSettings(text: string | null): RoomSettings {
  return text === null ? {} : (JSON.parse(text) as RoomSettings);
}

/** `rooms.settings` for these settings: null when none differs from the defaults. */
export function settingsText(settings: RoomSettings): string | null {
  return Object.keys(settings).length === 0 ? null : JSON.stringify(settings);
}

/** A session joined with its user (findSessionUser): the user's columns and the session's, prefixed. */
export type SessionUserRow = UserRow & { session_expires_at: number; session_revoked: number };

export function toSessionUser(row: SessionUserRow): { session: StoredSession; user: StoredUser } {
  return { session: { userId: row.id, expiresAt: row.session_expires_at, revoked: row.session_revoked === 1 }, user: toStoredUser(row) };
}

export function toStoredUser(row: UserRow): StoredUser {
  return {
    id: row.id,
    username: row.username,
    name: row.name,
    kind: row.kind,
    passwordHash: row.password_hash,
    externalId: row.external_id,
    createdAt: row.created_at,
    disabled: row.disabled === 1,
  };
}

/** Groups reaction rows (ordered by target, then reaction order) into each message's Reactions. */
export function groupReactions(rows: readonly ReactionRow[]): Map<number, Reactions> {
  const byTarget = new Map<number, Map<string, string[]>>();
  for (const row of rows) {
    let byEmoji = byTarget.get(row.target);
    if (!byEmoji) byTarget.set(row.target, (byEmoji = new Map()));
    const users = byEmoji.get(row.emoji);
    if (users) users.push(row.user_id);
    else byEmoji.set(row.emoji, [row.user_id]);
  }
  // fromEntries defines own properties, so an emoji such as "__proto__" stays a plain key.
  return new Map([...byTarget].map(([target, byEmoji]) => [target, Object.fromEntries(byEmoji)]));
}

/** The event in its current state; `reactions` are the message's current reactions, if any. */
export function toRoomEvent(row: EventRow, reactions?: Reactions): RoomEvent {
  const room = row.room_id;
  const { seq, ts } = row;
  const user = { id: row.user_id, name: row.user_name };
  switch (row.kind) {
    case 'message': {
      const event: MessageEvent = { kind: 'message', room, seq, ts, user, id: row.client_id!, body: row.body ?? '' };
      if (row.edited_ts !== null) event.editedTs = row.edited_ts;
      if (row.deleted) event.deleted = true;
      if (row.deleted && row.data !== null && parseData<'message'>(row).moderated) event.moderated = true;
      if (reactions) event.reactions = reactions;
      if (row.data !== null && !row.deleted) {
        const data = parseData<'message'>(row);
        if (data.attachments) event.attachments = data.attachments;
        if (data.replyTo !== undefined) event.replyTo = data.replyTo;
        if (data.bot) event.bot = true;
        if (data.preview) event.preview = data.preview;
        if (data.webhook) event.webhook = data.webhook;
      }
      if (row.thread !== null) event.thread = row.thread;
      if (row.also_in_room === 1) event.alsoInRoom = true;
      return event;
    }
    case 'edit':
      return { kind: 'edit', room, seq, ts, user, target: row.target!, body: row.body ?? '' };
    case 'delete': {
      const event: RoomEvent = { kind: 'delete', room, seq, ts, user, target: row.target! };
      if (row.data === null) return event;
      const data = parseData<'delete'>(row);
      if (data.moderated) event.moderated = true;
      if (data.thread !== undefined) event.thread = data.thread;
      return event;
    }
    case 'reaction': {
      const data = parseData<'reaction'>(row);
      return { kind: 'reaction', room, seq, ts, user, target: row.target!, emoji: data.emoji, on: data.on };
    }
    case 'join': {
      if (row.data === null) return { kind: 'join', room, seq, ts, user };
      return { kind: 'join', room, seq, ts, user, by: parseData<'join'>(row).by };
    }
    case 'leave':
      return { kind: 'leave', room, seq, ts, user };
    case 'rename': {
      const data = parseData<'rename'>(row);
      return { kind: 'rename', room, seq, ts, user, from: data.from, to: data.to };
    }
    case 'created': {
      const data = parseData<'created'>(row);
      return { kind: 'created', room, seq, ts, user, name: data.name, roomKind: data.roomKind };
    }
    case 'role': {
      const data = parseData<'role'>(row);
      return { kind: 'role', room, seq, ts, user, target: data.target, role: data.role };
    }
    case 'kick':
      return { kind: 'kick', room, seq, ts, user, target: parseData<'kick'>(row).target };
    case 'ban': {
      const data = parseData<'ban'>(row);
      return { kind: 'ban', room, seq, ts, user, ...data };
    }
    case 'unban':
      return { kind: 'unban', room, seq, ts, user, target: parseData<'unban'>(row).target };
    case 'timeout': {
      const data = parseData<'timeout'>(row);
      return { kind: 'timeout', room, seq, ts, user, target: data.target, until: data.until };
    }
    case 'settings':
      return { kind: 'settings', room, seq, ts, user, settings: parseData<'settings'>(row).settings };
    case 'preview':
      if (row.data === null) return { kind: 'preview', room, seq, ts, user, target: row.target! };
      return { kind: 'preview', room, seq, ts, user, target: row.target!, preview: parseData<'preview'>(row).preview };
  }
}

/** Maps rows (ascending, one room) to events, attaching reactions to their messages. */
export function toRoomEvents(rows: readonly EventRow[], reactions: Map<number, Reactions>): RoomEvent[] {
  return rows.map((row) => toRoomEvent(row, reactions.get(row.seq)));
}

/** The seq range spanned by the message rows, to fetch their reactions in one query; null when there are none. */
export function messageSeqRange(rows: readonly EventRow[]): { from: number; to: number } | null {
  let from = Infinity;
  let to = -Infinity;
  for (const row of rows) {
    if (row.kind !== 'message' || row.deleted) continue;
    if (row.seq < from) from = row.seq;
    if (row.seq > to) to = row.seq;
  }
  return from === Infinity ? null : { from, to };
}

function parseData<K extends keyof EventData>(row: EventRow): EventData[K] {
  return JSON.parse(row.data!) as EventData[K];
}

/** A row of a room-summary query: the room, the user's membership and limits (nulls outside them) and their unread count. */
export interface SummaryRow extends Pick<RoomsTable, 'id' | 'name' | 'kind' | 'last_seq' | 'member_count' | 'settings'> {
  member_id: string | null;
  read_seq: number | null;
  role: MemberRole | null;
  muted_until: number | null;
  unread: number;
}

/** A room as listed for one user; a DM is named after `peer`. */
export function toRoomSummary(row: SummaryRow, peer: UserSummary | null, now = Date.now()): StoredRoomSummary {
  const joined = row.member_id !== null;
  const summary: StoredRoomSummary = {
    id: row.id,
    name: row.name,
    kind: row.kind,
    joined,
    members: row.member_count,
    latestSeq: row.last_seq,
    readSeq: joined ? (row.read_seq ?? 0) : 0,
    unread: joined ? row.unread : 0,
  };
  if (peer) {
    summary.name = peer.name;
    summary.peer = peer;
  }
  // A DM's creator is stored as its owner, but a DM has no roles: nobody moderates it.
  if (joined && row.role !== null && row.kind !== 'dm') summary.role = row.role;
  if (row.settings !== null) summary.settings = parseSettings(row.settings);
  if (joined && row.muted_until !== null && row.muted_until > now) summary.timedOutUntil = row.muted_until;
  return summary;
}

/** A DM's other member; the user themself when they are its only member (a DM with oneself, or one the other side has left). */
export function dmPeer(members: readonly UserSummary[], userId: string): UserSummary | null {
  let peer: UserSummary | null = null;
  for (const member of members) {
    if (member.id === userId && peer !== null) continue;
    peer = { id: member.id, name: member.name, username: member.username, kind: member.kind };
    if (member.id !== userId) break;
  }
  return peer;
}

export function toStoredFile(row: FileRow): StoredFile {
  return {
    id: row.id,
    room: row.room_id,
    userId: row.user_id,
    seq: row.seq,
    name: row.name,
    size: row.size,
    contentType: row.content_type,
    sha256: row.sha256,
    blobKey: row.blob_key,
    thumbKey: row.thumb_key,
    width: row.width,
    height: row.height,
    createdAt: row.created_at,
  };
}

/** A file as messages carry it; its URLs are paths under FILES_PATH. */
export function toAttachment(file: StoredFile): Attachment {
  const attachment: Attachment = {
    id: file.id,
    name: file.name,
    size: file.size,
    contentType: file.contentType,
    url: `${FILES_PATH}/${file.id}/${encodeURIComponent(file.name)}`,
  };
  if (file.width !== null && file.height !== null) {
    attachment.width = file.width;
    attachment.height = file.height;
  }
  if (file.thumbKey !== null) attachment.thumbnailUrl = `${THUMBNAILS_PATH}/${file.id}`;
  return attachment;
}

export function toReport(row: ReportRow): Report {
  const report: Report = {
    id: row.id,
    room: row.room_id,
    target: row.target,
    author: { id: row.author_id, name: row.author_name },
    reporter: { id: row.reporter_id, name: row.reporter_name },
    ts: row.created_at,
  };
  if (row.reason !== null) report.reason = row.reason;
  if (row.resolved_at !== null) report.resolved = { by: { id: row.resolved_by_id!, name: row.resolved_by_name! }, ts: row.resolved_at };
  return report;
}

export function toAuditEntry(row: AuditRow): AuditEntry {
  const entry: AuditEntry = { id: row.id, room: row.room_id, ts: row.ts, actor: { id: row.actor_id, name: row.actor_name }, action: row.action };
  if (row.target_id !== null) entry.target = { id: row.target_id, name: row.target_name ?? row.target_id };
  if (row.reason !== null) entry.reason = row.reason;
  if (row.details !== null) entry.details = JSON.parse(row.details) as Record<string, unknown>;
  return entry;
}
