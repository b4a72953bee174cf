/**
 * The client frames that make sense as requests, as REST routes. The server
 * builds the frame from the route's path parameters, query and body (plus its
 * `fixed` fields) and handles it exactly as it handles the frame over a
 * WebSocket: the same schema, authorization, rate limits and errors. What each
 * answers is the frame's ack without `type` and `ref` (server-frames.ts Results).
 */
import { z } from 'zod';
import {
  auditFrame,
  banFrame,
  blockFrame,
  createFrame,
  deleteFrame,
  peopleFrame,
  profileFrame,
  searchFrame,
  threadReadFrame,
  webhookCreateFields,
  webhookDeliveriesFrame,
  webhookRevokeFrame,
  directoryFrame,
  dmFrame,
  editFrame,
  inviteFrame,
  joinFrame,
  kickFrame,
  reactFrame,
  readFrame,
  renameFrame,
  reportFrame,
  resolveReportFrame,
  roleFrame,
  roomSettingsFields,
  sendFields,
  timeoutFrame,
} from '../client-frames.js';
import {
  auditEntrySchema,
  banSchema,
  memberSchema,
  personSchema,
  repliesPageSchema,
  reportSchema,
  roomEventSchema,
  roomSettingsSchema,
  roomSummarySchema,
  searchResultSchema,
  threadListItemSchema,
  threadStateSchema,
  userSummarySchema,
  webhookDeliverySchema,
  webhookSchema,
} from './models.js';
import { route } from './route.js';

const NO_REF = { type: true, ref: true } as const;
const roomParam = z.object({ room: joinFrame.shape.room });
const count = z.coerce.number().int();
const seqParam = z.coerce.number().int().min(0);
const messageParams = roomParam.extend({ target: seqParam });
const userParams = roomParam.extend({ user: roleFrame.shape.user });
const roomSeq = z.object({ room: z.string(), seq: z.number().int() });
const threadParams = roomParam.extend({ root: seqParam });
const threadAnswer = z.object({ thread: threadStateSchema });

