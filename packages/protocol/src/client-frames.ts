/**
 * Frames a client sends. Each is validated by these schemas before the server
 * uses it. Every request but `typing` carries a `ref` (any string of 1–64
 * characters the client chooses) that the server's `ack` or `error` repeats;
 * `send` uses the message's own `id` as its ref.
 */
import { z } from 'zod';
import { DEFAULT_LIMITS, DIRECTORY_PAGE_MAX, EMOJI_MAX, NAME_MAX, PEOPLE_MAX, ROOM_NAME_MAX, SEARCH_PAGE_MAX, SEARCH_QUERY_MAX } from './limits.js';
import { MODERATION_LIMITS, PERMISSIONS, ROLES } from './roles.js';
import { THREAD_PAGE_MAX, THREADS_LIST_MAX } from './threads.js';

const ref = z.string().min(1).max(64);
/** What a client-made message id must look like (UUIDv7 or ULID recommended). */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
const clientId = z.string().regex(CLIENT_ID_PATTERN, 'ids are 8–64 characters of A–Z a–z 0–9 _ -');

/**
 * A lone surrogate (U+D800–U+DFFF without its pair) has no UTF-8 form: a store
 * writing UTF-8 keeps U+FFFD instead, so history would return other text than
 * was delivered live. Such text is refused, whatever the store.
 */
const LONE_SURROGATE = /\p{Cs}/u;
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}
/** Text every store keeps as it is: well-formed, and no NUL (PostgreSQL's text cannot hold one). */
export function isStorableText(text: string): boolean {
  return isWellFormed(text) && !text.includes('\0');
}
const storable = z.string().refine(isStorableText, 'NUL characters and lone surrogates (\\ud800–\\udfff) are not allowed');

const roomId = storable.min(1).max(128);
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const body = storable.min(1);
const trimmedName = (max: number) =>
  z
    .string()
    .transform((s) => s.normalize('NFC').replace(/\s+/g, ' ').trim())
    .pipe(
      z
        .string()
        .min(1)
        .max(max)
        .regex(/^[^\p{Cc}\p{Cf}\p{Cs}]+$/u, 'control characters, format characters and lone surrogates are not allowed'),
    );

