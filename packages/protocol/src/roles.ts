/**
 * Roles and permissions: the vocabulary every party shares. A room's members
 * have one role each, ranked owner > admin > moderator > member; a server
 * admin (named by the operator) ranks above every role in every room. The
 * server decides with these constants (store/rules/moderation-rules.ts); a
 * client uses the same ones only to show what a person may do.
 */

/** Ascending rank: each role may do all that the roles before it may. */
export const ROLES = ['member', 'moderator', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

/** A role's rank: member 0, moderator 1, admin 2, owner 3. */
export function roleLevel(role: Role): number {
  return ROLES.indexOf(role);
}

/** The rank of a server admin (ADMIN_USERS), above every room role, in every room. */
export const SERVER_ADMIN_LEVEL = ROLES.length;

/**
 * What a room's permissions govern. Each names the least role that may do it;
 * a room's owner changes them. Acting on a person (kick, ban, time out, deleting
 * their messages, changing their role) also needs a rank above theirs.
 */
export const PERMISSIONS = [
  /** Send messages. */
  'post',
  /** Add or remove reactions. */
  'react',
  /** Attach files. */
  'upload',
  /** Mention everyone at once: @room, @everyone or @here. */
  'mention_all',
  /** Add people to the room. */
  'invite',
  /** Make the room read-only, or writable again. */
  'edit_room',
  /** Delete other people's messages. */
  'delete_others',
  'kick',
  /** Ban and unban. */
  'ban',
  /** Time people out (they cannot post or react until then), and lift it. */
  'timeout',
  /** Turn slow mode on or off. */
  'slow_mode',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export type Permissions = Record<Permission, Role>;

export const DEFAULT_PERMISSIONS: Readonly<Permissions> = Object.freeze({
  post: 'member',
  react: 'member',
  upload: 'member',
  mention_all: 'moderator',
  invite: 'member',
  edit_room: 'admin',
  delete_others: 'moderator',
  kick: 'moderator',
  ban: 'moderator',
  timeout: 'moderator',
  slow_mode: 'moderator',
});

/**
 * A room's settings. Only what differs from the defaults is present: a room
 * with none of them set has `{}` (and a RoomSummary then omits `settings`).
 */
export interface RoomSettings {
  /** Only moderators and above post (announcements). */
  readOnly?: true;
  /** Each member below moderator may post one message per this many seconds. */
  slowModeSeconds?: number;
  /** Archived by a server admin: nobody posts, reacts, joins or is invited. */
  archived?: true;
  /** The permissions that differ from DEFAULT_PERMISSIONS. */
  permissions?: Partial<Permissions>;
}

/** The room's permissions: its own where it set them, the defaults elsewhere. */
export function permissionsOf(settings: RoomSettings | undefined): Permissions {
  return { ...DEFAULT_PERMISSIONS, ...settings?.permissions };
}

/** Whether `level` (roleLevel, or SERVER_ADMIN_LEVEL) may do `permission` in a room with these settings. */
export function allows(settings: RoomSettings | undefined, permission: Permission, level: number): boolean {
  return level >= roleLevel(permissionsOf(settings)[permission]);
}

/** Members of this rank and above are exempt from slow mode and may post in read-only rooms. */
export const MODERATOR_LEVEL = 1;

const MENTION_ALL = /(^|[^\p{L}\p{N}_@])@(room|everyone|here)(?![\p{L}\p{N}_])/iu;

/** Whether a message body mentions everyone in the room (needs `mention_all`). */
export function mentionsEveryone(body: string): boolean {
  return MENTION_ALL.test(body);
}

/** Bounds of moderation requests. */
export const MODERATION_LIMITS = {
  /** Longest reason, in UTF-16 code units. */
  reasonMax: 512,
  /** Longest slow-mode interval: 6 hours. */
  slowModeMaxSeconds: 6 * 3600,
  /** Longest time-out: 28 days. */
  timeoutMaxMs: 28 * 24 * 3_600_000,
  /** Longest ban with an end (longer: leave `durationMs` out for a ban without one): 366 days. */
  banMaxMs: 366 * 24 * 3_600_000,
  /** A ban deletes at most the banned person's messages of this long before it: 7 days. */
  purgeMaxMs: 7 * 24 * 3_600_000,
  /** …and at most this many of them, the newest first. */
  purgeMaxMessages: 1000,
  /** Open reports a `reports` request returns at most. */
  reportsMax: 100,
  /** Audit entries per page at most. */
  auditPageMax: 200,
  /** People one user may block. */
  blocksMax: 1000,
} as const;
