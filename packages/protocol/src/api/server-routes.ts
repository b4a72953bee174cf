/** The REST routes that are not client frames: sign-in, files, operations, the admin API, bots and this API's own description. */
import { z } from 'zod';
import {
  adminAuditQuery,
  adminReasonBody,
  adminRoomsQuery,
  adminUsersQuery,
  archiveRoomBody,
  claimBody,
  incomingWebhookBody,
  disableUserBody,
  guestBody,
  loginBody,
  registerBody,
  type AdminRoom,
  type AdminStats,
  type AdminUser,
  type SessionResponse,
} from '../rest.js';
import { botBody, type Bot, type BotTokenResponse } from '../bots.js';
import { FILES_PATH, INCOMING_WEBHOOK_PATH, THUMBNAILS_PATH } from '../limits.js';
import { attachmentSchema, auditEntrySchema, roomSettingsSchema, userRefSchema, userSummarySchema } from './models.js';
import { route } from './route.js';

export const sessionResponseSchema = z.object({ user: userSummarySchema, token: z.string(), expiresAt: z.number().int() });
export const adminUserSchema = userSummarySchema.extend({ createdAt: z.number().int(), disabled: z.boolean(), admin: z.boolean(), online: z.boolean() });
export const adminRoomSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['public', 'private']),
  members: z.number().int(),
  online: z.number().int(),
  latestSeq: z.number().int(),
  createdAt: z.number().int(),
  settings: roomSettingsSchema.optional(),
});
export const adminStatsSchema = z.object({
  connections: z.number().int(),
  messagesPerSecond: z.number(),
  storeBytes: z.number().int(),
  deliveryLatencyMs: z.object({ p50: z.number(), p99: z.number(), count: z.number().int() }).nullable(),
  users: z.number().int(),
  rooms: z.number().int(),
  uptimeSeconds: z.number(),
});
export const botSchema = z.object({ user: userSummarySchema, createdBy: userRefSchema, createdAt: z.number().int(), active: z.boolean() });
export const botTokenResponseSchema = z.object({ bot: botSchema, token: z.string() });

const idParam = z.object({ id: z.string().min(1).max(128) });
const adminUserResponse = z.object({ user: adminUserSchema });