export const displayName = trimmedName(NAME_MAX);
export const roomName = trimmedName(ROOM_NAME_MAX);
export const username = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.string().regex(/^[a-z0-9][a-z0-9_.-]{1,31}$/, 'usernames are 2–32 of a–z 0–9 _ . - starting with a letter or digit'));
export const emoji = z
  .string()
  .min(1)
  .max(EMOJI_MAX)
  .regex(/^[^\s\p{Cc}\p{Cs}<>&"']+$/u, 'one emoji or short code, no spaces');

/** In moderation frames, `user` is a user id (UserSummary.id). */
const userId = storable.min(1).max(128);
/** Why, for the audit log: trimmed, 1–512 characters. */
const reason = z
  .string()
  .transform((s) => s.trim())
  .pipe(storable.min(1).max(MODERATION_LIMITS.reasonMax));

export const authFrame = z.strictObject({ type: z.literal('auth'), ref, token: z.string().min(1).max(4096) });
export const resumeFrame = z.strictObject({
  type: z.literal('resume'),
  ref,
  rooms: z
    .array(z.strictObject({ room: roomId, after: seq }))
    .max(1000)
    .refine((rooms) => new Set(rooms.map((r) => r.room)).size === rooms.length, 'each room at most once'),
});
/** What a file id looks like: 22 characters of base64url (128 random bits). */
export const FILE_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const fileId = z.string().regex(FILE_ID_PATTERN, 'file ids are 22 characters of A–Z a–z 0–9 _ -');
/**
 * A message: `body`, and files uploaded before (`attachments`, ids from `POST /api/files`).
 * With files the body may be empty (a caption is optional); without, it may not.
 */
export const sendFields = z.strictObject({
  type: z.literal('send'),
  id: clientId,
  room: roomId,
  body: storable,
  attachments: z
    .array(fileId)
    .min(1)
    .max(DEFAULT_LIMITS.maxAttachments)
    .refine((ids) => new Set(ids).size === ids.length, 'each file at most once')
    .optional(),
  /** A reply in the thread of this root message (a reply's seq: its thread). */
  thread: seq.min(1).optional(),
  /** With `thread`: also show the reply in the room's main timeline. */
  alsoInRoom: z.literal(true).optional(),
  /** A quoted reply in the main timeline: the message it answers. */
  replyTo: seq.min(1).optional(),
});
export const sendFrame = sendFields
  .refine((f) => f.body.length > 0 || f.attachments !== undefined, { message: 'a message needs a body or attachments', path: ['body'] })
  .refine((f) => f.alsoInRoom === undefined || f.thread !== undefined, { message: 'alsoInRoom needs thread', path: ['alsoInRoom'] })
  .refine((f) => f.thread === undefined || f.replyTo === undefined, { message: 'give thread or replyTo, not both', path: ['replyTo'] });
export const editFrame = z.strictObject({ type: z.literal('edit'), ref, room: roomId, target: seq, body });
/** `reason`: for the audit log, when a moderator deletes someone else's message. */
export const deleteFrame = z.strictObject({ type: z.literal('delete'), ref, room: roomId, target: seq, reason: reason.optional() });
export const reactFrame = z.strictObject({
  type: z.literal('react'),
  ref,
  room: roomId,
  target: seq,
  emoji,
  on: z.boolean(),
});
export const readFrame = z.strictObject({ type: z.literal('read'), ref, room: roomId, seq });
export const typingFrame = z.strictObject({ type: z.literal('typing'), room: roomId });
export const joinFrame = z.strictObject({ type: z.literal('join'), ref, room: roomId });
export const leaveFrame = z.strictObject({ type: z.literal('leave'), ref, room: roomId });
export const createFrame = z.strictObject({
  type: z.literal('create'),
  ref,
  name: roomName,
  kind: z.enum(['public', 'private']),
});
export const inviteFrame = z.strictObject({ type: z.literal('invite'), ref, room: roomId, username });
export const dmFrame = z.strictObject({ type: z.literal('dm'), ref, username });
export const renameFrame = z.strictObject({ type: z.literal('rename'), ref, name: displayName });
export const roomsFrame = z.strictObject({ type: z.literal('rooms'), ref });
export const membersFrame = z.strictObject({ type: z.literal('members'), ref, room: roomId });
/**
 * A page of the public rooms, by name. `query`: only rooms whose name contains it (ignoring
 * case); `after`: the `next` of the page before.
 */
export const directoryFrame = z.strictObject({
  type: z.literal('directory'),
  ref,
  query: storable.max(ROOM_NAME_MAX).optional(),
  after: storable.min(1).max(4 * ROOM_NAME_MAX).optional(),
  limit: z.number().int().min(1).max(DIRECTORY_PAGE_MAX).optional(),
});
/**
 * A page of a room's log. `before`: events with seq < before, newest page
 * first (returned in ascending order). `after`: events with seq > after.
 * Neither: the newest page.
 */
export const historyFields = z.strictObject({
  type: z.literal('history'),
  ref,
  room: roomId,
  before: seq.optional(),
  after: seq.optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});
export const historyFrame = historyFields.refine((f) => f.before === undefined || f.after === undefined, 'give before or after, not both');
export const pingFrame = z.strictObject({ type: z.literal('ping'), ref: ref.optional() });

const role = z.enum(ROLES);
const duration = (max: number) => z.number().int().min(0).max(max);

export const roleFrame = z.strictObject({ type: z.literal('role'), ref, room: roomId, user: userId, role });
export const kickFrame = z.strictObject({ type: z.literal('kick'), ref, room: roomId, user: userId, reason: reason.optional() });
/** `durationMs`: the ban ends after it (none: until unbanned); `deleteMessagesMs`: also delete their messages of this long before. */
export const banFrame = z.strictObject({
  type: z.literal('ban'),
  ref,
  room: roomId,
  user: userId,
  durationMs: duration(MODERATION_LIMITS.banMaxMs).min(1).optional(),
  deleteMessagesMs: duration(MODERATION_LIMITS.purgeMaxMs).optional(),
  reason: reason.optional(),
});
export const unbanFrame = z.strictObject({ type: z.literal('unban'), ref, room: roomId, user: userId, reason: reason.optional() });
/** `durationMs` 0 lifts a time-out. */
export const timeoutFrame = z.strictObject({
  type: z.literal('timeout'),
  ref,
  room: roomId,
  user: userId,
  durationMs: duration(MODERATION_LIMITS.timeoutMaxMs),
  reason: reason.optional(),
});
/** Changes some of a room's settings; `permissions` gives the least role for each permission named. */
export const roomSettingsFields = z.strictObject({
  type: z.literal('room_settings'),
  ref,
  room: roomId,
  readOnly: z.boolean().optional(),
  slowModeSeconds: z.number().int().min(0).max(MODERATION_LIMITS.slowModeMaxSeconds).optional(),
  permissions: z.partialRecord(z.enum(PERMISSIONS), role).optional(),
  reason: reason.optional(),
});
export const roomSettingsFrame = roomSettingsFields.refine((f) => f.readOnly !== undefined || f.slowModeSeconds !== undefined || f.permissions !== undefined, 'change at least one setting');
export const reportFrame = z.strictObject({ type: z.literal('report'), ref, room: roomId, target: seq, reason: reason.optional() });
export const reportsFrame = z.strictObject({ type: z.literal('reports'), ref, room: roomId });
export const resolveReportFrame = z.strictObject({ type: z.literal('resolve_report'), ref, room: roomId, report: seq, reason: reason.optional() });
/** A page of the room's audit log, newest first: entries with id < before. */
export const auditFrame = z.strictObject({
  type: z.literal('audit'),
  ref,
  room: roomId,
  before: seq.optional(),
  limit: z.number().int().min(1).max(MODERATION_LIMITS.auditPageMax).optional(),
});
export const bansFrame = z.strictObject({ type: z.literal('bans'), ref, room: roomId });
// people (protocol §27)
/**
 * People whose display name or username contains `query` (ignoring case), among those who share
 * a room with the user (`room`: among that room's members, which the user must be able to read).
 * An empty query lists them from the start of the alphabet.
 */
export const peopleFrame = z.strictObject({
  type: z.literal('people'),
  ref,
  query: z
    .string()
    .transform((s) => s.normalize('NFC').trim())
    .pipe(storable.max(NAME_MAX)),
  room: roomId.optional(),
  limit: z.number().int().min(1).max(PEOPLE_MAX).optional(),
});
/** One person's card: someone who shares a room with the user (or the user). */
export const profileFrame = z.strictObject({ type: z.literal('profile'), ref, user: userId });

/** Blocks (`on`) or unblocks a user: their messages and DMs are hidden from you, and they cannot write to you in a DM. */
export const blockFrame = z.strictObject({ type: z.literal('block'), ref, user: userId, on: z.boolean() });

// threads (§25)
/** A page of a thread: its root and its replies with seq > after, ascending. */
export const repliesFrame = z.strictObject({
  type: z.literal('replies'),
  ref,
  room: roomId,
  root: seq.min(1),
  after: seq.optional(),
  limit: z.number().int().min(1).max(THREAD_PAGE_MAX).optional(),
});
/** The threads the user follows in their rooms, unread first, then by newest reply. */
export const threadsFrame = z.strictObject({ type: z.literal('threads'), ref, limit: z.number().int().min(1).max(THREADS_LIST_MAX).optional() });
export const followFrame = z.strictObject({ type: z.literal('follow'), ref, room: roomId, root: seq.min(1), on: z.boolean() });
/** Moves the user's read marker in the thread forward to `seq` (a reply's seq). */
export const threadReadFrame = z.strictObject({ type: z.literal('thread_read'), ref, room: roomId, root: seq.min(1), seq });
/**
 * Searches the messages of the rooms the user may read (a member of, or public), newest first.
 * `room`, `author` (a user id), `since` and `until` (epoch ms, until exclusive) narrow it;
 * `before`: the `next` of the page before.
 */
export const searchFrame = z
  .strictObject({
    type: z.literal('search'),
    ref,
    query: storable.min(1).max(SEARCH_QUERY_MAX),
    room: roomId.optional(),
    author: userId.optional(),
    since: seq.optional(),
    until: seq.optional(),
    before: seq.min(1).optional(),
    limit: z.number().int().min(1).max(SEARCH_PAGE_MAX).optional(),
  })
  .refine((f) => f.since === undefined || f.until === undefined || f.since < f.until, 'since must be before until');
/** A webhook's name: as a display name (an outgoing webhook's mention trigger is `@<name>`). */
const webhookName = displayName;
const webhookId = storable.min(1).max(64);
/** A slash command's name, without its slash. */
export const COMMAND_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;
/**
 * Creates a webhook in a room (room admins and owners, §29.1). Incoming: `signed` asks that
 * requests carry a Standard Webhooks signature. Outgoing: `url` (http or https) gets a POST for
 * each `triggers` event; `command` names the slash command of the `command` trigger.
 */
export const webhookCreateFields = z.strictObject({
    type: z.literal('webhook_create'),
    ref,
    room: roomId,
    kind: z.enum(['incoming', 'outgoing']),
    name: webhookName,
    signed: z.boolean().optional(),
    url: z
      .string()
      .max(2048)
      .url()
      .refine((u) => /^https?:\/\//i.test(u), 'http:// or https:// only')
      .optional(),
    triggers: z
      .array(z.enum(['message', 'mention', 'command']))
      .min(1)
      .max(3)
      .refine((t) => new Set(t).size === t.length, 'each trigger at most once')
      .optional(),
    command: z.string().regex(COMMAND_PATTERN, 'commands are 1–32 of a–z 0–9 _ - starting with a letter or digit').optional(),
  });
export const webhookCreateFrame = webhookCreateFields
  .refine((f) => f.kind === 'incoming' || (f.url !== undefined && f.triggers !== undefined), { message: 'an outgoing webhook needs url and triggers', path: ['url'] })
  .refine((f) => f.kind === 'outgoing' || (f.url === undefined && f.triggers === undefined && f.command === undefined), { message: 'an incoming webhook takes no url, triggers or command', path: ['kind'] })
  .refine((f) => (f.triggers?.includes('command') ?? false) === (f.command !== undefined), { message: 'the command trigger and command go together', path: ['command'] })
  .refine((f) => f.kind === 'incoming' || f.signed === undefined, { message: 'outgoing deliveries are always signed', path: ['signed'] });
export const webhooksFrame = z.strictObject({ type: z.literal('webhooks'), ref, room: roomId });
export const webhookRevokeFrame = z.strictObject({ type: z.literal('webhook_revoke'), ref, room: roomId, webhook: webhookId });
/** The newest deliveries of the room's outgoing webhooks (or of one), newest first. */
export const webhookDeliveriesFrame = z.strictObject({
  type: z.literal('webhook_deliveries'),
  ref,
  room: roomId,
  webhook: webhookId.optional(),
  limit: z.number().int().min(1).max(200).optional(),
});

export const clientFrame = z.discriminatedUnion('type', [
  authFrame,
  resumeFrame,
  sendFrame,
  editFrame,
  deleteFrame,
  reactFrame,
  readFrame,
  typingFrame,
  joinFrame,
  leaveFrame,
  createFrame,
  inviteFrame,
  dmFrame,
  renameFrame,
  roomsFrame,
  membersFrame,
  directoryFrame,
  historyFrame,
  pingFrame,
  roleFrame,
  kickFrame,
  banFrame,
  unbanFrame,
  timeoutFrame,
  roomSettingsFrame,
  reportFrame,
  reportsFrame,
  resolveReportFrame,
  auditFrame,
  bansFrame,
  blockFrame,
  repliesFrame,
  threadsFrame,
  followFrame,
  threadReadFrame,
  searchFrame,
  // people
  peopleFrame,
  profileFrame,
  webhookCreateFrame,
  webhooksFrame,
  webhookRevokeFrame,
  webhookDeliveriesFrame,
]);

export type ClientFrame = z.infer<typeof clientFrame>;
export type ClientFrameType = ClientFrame['type'];
export type ClientFrameOf<T extends ClientFrameType> = Extract<ClientFrame, { type: T }>;
