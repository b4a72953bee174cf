/**
 * The admin API (docs/protocol.md §20, /api/admin/*), for server admins
 * (ADMIN_USERS). The server refuses everyone else (401 without a session, 403
 * for anyone not an admin); these only spare an application the URLs.
 */
import type { AdminAuditResponse, AdminRoomsResponse, AdminStats, AdminUser, AdminUsersResponse, RoomSettings } from '@parley/protocol';
import { call, type RestOptions } from './rest-api.js';

function query(params: Record<string, string | number | undefined>): string {
  const entries = Object.entries(params).filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '');
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}`;
}

const id = (value: string) => encodeURIComponent(value);
const reasonBody = (reason?: string) => (reason ? { reason } : undefined);

/** Users whose username or display name contains `q`, newest first. */
export async function users(options: RestOptions, filter: { q?: string; limit?: number } = {}): Promise<AdminUser[]> {
  return (await call<AdminUsersResponse>(options, 'GET', `/api/admin/users${query(filter)}`)).users;
}

/** Disables an account (its connections close with 4403, its sessions end) or enables it again. */
export async function setDisabled(options: RestOptions, user: string, disabled: boolean, reason?: string): Promise<AdminUser> {
  return (await call<{ user: AdminUser }>(options, 'POST', `/api/admin/users/${id(user)}/disable`, { disabled, ...reasonBody(reason) })).user;
}

/** Ends every session of the user: their connections close with 4401. Resolves with how many sessions ended. */
export async function signOut(options: RestOptions, user: string, reason?: string): Promise<number> {
  return (await call<{ sessions: number }>(options, 'POST', `/api/admin/users/${id(user)}/sign-out`, reasonBody(reason))).sessions;
}

/** Deletes a guest (accounts are disabled instead). */
export function deleteGuest(options: RestOptions, user: string, reason?: string): Promise<void> {
  return call(options, 'DELETE', `/api/admin/users/${id(user)}`, reasonBody(reason));
}

/** Public and private rooms whose name contains `q`. */
export async function rooms(options: RestOptions, filter: { q?: string; limit?: number } = {}): Promise<AdminRoomsResponse['rooms']> {
  return (await call<AdminRoomsResponse>(options, 'GET', `/api/admin/rooms${query(filter)}`)).rooms;
}

export async function setArchived(options: RestOptions, room: string, archived: boolean, reason?: string): Promise<RoomSettings> {
  return (await call<{ settings: RoomSettings }>(options, 'POST', `/api/admin/rooms/${id(room)}/archive`, { archived, ...reasonBody(reason) })).settings;
}

export function deleteRoom(options: RestOptions, room: string, reason?: string): Promise<void> {
  return call(options, 'DELETE', `/api/admin/rooms/${id(room)}`, reasonBody(reason));
}

/** The answering node's live figures. */
export function stats(options: RestOptions): Promise<AdminStats> {
  return call(options, 'GET', '/api/admin/stats');
}

/** The audit log, newest first; `room` narrows it to one room. */
export function audit(options: RestOptions, filter: { room?: string; before?: number; limit?: number } = {}): Promise<AdminAuditResponse> {
  return call(options, 'GET', `/api/admin/audit${query(filter)}`);
}