export const CHAT_ROUTES = [
  // rooms
  route({
    operationId: 'listRooms', method: 'GET', path: '/api/rooms', tag: 'rooms', auth: 'user', frame: 'rooms',
    summary: 'Your rooms, and the newest public rooms you are not in (frame `rooms`).',
    status: 200, response: z.object({ rooms: z.array(roomSummarySchema) }),
  }),
  route({
    operationId: 'createRoom', method: 'POST', path: '/api/rooms', tag: 'rooms', auth: 'user', frame: 'create',
    summary: 'Creates a public or private room; you are its owner (frame `create`).',
    body: createFrame.omit(NO_REF), status: 201, response: z.object({ room: roomSummarySchema }),
  }),
  route({
    operationId: 'directory', method: 'GET', path: '/api/directory', tag: 'rooms', auth: 'user', frame: 'directory',
    summary: 'A page of the public rooms by name (frame `directory`).',
    query: directoryFrame.omit({ ...NO_REF, limit: true }).extend({ limit: count.optional() }),
    status: 200, response: z.object({ rooms: z.array(roomSummarySchema), next: z.string().nullable() }),
  }),
  route({
    operationId: 'joinRoom', method: 'POST', path: '/api/rooms/{room}/join', tag: 'rooms', auth: 'user', frame: 'join',
    summary: 'Joins a public room (frame `join`).',
    params: roomParam, status: 200, response: z.object({ room: roomSummarySchema, seq: z.number().int() }),
  }),
  route({
    operationId: 'leaveRoom', method: 'POST', path: '/api/rooms/{room}/leave', tag: 'rooms', auth: 'user', frame: 'leave',
    summary: 'Leaves a room (frame `leave`).', params: roomParam, status: 200, response: roomSeq,
  }),
  route({
    operationId: 'invite', method: 'POST', path: '/api/rooms/{room}/invite', tag: 'rooms', auth: 'user', frame: 'invite',
    summary: 'Adds someone (a person or a bot) to the room by username (frame `invite`).',
    params: roomParam, body: inviteFrame.omit({ ...NO_REF, room: true }), status: 200, response: roomSeq,
  }),
  route({
    operationId: 'openDm', method: 'POST', path: '/api/dms', tag: 'rooms', auth: 'user', frame: 'dm',
    summary: 'Opens (or finds) the direct message with someone (frame `dm`).',
    body: dmFrame.omit(NO_REF), status: 200, response: z.object({ room: roomSummarySchema }),
  }),
  route({
    operationId: 'listMembers', method: 'GET', path: '/api/rooms/{room}/members', tag: 'rooms', auth: 'user', frame: 'members',
    summary: 'The members of a room, with their roles and whether they are online (frame `members`).',
    params: roomParam, status: 200, response: z.object({ room: z.string(), members: z.array(memberSchema) }),
  }),
  route({
    operationId: 'updateRoomSettings', method: 'PATCH', path: '/api/rooms/{room}/settings', tag: 'moderation', auth: 'user', frame: 'room_settings',
    summary: "Changes some of the room's settings (frame `room_settings`).",
    params: roomParam, body: roomSettingsFields.omit({ ...NO_REF, room: true }),
    status: 200, response: roomSeq.extend({ settings: roomSettingsSchema }),
  }),
  route({
    operationId: 'rename', method: 'PATCH', path: '/api/me', tag: 'account', auth: 'user', frame: 'rename',
    summary: 'Changes your display name (frame `rename`).',
    body: renameFrame.omit(NO_REF), status: 200, response: z.object({ user: userSummarySchema }),
  }),
  // messages
  route({
    operationId: 'history', method: 'GET', path: '/api/rooms/{room}/messages', tag: 'messages', auth: 'user', frame: 'history',
    summary: "A page of the room's log: `before` or `after` a seq, or the newest page (frame `history`).",
    params: roomParam, query: z.object({ before: seqParam.optional(), after: seqParam.optional(), limit: count.optional() }),
    status: 200,
    response: z.object({ room: z.string(), events: z.array(roomEventSchema), hasBefore: z.boolean(), hasAfter: z.boolean(), latestSeq: z.number().int() }),
  }),
  route({
    operationId: 'send', method: 'POST', path: '/api/rooms/{room}/messages', tag: 'messages', auth: 'user', frame: 'send',
    summary: 'Sends a message. Idempotent on `id` (your own message id): a retry answers `duplicate: true` and stores nothing (frame `send`).',
    params: roomParam, body: sendFields.omit({ type: true, room: true }),
    status: 200, response: roomSeq.extend({ ts: z.number().int(), duplicate: z.boolean() }),
  }),
  route({
    operationId: 'edit', method: 'PATCH', path: '/api/rooms/{room}/messages/{target}', tag: 'messages', auth: 'user', frame: 'edit',
    summary: 'Edits your message (frame `edit`).',
    params: messageParams, body: editFrame.omit({ ...NO_REF, room: true, target: true }), status: 200, response: roomSeq,
  }),
  route({
    operationId: 'deleteMessage', method: 'DELETE', path: '/api/rooms/{room}/messages/{target}', tag: 'messages', auth: 'user', frame: 'delete',
    summary: "Deletes your message, or (a moderator) someone else's (frame `delete`).",
    params: messageParams, body: deleteFrame.omit({ ...NO_REF, room: true, target: true }), bodyRequired: false, status: 200, response: roomSeq,
  }),
  route({
    operationId: 'addReaction', method: 'PUT', path: '/api/rooms/{room}/messages/{target}/reactions/{emoji}', tag: 'messages', auth: 'user', frame: 'react',
    summary: 'Adds your reaction (frame `react`, `on: true`).',
    params: messageParams.extend({ emoji: reactFrame.shape.emoji }), fixed: { on: true }, status: 200, response: roomSeq,
  }),
  route({
    operationId: 'removeReaction', method: 'DELETE', path: '/api/rooms/{room}/messages/{target}/reactions/{emoji}', tag: 'messages', auth: 'user', frame: 'react',
    summary: 'Removes your reaction (frame `react`, `on: false`).',
    params: messageParams.extend({ emoji: reactFrame.shape.emoji }), fixed: { on: false }, status: 200, response: roomSeq,
  }),
  route({
    operationId: 'markRead', method: 'POST', path: '/api/rooms/{room}/read', tag: 'messages', auth: 'user', frame: 'read',
    summary: 'Moves your read marker (frame `read`).',
    params: roomParam, body: readFrame.omit({ ...NO_REF, room: true }), status: 200, response: roomSeq,
  }),
  route({
    operationId: 'report', method: 'POST', path: '/api/rooms/{room}/messages/{target}/report', tag: 'moderation', auth: 'user', frame: 'report',
    summary: "Reports a message to the room's moderators (frame `report`).",
    params: messageParams, body: reportFrame.omit({ ...NO_REF, room: true, target: true }), bodyRequired: false,
    status: 200, response: z.object({ report: reportSchema }),
  }),
  // moderation
  route({
    operationId: 'setRole', method: 'PUT', path: '/api/rooms/{room}/members/{user}/role', tag: 'moderation', auth: 'user', frame: 'role',
    summary: "Gives a member a role (frame `role`).",
    params: userParams, body: roleFrame.omit({ ...NO_REF, room: true, user: true }), status: 200, response: roomSeq,
  }),
  route({
    operationId: 'kick', method: 'POST', path: '/api/rooms/{room}/members/{user}/kick', tag: 'moderation', auth: 'user', frame: 'kick',
    summary: 'Removes a member from the room (frame `kick`).',
    params: userParams, body: kickFrame.omit({ ...NO_REF, room: true, user: true }), bodyRequired: false, status: 200, response: roomSeq,
  }),
  route({
    operationId: 'timeout', method: 'PUT', path: '/api/rooms/{room}/members/{user}/timeout', tag: 'moderation', auth: 'user', frame: 'timeout',
    summary: 'Times a member out; `durationMs` 0 lifts it (frame `timeout`).',
    params: userParams, body: timeoutFrame.omit({ ...NO_REF, room: true, user: true }), status: 200, response: roomSeq.extend({ until: z.number().int() }),
  }),
  route({
    operationId: 'listBans', method: 'GET', path: '/api/rooms/{room}/bans', tag: 'moderation', auth: 'user', frame: 'bans',
    summary: "The room's active bans (frame `bans`).", params: roomParam, status: 200, response: z.object({ room: z.string(), bans: z.array(banSchema) }),
  }),
  route({
    operationId: 'ban', method: 'PUT', path: '/api/rooms/{room}/bans/{user}', tag: 'moderation', auth: 'user', frame: 'ban',
    summary: 'Bans someone from the room (frame `ban`).',
    params: userParams, body: banFrame.omit({ ...NO_REF, room: true, user: true }), bodyRequired: false,
    status: 200, response: roomSeq.extend({ deleted: z.number().int() }),
  }),
  route({
    operationId: 'unban', method: 'DELETE', path: '/api/rooms/{room}/bans/{user}', tag: 'moderation', auth: 'user', frame: 'unban',
    summary: 'Lifts a ban (frame `unban`).',
    params: userParams, body: z.object({ reason: banFrame.shape.reason }).strict(), bodyRequired: false, status: 200, response: roomSeq,
  }),
  route({
    operationId: 'listReports', method: 'GET', path: '/api/rooms/{room}/reports', tag: 'moderation', auth: 'user', frame: 'reports',
    summary: "The room's open reports (frame `reports`).", params: roomParam, status: 200, response: z.object({ room: z.string(), reports: z.array(reportSchema) }),
  }),
  route({
    operationId: 'resolveReport', method: 'POST', path: '/api/rooms/{room}/reports/{report}/resolve', tag: 'moderation', auth: 'user', frame: 'resolve_report',
    summary: 'Resolves a report (frame `resolve_report`).',
    params: roomParam.extend({ report: seqParam }), body: resolveReportFrame.omit({ ...NO_REF, room: true, report: true }), bodyRequired: false,
    status: 200, response: z.object({ report: reportSchema }),
  }),
  route({
    operationId: 'roomAudit', method: 'GET', path: '/api/rooms/{room}/audit', tag: 'moderation', auth: 'user', frame: 'audit',
    summary: "A page of the room's audit log, newest first (frame `audit`).",
    params: roomParam, query: z.object({ before: seqParam.optional(), limit: count.optional() }),
    status: 200, response: z.object({ room: z.string(), entries: z.array(auditEntrySchema), hasMore: z.boolean() }),
  }),
  route({
    operationId: 'block', method: 'PUT', path: '/api/blocks/{user}', tag: 'account', auth: 'user', frame: 'block',
    summary: 'Blocks someone (frame `block`, `on: true`).', params: z.object({ user: blockFrame.shape.user }), fixed: { on: true },
    status: 200, response: z.object({ users: z.array(userSummarySchema) }),
  }),
  route({
    operationId: 'unblock', method: 'DELETE', path: '/api/blocks/{user}', tag: 'account', auth: 'user', frame: 'block',
    summary: 'Unblocks someone (frame `block`, `on: false`).', params: z.object({ user: blockFrame.shape.user }), fixed: { on: false },
    status: 200, response: z.object({ users: z.array(userSummarySchema) }),
  }),
  // threads (§25)
  route({
    operationId: 'threadReplies', method: 'GET', path: '/api/rooms/{room}/threads/{root}', tag: 'threads', auth: 'user', frame: 'replies',
    summary: 'A page of a thread: its root and the replies after `after`, ascending (frame `replies`).',
    params: threadParams, query: z.object({ after: seqParam.optional(), limit: count.optional() }), status: 200, response: repliesPageSchema,
  }),
  route({
    operationId: 'listThreads', method: 'GET', path: '/api/threads', tag: 'threads', auth: 'user', frame: 'threads',
    summary: 'The threads you follow, unread first (frame `threads`).',
    query: z.object({ limit: count.optional() }), status: 200, response: z.object({ threads: z.array(threadListItemSchema) }),
  }),
  route({
    operationId: 'followThread', method: 'PUT', path: '/api/rooms/{room}/threads/{root}/follow', tag: 'threads', auth: 'user', frame: 'follow',
    summary: 'Follows a thread (frame `follow`, `on: true`).', params: threadParams, fixed: { on: true }, status: 200, response: threadAnswer,
  }),
  route({
    operationId: 'unfollowThread', method: 'DELETE', path: '/api/rooms/{room}/threads/{root}/follow', tag: 'threads', auth: 'user', frame: 'follow',
    summary: 'Stops following a thread (frame `follow`, `on: false`).', params: threadParams, fixed: { on: false }, status: 200, response: threadAnswer,
  }),
  route({
    operationId: 'markThreadRead', method: 'POST', path: '/api/rooms/{room}/threads/{root}/read', tag: 'threads', auth: 'user', frame: 'thread_read',
    summary: 'Moves your read marker in a thread (frame `thread_read`).',
    params: threadParams, body: threadReadFrame.omit({ ...NO_REF, room: true, root: true }), status: 200, response: threadAnswer,
  }),
  // search (§26)
  route({
    operationId: 'search', method: 'GET', path: '/api/search', tag: 'search', auth: 'user', frame: 'search',
    summary: 'Messages of the rooms you may read that hold every word of `query`, newest first (frame `search`).',
    query: z.object({
      query: searchFrame.shape.query,
      room: searchFrame.shape.room,
      author: searchFrame.shape.author,
      since: seqParam.optional(),
      until: seqParam.optional(),
      before: seqParam.optional(),
      limit: count.optional(),
    }),
    status: 200, response: z.object({ results: z.array(searchResultSchema), next: z.number().int().nullable() }),
  }),
  // people (§27)
  route({
    operationId: 'people', method: 'GET', path: '/api/people', tag: 'people', auth: 'user', frame: 'people',
    summary: 'People who share a room with you, by name or username, best matches first (frame `people`).',
    query: z.object({ query: z.string(), room: peopleFrame.shape.room, limit: count.optional() }),
    status: 200, response: z.object({ users: z.array(personSchema) }),
  }),
  route({
    operationId: 'profile', method: 'GET', path: '/api/people/{user}', tag: 'people', auth: 'user', frame: 'profile',
    summary: "Someone's card (frame `profile`).", params: z.object({ user: profileFrame.shape.user }), status: 200, response: z.object({ user: personSchema }),
  }),
  // webhooks (§29)
  route({
    operationId: 'createWebhook', method: 'POST', path: '/api/rooms/{room}/webhooks', tag: 'webhooks', auth: 'user', frame: 'webhook_create',
    summary: "Creates an incoming or outgoing webhook in the room; its secrets are in this answer only (frame `webhook_create`).",
    params: roomParam, body: webhookCreateFields.omit({ ...NO_REF, room: true }), status: 200,
    response: z.object({ webhook: webhookSchema, secret: z.string(), url: z.string().optional(), signingSecret: z.string().optional() }),
  }),
  route({
    operationId: 'listWebhooks', method: 'GET', path: '/api/rooms/{room}/webhooks', tag: 'webhooks', auth: 'user', frame: 'webhooks',
    summary: "The room's active webhooks (frame `webhooks`).", params: roomParam, status: 200, response: z.object({ room: z.string(), webhooks: z.array(webhookSchema) }),
  }),
  route({
    operationId: 'revokeWebhook', method: 'DELETE', path: '/api/rooms/{room}/webhooks/{webhook}', tag: 'webhooks', auth: 'user', frame: 'webhook_revoke',
    summary: 'Revokes a webhook (frame `webhook_revoke`).',
    params: roomParam.extend({ webhook: webhookRevokeFrame.shape.webhook }), status: 200, response: z.object({ room: z.string(), webhook: z.string() }),
  }),
  route({
    operationId: 'webhookDeliveries', method: 'GET', path: '/api/rooms/{room}/webhook-deliveries', tag: 'webhooks', auth: 'user', frame: 'webhook_deliveries',
    summary: "The newest deliveries of the room's outgoing webhooks, newest first (frame `webhook_deliveries`).",
    params: roomParam, query: z.object({ webhook: webhookDeliveriesFrame.shape.webhook, limit: count.optional() }),
    status: 200, response: z.object({ room: z.string(), deliveries: z.array(webhookDeliverySchema) }),
  }),
];
