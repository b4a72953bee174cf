/**
 * /api/admin/*: the admin view's API, for server admins (ADMIN_USERS) only.
 * Every route checks the caller itself — credentials (Bearer or cookie) or 401,
 * a server admin or 403 — so that nothing here is reachable by anyone else,
 * whatever a client shows. Requests that change something and carry an Origin
 * must come from an allowed one (a page elsewhere cannot ride on an admin's
 * cookie). Every change writes one audit entry (store/rules/admin-writes.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  CLOSE,
  ParleyError,
  adminAuditQuery,
  adminReasonBody,
  adminRoomsQuery,
  adminUsersQuery,
  archiveRoomBody,
  disableUserBody,
  isStorableText,
  type AdminAuditResponse,
  type AdminRoomsResponse,
  type AdminStats,
  type AdminUser,
  type AdminUsersResponse,
  type UserRef,
} from '@parley/protocol';
import type { Accounts } from '../auth/accounts.js';
import { toSummary } from '../auth/accounts.js';
import { isServerAdmin } from '../chat/admins.js';
import type { Chat } from '../chat/chat.js';
import { publishEvent, publishToUser } from '../chat/context.js';
import type { Config } from '../config.js';
import type { FileService } from '../files/file-service.js';
import { credentialsOf, originAllowed } from './handshake.js';
import type { LiveFigures } from '../server-admin/live-figures.js';
import type { UserCloser } from '../server-admin/user-closer.js';
import type { StoredUser } from '../store/store.js';
import { cameOverTls } from './forwarded.js';

export interface AdminRoutesOptions {
  config: Config;
  accounts: Accounts;
  chat: Chat;
  closer: UserCloser;
  figures: LiveFigures;
  /** Deletes the bytes of a deleted room's files. */
  files: FileService;
}

const DEFAULT_LIST = 50;
const idParam = z.strictObject({ id: z.string().min(1).max(128).refine(isStorableText, 'NUL characters and lone surrogates are not allowed') });

