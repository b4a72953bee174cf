/**
 * The protocol's model (model.ts, roles.ts) as zod schemas: what the REST API
 * answers, described in the OpenAPI document (openapi.ts) and parsed by tests.
 * The compiler checks below keep each schema and its interface the same shape.
 */
import { z } from 'zod';
import { AUDIT_ACTIONS } from '../model.js';
import type { Webhook, WebhookDelivery } from '../model.js';
import type { Attachment, AuditEntry, Ban, Member, MessageEvent, Person, Report, RoomEvent, RoomSummary, ThreadInfo, ThreadListItem, ThreadState, UserSummary } from '../model.js';
import type { RepliesPage, SearchResult } from '../server-frames.js';
import { PERMISSIONS, ROLES, type RoomSettings } from '../roles.js';

const seq = z.number().int().min(0);
const ms = z.number().int().describe('ms since the epoch');

// `meta({ id })`: the OpenAPI document names the schema as a component (openapi.ts).
const userRefFields = { id: z.string(), name: z.string() };
export const userRefSchema = z.object(userRefFields).meta({ id: 'UserRef' });
export const userSummarySchema = z
  .object({ ...userRefFields, username: z.string(), kind: z.enum(['account', 'guest', 'external', 'bot']) })
  .meta({ id: 'UserSummary' });
export const roleSchema = z.enum(ROLES);
export const roomSettingsSchema = z.object({
  readOnly: z.literal(true).optional(),
  slowModeSeconds: z.number().int().optional(),
  archived: z.literal(true).optional(),
  permissions: z.partialRecord(z.enum(PERMISSIONS), roleSchema).optional(),
}).meta({ id: 'RoomSettings' });
export const roomSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['public', 'private', 'dm']),
  joined: z.boolean(),
  members: z.number().int(),
  online: z.number().int(),
  latestSeq: seq,
  readSeq: seq,
  unread: z.number().int(),
  peer: userSummarySchema.optional(),
  role: roleSchema.optional(),
  settings: roomSettingsSchema.optional(),
  timedOutUntil: ms.optional(),
}).meta({ id: 'RoomSummary' });
export const memberSchema = z.object({ user: userSummarySchema, role: roleSchema, online: z.boolean(), timedOutUntil: ms.optional() }).meta({ id: 'Member' });
export const attachmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  size: z.number().int(),
  contentType: z.string(),
  url: z.string(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  thumbnailUrl: z.string().optional(),
}).meta({ id: 'Attachment' });

