/**
 * What the current user may do in a room, for a UI deciding what to show:
 * the rules of docs/protocol.md §23 applied to the room's state. The server
 * decides for itself on every request; this never grants anything, and a
 * server admin the client cannot recognise as such may still refuse an action.
 */
import { MODERATOR_LEVEL, ROLES, SERVER_ADMIN_LEVEL, allows, roleLevel, type Permission, type Role } from '@parley/protocol';
import type { RoomState } from './types.js';

export interface RoomRights {
  /** The user's rank: roleLevel of their role, SERVER_ADMIN_LEVEL for a server admin, -1 outside the room. */
  level: number;
  /** Whether the room's permissions let the user do `permission`. */
  may(permission: Permission): boolean;
  /** Whether the user ranks above `role` (acting on a person needs it). */
  outranks(role: Role): boolean;
  /** Roles the user may give (those below their own). */
  grantable: readonly Role[];
  /** Moderator or above: sees reports, bans and the audit log; exempt from slow mode. */
  moderator: boolean;
  /** May post now, ignoring slow mode: not archived, not timed out, and read-only rooms only for moderators. */
  mayPost(now?: number): boolean;
}

export function rightsIn(room: Pick<RoomState, 'joined' | 'kind' | 'role' | 'settings' | 'timedOutUntil'>, serverAdmin: boolean): RoomRights {
  const level = !room.joined ? -1 : serverAdmin ? SERVER_ADMIN_LEVEL : room.role !== undefined ? roleLevel(room.role) : room.kind === 'dm' ? 0 : -1;
  const moderated = room.kind !== 'dm';
  const may = (permission: Permission) => level >= 0 && (moderated || permission === 'post' || permission === 'react' || permission === 'upload') && allows(room.settings, permission, level);
  return {
    level,
    may,
    outranks: (role) => moderated && level > roleLevel(role),
    grantable: moderated ? ROLES.filter((role) => roleLevel(role) < level) : [],
    moderator: moderated && level >= MODERATOR_LEVEL,
    mayPost(now = Date.now()) {
      if (level < 0 || room.settings.archived) return false;
      if (room.timedOutUntil !== undefined && room.timedOutUntil > now) return false;
      if (room.settings.readOnly && level < MODERATOR_LEVEL) return false;
      return may('post');
    },
  };
}
