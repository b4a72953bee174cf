/**
 * What server admins (ADMIN_USERS) do over the admin REST API: disable an account,
 * sign a user out everywhere, delete a guest, archive or delete a room. The caller
 * has checked that the actor is a server admin; each write records exactly one
 * audit entry (server-wide, or the room's).
 */
import { ParleyError, type RoomEvent, type UserRef } from '@parley/protocol';
import type { StoredUser } from '../store.js';
import { LOBBY_ID } from '../lobby.js';
import { parseSettings, settingsText, toStoredUser } from '../sql/rows.js';
import type { UserRow } from '../sql/schema.js';
import { revokeTokens } from './account-writes.js';
import { writeAudit } from './audit.js';
import { forgetRoomFiles } from './file-writes.js';
import { appendEvent } from './append-event.js';
import { requireModeratedRoom } from './moderation-rules.js';
import { normalized } from './room-settings.js';
import type { WriteTx } from './write-tx.js';

export interface DeletedUser {
  user: StoredUser;
  /** Hashes of the sessions that were live, whose connections must close. */
  revoked: string[];
  /** The `leave` events of the rooms they were in. */
  events: RoomEvent[];
}

export interface DeletedRoom {
  room: { id: string; name: string };
  /** Who was a member, whose connections must leave the room. */
  members: string[];
  /** Keys of the blobs (files, thumbnails) that only the room's files used, for the caller to delete from Files. */
  blobKeys: string[];
}

interface AdminAction {
  actor: UserRef;
  reason?: string;
}

async function existingUser(tx: WriteTx, id: string): Promise<UserRow> {
  const row = await tx.userById(id);
  if (!row) throw new ParleyError('user_not_found', 'No such user.');
  return row;
}

const refOf = (row: UserRow): UserRef => ({ id: row.id, name: row.name });

/** Disables (revoking every session) or enables an account; nothing is written when it is already so. */
export async function setUserDisabled(
  tx: WriteTx,
  input: AdminAction & { target: string; disabled: boolean },
): Promise<{ user: StoredUser; revoked: string[] }> {
  const row = await existingUser(tx, input.target);
  const flag = input.disabled ? 1 : 0;
  if (row.disabled === flag) return { user: toStoredUser(row), revoked: [] };
  const ts = Date.now();
  await tx.setUserDisabled(row.id, flag);
  const revoked = input.disabled ? await tx.revokeUserSessions(row.id) : [];
  const action = input.disabled ? 'disable_user' : 'enable_user';
  await writeAudit(tx, { room: null, ts, actor: input.actor, action, target: refOf(row), reason: input.reason, details: { sessions: revoked.length } });
  return { user: toStoredUser({ ...row, disabled: flag }), revoked };
}

/** Revokes every session of the user. */
export async function signOutUser(tx: WriteTx, input: AdminAction & { target: string }): Promise<{ user: StoredUser; revoked: string[] }> {
  const row = await existingUser(tx, input.target);
  const ts = Date.now();
  const revoked = await tx.revokeUserSessions(row.id);
  // A JWT user's tokens are the signing application's: every one issued until now is revoked
  // (the connections using them are closed by the caller, and the revocation sweep of every node).
  if (row.external_id !== null) await revokeTokens(tx, { subject: row.external_id, notBefore: ts });
  await writeAudit(tx, { room: null, ts, actor: input.actor, action: 'sign_out_user', target: refOf(row), reason: input.reason, details: { sessions: revoked.length } });
  return { user: toStoredUser(row), revoked };
}

/** Deletes a guest: a `leave` in each of their rooms, then their rows; their messages stay, under the name they had. */
export async function deleteGuest(tx: WriteTx, input: AdminAction & { target: string }): Promise<DeletedUser> {
  const row = await existingUser(tx, input.target);
  if (row.kind !== 'guest') throw new ParleyError('forbidden', 'Only guests can be deleted; disable an account instead.');
  const ts = Date.now();
  const user = refOf(row);
  const events: RoomEvent[] = [];
  // In ascending room order, the order every writer locks rooms in (no deadlock between nodes).
  for (const room of await tx.memberRoomIds(row.id)) {
    await tx.lockRoom(room, row.id);
    await tx.deleteMember(room, row.id);
    events.push(await appendEvent(tx, room, user, ts, { kind: 'leave' }));
  }
  const revoked = await tx.revokeUserSessions(row.id);
  await tx.deleteUserRows(row.id);
  await writeAudit(tx, { room: null, ts, actor: input.actor, action: 'delete_user', target: user, reason: input.reason, details: { rooms: events.length } });
  return { user: toStoredUser(row), revoked, events };
}

/** Archives or unarchives a room: a `settings` event; the lobby and DMs cannot be. */
export async function archiveRoom(tx: WriteTx, input: AdminAction & { room: string; archived: boolean }): Promise<RoomEvent> {
  const locked = await tx.lockRoom(input.room, input.actor.id);
  if (!locked) throw new ParleyError('not_found', 'No such room.');
  requireModeratedRoom(locked.room);
  if (locked.room.id === LOBBY_ID) throw new ParleyError('forbidden', 'The lobby cannot be archived.');
  const settings = parseSettings(locked.room.settings);
  const next = normalized(input.archived ? { ...settings, archived: true } : (({ archived: _archived, ...rest }) => rest)(settings));
  const ts = Date.now();
  await tx.setRoomSettings(input.room, settingsText(next));
  const event = await appendEvent(tx, input.room, input.actor, ts, { kind: 'settings', data: { settings: next } });
  await writeAudit(tx, { room: input.room, ts, actor: input.actor, action: 'archive_room', reason: input.reason, details: { archived: input.archived } });
  return event;
}

/**
 * Deletes a room and all it holds (its log, members, threads, files' records, webhooks and their
 * deliveries, search documents), but not its audit entries (the deletion is one more); not the
 * lobby, not a DM.
 */
export async function deleteRoom(tx: WriteTx, input: AdminAction & { room: string }): Promise<DeletedRoom> {
  const locked = await tx.lockRoom(input.room, input.actor.id);
  if (!locked) throw new ParleyError('not_found', 'No such room.');
  requireModeratedRoom(locked.room);
  if (locked.room.id === LOBBY_ID) throw new ParleyError('forbidden', 'The lobby cannot be deleted.');
  const members = await tx.memberIds(input.room);
  const ts = Date.now();
  const blobKeys = await forgetRoomFiles(tx, input.room);
  await tx.deleteRoomRows(input.room);
  await writeAudit(tx, { room: input.room, ts, actor: input.actor, action: 'delete_room', reason: input.reason, details: { name: locked.room.name, members: members.length } });
  return { room: { id: locked.room.id, name: locked.room.name }, members, blobKeys };
}