export function adminRoutes(app: FastifyInstance, options: AdminRoutesOptions): void {
  const { config, accounts, chat, closer, figures, files } = options;
  const { store, presence } = chat.ctx;

  /** The server admin making the request; throws 401 or 403 otherwise. */
  const adminOf = async (request: FastifyRequest): Promise<UserRef> => {
    if (request.method !== 'GET' && !originAllowed(request.headers, config.allowedOrigins, cameOverTls(request.raw, config.trustProxy))) {
      throw new ParleyError('forbidden', 'Requests from this origin are not allowed (ALLOWED_ORIGINS).');
    }
    const token = credentialsOf(request.headers);
    const identity = token ? await accounts.resolve(token) : null;
    if (!identity) throw new ParleyError('unauthenticated', 'Not signed in.');
    if (!isServerAdmin(config, identity.user)) throw new ParleyError('forbidden', 'Only server admins may use the admin API.');
    return { id: identity.user.id, name: identity.user.name };
  };

  /** A user other admins may act on: not a server admin (whom only the operator removes from ADMIN_USERS). */
  const actedOn = async (id: string): Promise<StoredUser> => {
    const user = await store.findUserById(id);
    if (!user) throw new ParleyError('user_not_found', 'No such user.');
    if (isServerAdmin(config, user)) throw new ParleyError('forbidden', 'Server admins are managed through ADMIN_USERS, not here.');
    return user;
  };

  const reasonOf = (body: unknown): { reason?: string } => {
    const { reason } = adminReasonBody.parse(body ?? {});
    return reason === undefined ? {} : { reason };
  };

  const toAdminUsers = async (users: StoredUser[]): Promise<AdminUser[]> => {
    const online = await presence.isOnline(users.map((user) => user.id));
    return users.map((user, i) => ({
      ...toSummary(user),
      createdAt: user.createdAt,
      disabled: user.disabled === true,
      admin: isServerAdmin(config, user),
      online: online[i]!,
    }));
  };

  app.get('/api/admin/users', async (request): Promise<AdminUsersResponse> => {
    await adminOf(request);
    const query = adminUsersQuery.parse(request.query);
    return { users: await toAdminUsers(await store.searchUsers(query.q?.trim() ?? '', query.limit ?? DEFAULT_LIST)) };
  });

  app.post('/api/admin/users/:id/disable', async (request): Promise<{ user: AdminUser }> => {
    const actor = await adminOf(request);
    const { id } = idParam.parse(request.params);
    const body = disableUserBody.parse(request.body);
    await actedOn(id);
    const { user } = await store.setUserDisabled({ actor, target: id, disabled: body.disabled, ...(body.reason !== undefined ? { reason: body.reason } : {}) });
    if (body.disabled) closer.close(id, CLOSE.forbidden, 'account disabled');
    return { user: (await toAdminUsers([user]))[0]! };
  });

  app.post('/api/admin/users/:id/sign-out', async (request): Promise<{ user: AdminUser; sessions: number }> => {
    const actor = await adminOf(request);
    const { id } = idParam.parse(request.params);
    await actedOn(id);
    const { user, revoked } = await store.signOutUser({ actor, target: id, ...reasonOf(request.body) });
    closer.close(id, CLOSE.sessionEnded, 'signed out by an admin');
    return { user: (await toAdminUsers([user]))[0]!, sessions: revoked.length };
  });

  app.delete('/api/admin/users/:id', async (request, reply) => {
    const actor = await adminOf(request);
    const { id } = idParam.parse(request.params);
    await actedOn(id);
    const { events } = await store.deleteGuest({ actor, target: id, ...reasonOf(request.body) });
    closer.close(id, CLOSE.sessionEnded, 'account deleted');
    for (const event of events) publishEvent(chat.ctx, event);
    return reply.status(204).send();
  });

  app.get('/api/admin/rooms', async (request): Promise<AdminRoomsResponse> => {
    await adminOf(request);
    const query = adminRoomsQuery.parse(request.query);
    const rooms = await store.listAllRooms(query.q?.trim() ?? '', query.limit ?? DEFAULT_LIST);
    const online = await presence.online(rooms.map((room) => room.id));
    return {
      rooms: rooms.map(({ settings, ...room }, i) => ({ ...room, online: online[i]!.online, ...(Object.keys(settings).length > 0 ? { settings } : {}) })),
    };
  });

  app.post('/api/admin/rooms/:id/archive', async (request) => {
    const actor = await adminOf(request);
    const { id } = idParam.parse(request.params);
    const body = archiveRoomBody.parse(request.body);
    const event = await store.archiveRoom({ actor, room: id, archived: body.archived, ...(body.reason !== undefined ? { reason: body.reason } : {}) });
    publishEvent(chat.ctx, event);
    return { room: id, seq: event.seq, settings: event.kind === 'settings' ? event.settings : {} };
  });

  app.delete('/api/admin/rooms/:id', async (request, reply) => {
    const actor = await adminOf(request);
    const { id } = idParam.parse(request.params);
    const { members, blobKeys } = await store.deleteRoom({ actor, room: id, ...reasonOf(request.body) });
    for (const member of members) publishToUser(chat.ctx, member, { leaveRoom: id, frame: { type: 'room_left', room: id } });
    await files.deleteBlobs(blobKeys);
    return reply.status(204).send();
  });

  app.get('/api/admin/stats', async (request): Promise<AdminStats> => {
    await adminOf(request);
    return figures.figures(store);
  });

  app.get('/api/admin/audit', async (request): Promise<AdminAuditResponse> => {
    await adminOf(request);
    const query = adminAuditQuery.parse(request.query);
    return store.auditLog({
      limit: query.limit ?? DEFAULT_LIST,
      ...(query.room !== undefined ? { room: query.room } : {}),
      ...(query.before !== undefined ? { before: query.before } : {}),
    });
  });
}