export const SERVER_ROUTES = [
  // account
  route({
    operationId: 'register', method: 'POST', path: '/api/auth/register', tag: 'account', auth: 'none',
    summary: 'Creates an account and signs it in (sets the session cookie; `token` for other clients).',
    body: registerBody, status: 201, response: sessionResponseSchema,
  }),
  route({
    operationId: 'login', method: 'POST', path: '/api/auth/login', tag: 'account', auth: 'none',
    summary: 'Signs in with a username and password.', body: loginBody, status: 200, response: sessionResponseSchema,
  }),
  route({
    operationId: 'guest', method: 'POST', path: '/api/auth/guest', tag: 'account', auth: 'none',
    summary: 'Enters as a guest.', body: guestBody, status: 201, response: sessionResponseSchema,
  }),
  route({
    operationId: 'claim', method: 'POST', path: '/api/auth/claim', tag: 'account', auth: 'person',
    summary: 'A guest keeps their identity: a password (and a username) makes the guest an account, with a new session (protocol §27).',
    body: claimBody, status: 200, response: sessionResponseSchema,
  }),
  route({
    operationId: 'logout', method: 'POST', path: '/api/auth/logout', tag: 'account', auth: 'optional',
    summary: 'Ends the session it carries (cookie or Bearer token).', status: 204, response: null,
  }),
  route({
    operationId: 'session', method: 'GET', path: '/api/session', tag: 'account', auth: 'optional',
    summary: 'Who the credentials sign in; `user` null when none (always 200).', status: 200, response: z.object({ user: userSummarySchema.nullable() }),
  }),
  route({
    operationId: 'me', method: 'GET', path: '/api/me', tag: 'account', auth: 'user',
    summary: 'Who you are.', status: 200, response: z.object({ user: userSummarySchema }),
  }),
  // webhooks (§29)
  route({
    operationId: 'postIncomingWebhook', method: 'POST', path: `${INCOMING_WEBHOOK_PATH}/{id}/{secret}`, tag: 'webhooks', auth: 'none',
    summary: "Posts a message through an incoming webhook: Slack's `{text}` or `{body}`; the secret URL is the credential (and a Standard Webhooks signature when the webhook is signed).",
    params: z.object({ id: z.string(), secret: z.string() }), body: incomingWebhookBody, status: 200,
    response: z.object({ room: z.string(), seq: z.number().int(), duplicate: z.boolean() }),
  }),
  // files
  route({
    operationId: 'upload', method: 'POST', path: FILES_PATH, tag: 'files', auth: 'user', binaryBody: true,
    summary: 'Uploads one file (the raw body) to a room; send its id with a message (§23).',
    query: z.object({ room: z.string().min(1).max(128), name: z.string().min(1).max(1024) }), status: 201, response: attachmentSchema,
  }),
  route({
    operationId: 'download', method: 'GET', path: `${FILES_PATH}/{id}/{name}`, tag: 'files', auth: 'user',
    summary: 'A file, to the members of its room; `?download` as an attachment.',
    params: z.object({ id: z.string(), name: z.string() }), query: z.object({ download: z.string().optional() }), status: 200, response: 'binary',
  }),
  route({
    operationId: 'thumbnail', method: 'GET', path: `${THUMBNAILS_PATH}/{id}`, tag: 'files', auth: 'user',
    summary: "An image's WebP preview.", params: z.object({ id: z.string() }), status: 200, response: 'binary',
  }),
  // operations
  route({
    operationId: 'health', method: 'GET', path: '/api/health', tag: 'operations', auth: 'none',
    summary: '200 while the node serves; 503 once it is shutting down.', status: 200, response: z.object({ status: z.enum(['ok', 'closing']) }),
  }),
  route({
    operationId: 'metrics', method: 'GET', path: '/api/metrics', tag: 'operations', auth: 'metrics',
    summary: 'Prometheus metrics (METRICS_TOKEN, or this machine only).', status: 200, response: 'text',
  }),
  route({
    operationId: 'openapi', method: 'GET', path: '/api/openapi.json', tag: 'operations', auth: 'none',
    summary: 'This document.', status: 200, response: z.record(z.string(), z.unknown()),
  }),
  route({
    operationId: 'reference', method: 'GET', path: '/api/docs', tag: 'operations', auth: 'none',
    summary: 'A readable page of this document.', status: 200, response: 'text',
  }),
  // bots
  route({
    operationId: 'createBot', method: 'POST', path: '/api/bots', tag: 'bots', auth: 'person',
    summary: 'Creates a bot (server admins and room owners); its token is in this answer only.',
    body: botBody, status: 201, response: botTokenResponseSchema,
  }),
  route({
    operationId: 'listBots', method: 'GET', path: '/api/bots', tag: 'bots', auth: 'person',
    summary: 'The bots you made (a server admin: every bot).', status: 200, response: z.object({ bots: z.array(botSchema) }),
  }),
  route({
    operationId: 'newBotToken', method: 'POST', path: '/api/bots/{id}/token', tag: 'bots', auth: 'person',
    summary: "Issues the bot a new token (in this answer only); the old one stops working at once.", params: idParam, status: 200, response: botTokenResponseSchema,
  }),
  route({
    operationId: 'revokeBotToken', method: 'DELETE', path: '/api/bots/{id}/token', tag: 'bots', auth: 'person',
    summary: "Revokes the bot's token: its requests fail and its sockets close at once.", params: idParam, status: 200, response: z.object({ bot: botSchema }),
  }),
  // admin
  route({
    operationId: 'adminUsers', method: 'GET', path: '/api/admin/users', tag: 'admin', auth: 'admin',
    summary: 'Users by username or name.', query: adminUsersQuery, status: 200, response: z.object({ users: z.array(adminUserSchema) }),
  }),
  route({
    operationId: 'adminDisableUser', method: 'POST', path: '/api/admin/users/{id}/disable', tag: 'admin', auth: 'admin',
    summary: 'Disables or enables an account.', params: idParam, body: disableUserBody, status: 200, response: adminUserResponse,
  }),
  route({
    operationId: 'adminSignOutUser', method: 'POST', path: '/api/admin/users/{id}/sign-out', tag: 'admin', auth: 'admin',
    summary: 'Ends every session of a user.', params: idParam, body: adminReasonBody, bodyRequired: false,
    status: 200, response: adminUserResponse.extend({ sessions: z.number().int() }),
  }),
  route({
    operationId: 'adminDeleteUser', method: 'DELETE', path: '/api/admin/users/{id}', tag: 'admin', auth: 'admin',
    summary: 'Deletes a guest.', params: idParam, body: adminReasonBody, bodyRequired: false, status: 204, response: null,
  }),
  route({
    operationId: 'adminRooms', method: 'GET', path: '/api/admin/rooms', tag: 'admin', auth: 'admin',
    summary: 'Public and private rooms by name.', query: adminRoomsQuery, status: 200, response: z.object({ rooms: z.array(adminRoomSchema) }),
  }),
  route({
    operationId: 'adminArchiveRoom', method: 'POST', path: '/api/admin/rooms/{id}/archive', tag: 'admin', auth: 'admin',
    summary: 'Archives a room, or opens it again.', params: idParam, body: archiveRoomBody,
    status: 200, response: z.object({ room: z.string(), seq: z.number().int(), settings: roomSettingsSchema }),
  }),
  route({
    operationId: 'adminDeleteRoom', method: 'DELETE', path: '/api/admin/rooms/{id}', tag: 'admin', auth: 'admin',
    summary: 'Deletes a room with its log.', params: idParam, body: adminReasonBody, bodyRequired: false, status: 204, response: null,
  }),
  route({
    operationId: 'adminStats', method: 'GET', path: '/api/admin/stats', tag: 'admin', auth: 'admin',
    summary: "Live figures of the node that answers.", status: 200, response: adminStatsSchema,
  }),
  route({
    operationId: 'adminAudit', method: 'GET', path: '/api/admin/audit', tag: 'admin', auth: 'admin',
    summary: 'The audit log, newest first.', query: adminAuditQuery, status: 200, response: z.object({ entries: z.array(auditEntrySchema), hasMore: z.boolean() }),
  }),
];

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <T extends true>(): T => true as T;
same<Same<z.infer<typeof sessionResponseSchema>, SessionResponse>>();
same<Same<z.infer<typeof adminUserSchema>, AdminUser>>();
same<Same<z.infer<typeof adminRoomSchema>, AdminRoom>>();
same<Same<z.infer<typeof adminStatsSchema>, AdminStats>>();
same<Same<z.infer<typeof botSchema>, Bot>>();
same<Same<z.infer<typeof botTokenResponseSchema>, BotTokenResponse>>();
