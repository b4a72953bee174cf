/**
 * The moderation of a room, shared by every store: roles, kicks, bans, time-outs
 * and settings. Each locks the room first (WriteTx.lockRoom: serialized with every
 * other write in the room, on any node), checks the actor's permission and rank
 * (moderation-rules.ts), then writes its event to the room's log and exactly one
 * audit entry. Like every rule, each refusal comes before the first change.
 */
import {
  MODERATION_LIMITS,
  ParleyError,
  ROLES,
  SERVER_ADMIN_LEVEL,
  roleLevel,
  type Permission,
  type Role,
  type RoomEvent,
  type RoomSettings,
  type UserRef,
} from '@parley/protocol';
import { parseSettings, settingsText } from '../sql/rows.js';
import type { MemberRow, UserRow } from '../sql/schema.js';
import { writeAudit } from './audit.js';
import { appendEvent } from './append-event.js';
import { levelOf, requireAbove, requireModeratedRoom, requirePermission, type Actor } from './moderation-rules.js';
import { normalized } from './room-settings.js';
import type { LockedRoom, WriteTx } from './write-tx.js';

export type { Actor };

/** Someone acted on: a user id, and whether they are a server admin (ADMIN_USERS). */
interface Targeted {
  room: string;
  actor: Actor;
  target: string;
  targetAdmin?: boolean;
  reason?: string;
}

export interface BanInput extends Targeted {
  /** When the ban ends; omitted: until unbanned. */
  until?: number;
  /** Also tombstone their messages stored since then. */
  deleteSince?: number;
}

export interface TimeoutInput extends Targeted {
  /** Until when; 0 lifts a time-out. */
  until: number;
}

export interface RoomSettingsChange {
  room: string;
  actor: Actor;
  readOnly?: boolean;
  slowModeSeconds?: number;
  permissions?: Partial<Record<Permission, Role>>;
  reason?: string;
}

export interface ModerationResult {
  event: RoomEvent;
  /** Messages the action deleted (a ban's purge). */
  deleted: number;
}

/** The locked room an actor moderates, with the actor's rank there. */
interface Moderated {
  locked: LockedRoom & { member: MemberRow };
  settings: RoomSettings;
  level: number;
}

/** Locks the room and checks that the actor is a member with `permission` (null: a check of its own follows). */
async function moderate(tx: WriteTx, roomId: string, actor: Actor, permission: Permission | null): Promise<Moderated> {
  const locked = await tx.lockRoom(roomId, actor.id);
  if (!locked?.member) {
    if (locked?.room.kind === 'public') throw new ParleyError('not_member', 'Join the room first.');
    throw new ParleyError('not_found', 'No such room.');
  }
  requireModeratedRoom(locked.room);
  const settings = parseSettings(locked.room.settings);
  const level = levelOf(locked.member, actor.admin);
  if (permission !== null) requirePermission(settings, permission, level);
  return { locked: locked as LockedRoom & { member: MemberRow }, settings, level };
}

async function targetUser(tx: WriteTx, id: string): Promise<UserRow> {
  const user = await tx.userById(id);
  if (!user) throw new ParleyError('user_not_found', 'No such user.');
  return user;
}

/** A member of the room to act on, whom the actor outranks. */
async function targetMember(tx: WriteTx, input: Targeted, actorLevel: number): Promise<{ member: MemberRow; ref: UserRef }> {
  const member = await tx.memberOf(input.room, input.target);
  if (!member) throw new ParleyError('user_not_found', 'That person is not a member of this room.');
  requireAbove(actorLevel, levelOf(member, input.targetAdmin));
  const user = await targetUser(tx, input.target);
  return { member, ref: { id: user.id, name: user.name } };
}

const ref = (actor: Actor): UserRef => ({ id: actor.id, name: actor.name });

/** Gives a member a role below the actor's own; null when they have it already. */
export async function setRole(tx: WriteTx, input: Targeted & { role: Role }): Promise<RoomEvent | null> {
  const { level } = await moderate(tx, input.room, input.actor, null);
  if (roleLevel(input.role) >= level) throw new ParleyError('forbidden', 'You can grant only roles below your own.');
  const { member, ref: target } = await targetMember(tx, input, level);
  if (member.role === input.role) return null;
  const ts = Date.now();
  await tx.setMemberRole(input.room, input.target, input.role);
  const event = await appendEvent(tx, input.room, ref(input.actor), ts, { kind: 'role', data: { target, role: input.role } });
  await writeAudit(tx, { room: input.room, ts, actor: ref(input.actor), action: 'role', target, reason: input.reason, details: { role: input.role, from: member.role } });
  return event;
}

export async function kick(tx: WriteTx, input: Targeted): Promise<RoomEvent> {
  const { level } = await moderate(tx, input.room, input.actor, 'kick');
  const { ref: target } = await targetMember(tx, input, level);
  const ts = Date.now();
  await tx.deleteMember(input.room, input.target);
  const event = await appendEvent(tx, input.room, ref(input.actor), ts, { kind: 'kick', data: { target } });
  await writeAudit(tx, { room: input.room, ts, actor: ref(input.actor), action: 'kick', target, reason: input.reason });
  return event;
}

