/**
 * Who may do what to whom: the checks every store's write rules make, inside
 * the write's transaction, after the room's row is locked (WriteTx.lockRoom).
 * Pure functions of the rows read there; each refusal is a ParleyError thrown
 * before the write's first change.
 *
 * - Rank: a member's role level (roleLevel); a server admin (ADMIN_USERS,
 *   `admin` of an Actor) ranks SERVER_ADMIN_LEVEL, above every role.
 * - Acting on a person needs a rank above theirs; granting a role needs a rank
 *   above that role. So nobody acts on their equals or on themselves.
 * - Each action also needs the room's permission for it (permissionsOf).
 */
import {
  MODERATOR_LEVEL,
  ParleyError,
  SERVER_ADMIN_LEVEL,
  allows,
  mentionsEveryone,
  roleLevel,
  type Permission,
  type RoomSettings,
  type UserRef,
} from '@parley/protocol';
import type { MemberLimitsRow, MemberRow, RoomRow } from '../sql/schema.js';

/** Who acts: a user, and whether the operator made them a server admin (ADMIN_USERS). */
export interface Actor extends UserRef {
  admin?: boolean;
}

/** The rank of a member (or of a server admin, whatever their role); -1 for someone who is neither. */
export function levelOf(member: Pick<MemberRow, 'role'> | null, admin = false): number {
  if (admin) return SERVER_ADMIN_LEVEL;
  return member === null ? -1 : roleLevel(member.role);
}

const WHAT: Record<Permission, string> = {
  post: 'post here',
  react: 'react here',
  upload: 'upload files here',
  mention_all: 'mention everyone here',
  invite: 'invite people here',
  edit_room: 'change whether this room is read-only',
  delete_others: "delete other people's messages here",
  kick: 'remove people from this room',
  ban: 'ban people from this room',
  timeout: 'time people out here',
  slow_mode: 'change slow mode here',
};

export function requirePermission(settings: RoomSettings, permission: Permission, level: number): void {
  if (!allows(settings, permission, level)) throw new ParleyError('forbidden', `Your role may not ${WHAT[permission]}.`);
}

/** Acting on someone needs a rank above theirs (so never on oneself or one's equals). */
export function requireAbove(actorLevel: number, targetLevel: number): void {
  if (actorLevel <= targetLevel) throw new ParleyError('forbidden', 'You can act only on people whose role is below yours.');
}

export function requireModeratedRoom(room: RoomRow): void {
  if (room.kind === 'dm') throw new ParleyError('forbidden', 'Direct messages have no moderators.');
}

function timedOut(until: number, now: number): ParleyError {
  return new ParleyError('timed_out', `You are timed out in this room until ${new Date(until).toISOString()}.`, until - now);
}

/** A member writing to a room: what every room state and limit allows. */
export interface WriteCheck {
  settings: RoomSettings;
  /** The writer's rank (levelOf). */
  level: number;
  limits: Pick<MemberLimitsRow, 'muted_until' | 'last_post_at'> | null;
  now: number;
}

function requireOpen(check: WriteCheck): void {
  if (check.settings.archived) throw new ParleyError('forbidden', 'This room is archived: nothing more can be written in it.');
  const until = check.limits?.muted_until ?? null;
  if (until !== null && until > check.now) throw timedOut(until, check.now);
}

/** Text written to the room (a message or an edit): not archived, not timed out, not read-only, allowed to post and to mention everyone. */
export function checkText(check: WriteCheck, body: string): void {
  requireOpen(check);
  if (check.settings.readOnly && check.level < MODERATOR_LEVEL) {
    throw new ParleyError('forbidden', 'This room is read-only: only moderators post here.');
  }
  requirePermission(check.settings, 'post', check.level);
  if (mentionsEveryone(body)) requirePermission(check.settings, 'mention_all', check.level);
}

/**
 * A new message: checkText, and slow mode — members below moderator post once per
 * `slowModeSeconds`. Returns whether slow mode counts this message (its time must
 * then be written with it).
 */
export function checkPost(check: WriteCheck, body: string): boolean {
  checkText(check, body);
  const seconds = check.settings.slowModeSeconds ?? 0;
  if (seconds === 0 || check.level >= MODERATOR_LEVEL) return false;
  const last = check.limits?.last_post_at ?? null;
  const wait = last === null ? 0 : last + seconds * 1000 - check.now;
  if (wait > 0) throw new ParleyError('slow_mode', `Slow mode: one message every ${seconds} s here; wait ${Math.ceil(wait / 1000)} s.`, wait);
  return true;
}

export function checkReact(check: WriteCheck): void {
  requireOpen(check);
  requirePermission(check.settings, 'react', check.level);
}

/**
 * A file attached to the room (for file uploads, which come with their own feature): not
 * archived, not timed out, and the room's `upload` permission.
 */
export function checkUpload(check: WriteCheck): void {
  requireOpen(check);
  requirePermission(check.settings, 'upload', check.level);
}