const base = { room: z.string(), seq, ts: ms, user: userRefSchema };
export const threadInfoSchema = z.object({
  count: z.number().int(),
  lastSeq: seq,
  lastTs: ms,
  participants: z.array(userRefSchema),
}).meta({ id: 'ThreadInfo' });
export const webhookRefSchema = z.object({ id: z.string(), name: z.string() }).meta({ id: 'WebhookRef' });
export const linkPreviewSchema = z.object({
  url: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  siteName: z.string().optional(),
  image: z.string().optional(),
}).meta({ id: 'LinkPreview' });
export const messageEventSchema = z.object({
  ...base,
  kind: z.literal('message'),
  id: z.string(),
  body: z.string(),
  editedTs: ms.optional(),
  deleted: z.boolean().optional(),
  moderated: z.literal(true).optional(),
  bot: z.literal(true).optional(),
  reactions: z.record(z.string(), z.array(z.string())).optional(),
  attachments: z.array(attachmentSchema).optional(),
  thread: seq.optional(),
  alsoInRoom: z.literal(true).optional(),
  replyTo: seq.optional(),
  replies: threadInfoSchema.optional(),
  webhook: webhookRefSchema.optional(),
  preview: linkPreviewSchema.optional(),
}).meta({ id: 'MessageEvent' });
export const roomEventSchema = z.discriminatedUnion('kind', [
  messageEventSchema,
  z.object({ ...base, kind: z.literal('edit'), target: seq, body: z.string() }),
  z.object({ ...base, kind: z.literal('delete'), target: seq, thread: seq.optional(), moderated: z.literal(true).optional() }),
  z.object({ ...base, kind: z.literal('reaction'), target: seq, emoji: z.string(), on: z.boolean() }),
  z.object({ ...base, kind: z.literal('join'), by: userRefSchema.optional() }),
  z.object({ ...base, kind: z.literal('leave') }),
  z.object({ ...base, kind: z.literal('rename'), from: z.string(), to: z.string() }),
  z.object({ ...base, kind: z.literal('created'), name: z.string(), roomKind: z.enum(['public', 'private', 'dm']) }),
  z.object({ ...base, kind: z.literal('role'), target: userRefSchema, role: roleSchema }),
  z.object({ ...base, kind: z.literal('kick'), target: userRefSchema }),
  z.object({
    ...base,
    kind: z.literal('ban'),
    target: userRefSchema,
    until: ms.optional(),
    removed: z.literal(true).optional(),
    deleted: z.array(seq).optional(),
  }),
  z.object({ ...base, kind: z.literal('unban'), target: userRefSchema }),
  z.object({ ...base, kind: z.literal('timeout'), target: userRefSchema, until: ms }),
  z.object({ ...base, kind: z.literal('settings'), settings: roomSettingsSchema }),
  z.object({ ...base, kind: z.literal('preview'), target: seq, preview: linkPreviewSchema.optional() }),
]).meta({ id: 'RoomEvent' });
export const auditEntrySchema = z.object({
  id: z.number().int(),
  room: z.string().nullable(),
  ts: ms,
  actor: userRefSchema,
  action: z.enum(AUDIT_ACTIONS),
  target: userRefSchema.optional(),
  reason: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
}).meta({ id: 'AuditEntry' });
export const reportSchema = z.object({
  id: z.number().int(),
  room: z.string(),
  target: seq,
  author: userRefSchema,
  reporter: userRefSchema,
  reason: z.string().optional(),
  ts: ms,
  resolved: z.object({ by: userRefSchema, ts: ms }).optional(),
}).meta({ id: 'Report' });
export const banSchema = z.object({ user: userSummarySchema, until: ms.optional(), ts: ms }).meta({ id: 'Ban' });
export const threadStateSchema = z.object({
  room: z.string(),
  root: seq,
  info: threadInfoSchema,
  following: z.boolean(),
  readSeq: seq,
  unread: z.number().int(),
  version: z.number().int(),
}).meta({ id: 'ThreadState' });
export const threadListItemSchema = threadStateSchema.extend({ message: messageEventSchema }).meta({ id: 'ThreadListItem' });
export const repliesPageSchema = z.object({
  room: z.string(),
  root: messageEventSchema,
  replies: z.array(messageEventSchema),
  hasAfter: z.boolean(),
  thread: threadStateSchema.nullable(),
}).meta({ id: 'RepliesPage' });
const webhookTriggerSchema = z.enum(['message', 'mention', 'command']);
export const webhookSchema = z.object({
  id: z.string(),
  room: z.string(),
  kind: z.enum(['incoming', 'outgoing']),
  name: z.string(),
  url: z.string().optional(),
  triggers: z.array(webhookTriggerSchema).optional(),
  command: z.string().optional(),
  signed: z.literal(true).optional(),
  createdBy: userRefSchema,
  createdAt: ms,
}).meta({ id: 'Webhook' });
export const webhookDeliverySchema = z.object({
  id: z.string(),
  webhook: z.string(),
  seq,
  event: webhookTriggerSchema,
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: ms.optional(),
  lastStatus: z.number().int().optional(),
  lastError: z.string().optional(),
  createdAt: ms,
  deliveredAt: ms.optional(),
}).meta({ id: 'WebhookDelivery' });
export const personSchema = userSummarySchema.extend({ online: z.boolean() }).meta({ id: 'Person' });
export const searchResultSchema = z.object({
  roomName: z.string(),
  event: messageEventSchema,
  highlights: z.array(z.tuple([z.number().int(), z.number().int()])),
}).meta({ id: 'SearchResult' });

/** The wire shape of an error (errors.ts ErrorBody), as REST answers carry it: `{ error: … }`. */
export const errorResponseSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean(), retryAfterMs: z.number().int().optional() }),
});

// The compiler's check that each schema and its interface describe the same values.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <T extends true>(): T => true as T;
same<Same<z.infer<typeof userSummarySchema>, UserSummary>>();
same<Same<z.infer<typeof roomSettingsSchema>, RoomSettings>>();
same<Same<z.infer<typeof roomSummarySchema>, RoomSummary>>();
same<Same<z.infer<typeof memberSchema>, Member>>();
same<Same<z.infer<typeof attachmentSchema>, Attachment>>();
same<Same<z.infer<typeof roomEventSchema>, RoomEvent>>();
same<Same<z.infer<typeof auditEntrySchema>, AuditEntry>>();
same<Same<z.infer<typeof reportSchema>, Report>>();
same<Same<z.infer<typeof banSchema>, Ban>>();
same<Same<z.infer<typeof messageEventSchema>, MessageEvent>>();
same<Same<z.infer<typeof threadInfoSchema>, ThreadInfo>>();
same<Same<z.infer<typeof threadStateSchema>, ThreadState>>();
same<Same<z.infer<typeof threadListItemSchema>, ThreadListItem>>();
same<Same<z.infer<typeof repliesPageSchema>, RepliesPage>>();
same<Same<z.infer<typeof personSchema>, Person>>();
same<Same<z.infer<typeof searchResultSchema>, SearchResult>>();
same<Same<z.infer<typeof webhookSchema>, Webhook>>();
same<Same<z.infer<typeof webhookDeliverySchema>, WebhookDelivery>>();