/** Bans a user, a member or not; a member is removed, and their recent messages deleted when asked. */
export async function ban(tx: WriteTx, input: BanInput): Promise<ModerationResult> {
  const { level } = await moderate(tx, input.room, input.actor, 'ban');
  const user = await targetUser(tx, input.target);
  const member = await tx.memberOf(input.room, input.target);
  // Someone who is not a member ranks as one (or as a server admin).
  requireAbove(level, input.targetAdmin ? SERVER_ADMIN_LEVEL : Math.max(0, levelOf(member)));
  const target = { id: user.id, name: user.name };
  const ts = Date.now();
  const deleted =
    input.deleteSince === undefined ? [] : await tx.recentMessageSeqs(input.room, input.target, input.deleteSince, MODERATION_LIMITS.purgeMaxMessages);
  await tx.putBan({ room_id: input.room, user_id: input.target, until: input.until ?? null, created_at: ts });
  if (member) await tx.deleteMember(input.room, input.target);
  if (deleted.length > 0) await tx.removeMessages(input.room, deleted);
  for (const seq of deleted) await tx.indexMessage(input.room, seq, null);
  deleted.reverse();
  const data = {
    target,
    ...(input.until !== undefined ? { until: input.until } : {}),
    ...(member ? { removed: true as const } : {}),
    ...(deleted.length > 0 ? { deleted } : {}),
  };
  const event = await appendEvent(tx, input.room, ref(input.actor), ts, { kind: 'ban', data });
  const details = { ...(input.until !== undefined ? { until: input.until } : {}), deleted: deleted.length };
  await writeAudit(tx, { room: input.room, ts, actor: ref(input.actor), action: 'ban', target, reason: input.reason, details });
  return { event, deleted: deleted.length };
}

/** Lifts a ban in force. */
export async function unban(tx: WriteTx, input: Targeted): Promise<RoomEvent> {
  await moderate(tx, input.room, input.actor, 'ban');
  const ts = Date.now();
  const existing = await tx.banOf(input.room, input.target);
  if (!existing || (existing.until !== null && existing.until <= ts)) throw new ParleyError('not_found', 'That person is not banned here.');
  const user = await targetUser(tx, input.target);
  const target = { id: user.id, name: user.name };
  await tx.deleteBan(input.room, input.target);
  const event = await appendEvent(tx, input.room, ref(input.actor), ts, { kind: 'unban', data: { target } });
  await writeAudit(tx, { room: input.room, ts, actor: ref(input.actor), action: 'unban', target, reason: input.reason });
  return event;
}

/** Times a member out until `until`, or lifts it (0); kept while they are away, so leaving and joining again does not lift it. */
export async function timeout(tx: WriteTx, input: TimeoutInput): Promise<RoomEvent> {
  const { level } = await moderate(tx, input.room, input.actor, 'timeout');
  const { ref: target } = await targetMember(tx, input, level);
  const ts = Date.now();
  await tx.setMutedUntil(input.room, input.target, input.until === 0 ? null : input.until);
  const event = await appendEvent(tx, input.room, ref(input.actor), ts, { kind: 'timeout', data: { target, until: input.until } });
  await writeAudit(tx, { room: input.room, ts, actor: ref(input.actor), action: 'timeout', target, reason: input.reason, details: { until: input.until } });
  return event;
}

/** The least rank that may change a room's permissions: its owner. */
const OWNER_LEVEL = roleLevel('owner');

/** Changes some of a room's settings; each part needs its own right: read-only edit_room, slow mode slow_mode, permissions the owner's rank. */
export async function updateRoomSettings(tx: WriteTx, input: RoomSettingsChange): Promise<RoomEvent> {
  const { settings, level } = await moderate(tx, input.room, input.actor, null);
  if (input.readOnly !== undefined) requirePermission(settings, 'edit_room', level);
  if (input.slowModeSeconds !== undefined) requirePermission(settings, 'slow_mode', level);
  if (input.permissions !== undefined && level < OWNER_LEVEL) throw new ParleyError('forbidden', "Only the room's owner may change its permissions.");
  for (const role of Object.values(input.permissions ?? {})) {
    if (!ROLES.includes(role)) throw new ParleyError('invalid_frame', `No role "${String(role)}".`);
  }
  const next = normalized({
    ...settings,
    ...(input.readOnly !== undefined ? { readOnly: input.readOnly ? true : undefined } : {}),
    ...(input.slowModeSeconds !== undefined ? { slowModeSeconds: input.slowModeSeconds } : {}),
    permissions: { ...settings.permissions, ...input.permissions },
  } as RoomSettings);
  const ts = Date.now();
  await tx.setRoomSettings(input.room, settingsText(next));
  const event = await appendEvent(tx, input.room, ref(input.actor), ts, { kind: 'settings', data: { settings: next } });
  const changes = {
    ...(input.readOnly !== undefined ? { readOnly: input.readOnly } : {}),
    ...(input.slowModeSeconds !== undefined ? { slowModeSeconds: input.slowModeSeconds } : {}),
    ...(input.permissions !== undefined ? { permissions: input.permissions } : {}),
  };
  await writeAudit(tx, { room: input.room, ts, actor: ref(input.actor), action: 'settings', reason: input.reason, details: { changes } });
  return event;
}
