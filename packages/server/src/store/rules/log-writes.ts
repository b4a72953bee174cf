/**
 * The rules of every write to rooms, members and the event log, shared by
 * every store: who may do what, what each action appends to the log, what a
 * deletion erases. Each runs inside a group-commit transaction
 * (group-commit.ts) through a WriteTx.
 *
 * Every refusal (a ParleyError) is thrown before the write's first change to
 * the database: a refused write then fails alone and the writes batched with
 * it commit. (A write that fails after changing something makes its batch roll
 * back and run again one write per transaction; group-commit.ts.)
 */
import { ParleyError, type MessageEvent, type RoomEvent, type UserRef } from '@parley/protocol';
import type { NewRoom, Store, StoredRoom, StoredUser } from '../store.js';
import { LOBBY_ID, LOBBY_NAME } from '../lobby.js';
import { SERVER_USER } from '../server-user.js';
import { WEBHOOK_USER_PREFIX, groupReactions, parseSettings, toAttachment, toRoomEvent, toStoredUser, type EventData } from '../sql/rows.js';
import type { EventRow, MemberRole, MemberRow } from '../sql/schema.js';
import type { LockedRoom, WriteTx } from './write-tx.js';
import { appendEvent, type NewEvent } from './append-event.js';
import { previewAfterEdit } from './preview-writes.js';
import { filesToAttach } from './file-writes.js';
import { checkPost, checkReact, checkText, checkUpload, levelOf, requireAbove, requirePermission, type WriteCheck } from './moderation-rules.js';
import { writeAudit } from './audit.js';
import { requireMember } from './membership.js';
import { recordEditedReply, recordReply, threadRootFor, type ThreadUpdate } from './thread-writes.js';

const LOBBY: NewRoom = Object.freeze({ id: LOBBY_ID, name: LOBBY_NAME, kind: 'public', createdBy: null });

/** What a member writing to the locked room is held to (moderation-rules.ts). */
function writeCheck(locked: LockedRoom & { member: MemberRow }, admin: boolean | undefined): WriteCheck {
  return { settings: parseSettings(locked.room.settings), level: levelOf(locked.member, admin), limits: locked.limits, now: Date.now() };
}

/** Locks the room (WriteTx.lockRoom), which must exist, with `userId`'s membership. */
async function existingRoom(tx: WriteTx, roomId: string, userId: string): Promise<LockedRoom> {
  const locked = await tx.lockRoom(roomId, userId);
  if (!locked) throw new ParleyError('not_found', 'No such room.');
  return locked;
}

/** The message at `target`, which must be a message that is not deleted. */
async function liveMessage(tx: WriteTx, room: string, target: number): Promise<EventRow> {
  const row = await tx.eventBySeq(room, target);
  if (!row || row.kind !== 'message' || row.deleted) throw new ParleyError('not_found', 'No such message.');
  return row;
}

async function authoredMessage(tx: WriteTx, room: string, target: number, user: UserRef): Promise<EventRow> {
  const row = await liveMessage(tx, room, target);
  if (row.user_id !== user.id) throw new ParleyError('forbidden', 'Only its author may change a message.');
  return row;
}

/** A message row in its current state, with its reactions. */
async function readMessage(tx: WriteTx, row: EventRow): Promise<MessageEvent> {
  const reactions = row.deleted ? undefined : groupReactions(await tx.reactionsOf(row.room_id, row.seq)).get(row.seq);
  return toRoomEvent(row, reactions) as MessageEvent;
}

/**
 * Appends a message by a member, or returns the message already stored under its
 * (room, author, client id) — a retry is answered as it was, whatever changed since.
 * Its files (`attachments`, ids of the author's uploads to this room not sent yet)
 * are sent with it: the event carries them, and from then on they are the message's.
 * `admin`: the author is a server admin (ADMIN_USERS); `bot`: a bot account, marked on the message.
 */
export async function appendMessage(
  tx: WriteTx,
  input: Parameters<Store['appendMessage']>[0],
): ReturnType<Store['appendMessage']> {
  const locked = await requireMember(tx, input.room, input.user.id);
  const stored = await tx.messageByClientId(input.room, input.user.id, input.clientId);
  if (stored) return { event: await readMessage(tx, stored), duplicate: true };
  const check = writeCheck(locked, input.admin);
  const slowMode = checkPost(check, input.body);
  if (input.attachments?.length) checkUpload(check);
  if (locked.room.kind === 'dm' && (await tx.blockedByPeer(input.room, input.user.id))) {
    throw new ParleyError('forbidden', 'This person does not take direct messages from you.');
  }
  const root = input.thread !== undefined ? await threadRootFor(tx, input.room, input.thread) : null;
  if (input.replyTo !== undefined) await liveMessage(tx, input.room, input.replyTo);
  const files = input.attachments?.length ? await filesToAttach(tx, input.room, input.user.id, input.attachments) : [];
  const data: EventData['message'] = {};
  if (files.length > 0) data.attachments = files.map(toAttachment);
  if (input.replyTo !== undefined) data.replyTo = input.replyTo;
  if (input.bot) data.bot = true;
  const place = root ? { thread: root.seq, alsoInRoom: input.alsoInRoom === true } : {};
  const message: NewEvent = { kind: 'message', clientId: input.clientId, body: input.body, data: Object.keys(data).length > 0 ? data : null, ...place };
  const event = (await appendEvent(tx, input.room, input.user, check.now, message)) as MessageEvent;
  for (const file of files) await tx.attachFile(file.id, event.seq);
  await tx.indexMessage(input.room, event.seq, input.body);
  if (slowMode) await tx.setLastPostAt(input.room, input.user.id, check.now);
  if (root) return { event, duplicate: false, thread: await recordReply(tx, event, root) };
  return { event, duplicate: false };
}

/**
 * Appends a message posted through a webhook, by the webhook itself (`webhook:<id>`, no member):
 * refused in an archived room. Idempotent on (room, webhook, client id) as appendMessage.
 */
export async function appendWebhookMessage(
  tx: WriteTx,
  input: { room: string; webhook: { id: string; name: string }; clientId: string; body: string },
): Promise<{ event: MessageEvent; duplicate: boolean }> {
  const user = { id: `${WEBHOOK_USER_PREFIX}${input.webhook.id}`, name: input.webhook.name };
  const locked = await existingRoom(tx, input.room, user.id);
  const stored = await tx.messageByClientId(input.room, user.id, input.clientId);
  if (stored) return { event: await readMessage(tx, stored), duplicate: true };
  if (parseSettings(locked.room.settings).archived) throw new ParleyError('forbidden', 'This room is archived: nothing more can be written in it.');
  const data = { webhook: { id: input.webhook.id, name: input.webhook.name } };
  const event = await appendEvent(tx, input.room, user, Date.now(), { kind: 'message', clientId: input.clientId, body: input.body, data });
  return { event: event as MessageEvent, duplicate: false };
}

/**
 * Edits a message; the edit of a reply that mentions someone new makes them follow its thread
 * (`thread`); an edit that changes the message's first link names it (`link`) and takes the
 * preview of another link off (`preview`, preview-writes.ts).
 */
export async function editMessage(
  tx: WriteTx,
  input: { room: string; user: UserRef; target: number; body: string; admin?: boolean },
): Promise<{ event: RoomEvent; thread?: ThreadUpdate; preview?: RoomEvent; link?: string }> {
  const locked = await requireMember(tx, input.room, input.user.id);
  const message = await authoredMessage(tx, input.room, input.target, input.user);
  checkText(writeCheck(locked, input.admin), input.body);
  const ts = Date.now();
  const event = await appendEvent(tx, input.room, input.user, ts, { kind: 'edit', target: input.target, body: input.body });
  const { link, removed } = await previewAfterEdit(tx, message, input.body, ts);
  const thread = await recordEditedReply(tx, message, input.body);
  await tx.setMessageBody(input.room, input.target, input.body, ts);
  await tx.indexMessage(input.room, input.target, input.body);
  return { event, ...(thread ? { thread } : {}), ...(removed ? { preview: removed } : {}), ...(link !== undefined ? { link } : {}) };
}

/**
 * Tombstones the message: its body, the bodies of its edits and its reactions are
 * erased. Its author may delete it; so may a member with `delete_others` ranked above
 * its author (`authorAdmin`: the author is a server admin), whose deletion is marked
 * `moderated` and written to the audit log with `reason`.
 */
export async function deleteMessage(
  tx: WriteTx,
  input: { room: string; user: UserRef; target: number; admin?: boolean; authorAdmin?: boolean; reason?: string },
): Promise<RoomEvent> {
  const locked = await requireMember(tx, input.room, input.user.id);
  const message = await liveMessage(tx, input.room, input.target);
  if (message.user_id !== input.user.id) return removeOthersMessage(tx, locked, message, input);
  const event = await appendEvent(tx, input.room, input.user, Date.now(), { kind: 'delete', target: input.target, data: deleteData(message, null) });
  await tx.tombstoneMessage(input.room, input.target);
  await tx.indexMessage(input.room, input.target, null);
  await tx.deleteReactionsOf(input.room, input.target);
  if (message.edited_ts !== null) await tx.eraseEditBodies(input.room, input.target);
  return event;
}

/** What a delete event records: a moderator's, and the thread of a reply not sent to the room (§25). */
function deleteData(message: EventRow, moderated: true | null): EventData['delete'] | null {
  const data: EventData['delete'] = {};
  if (moderated) data.moderated = true;
  if (message.thread !== null && message.also_in_room === 0) data.thread = message.thread;
  return Object.keys(data).length > 0 ? data : null;
}

async function removeOthersMessage(
  tx: WriteTx,
  locked: LockedRoom & { member: MemberRow },
  message: EventRow,
  input: { room: string; user: UserRef; target: number; admin?: boolean; authorAdmin?: boolean; reason?: string },
): Promise<RoomEvent> {
  if (locked.room.kind === 'dm') throw new ParleyError('forbidden', 'Only its author may change a message.');
  const level = levelOf(locked.member, input.admin);
  requirePermission(parseSettings(locked.room.settings), 'delete_others', level);
  // An author who left the room ranks as a member.
  const author = await tx.memberOf(input.room, message.user_id);
  requireAbove(level, input.authorAdmin ? levelOf(null, true) : Math.max(0, levelOf(author)));
  const ts = Date.now();
  const event = await appendEvent(tx, input.room, input.user, ts, { kind: 'delete', target: input.target, data: deleteData(message, true) });
  await tx.removeMessages(input.room, [input.target]);
  await tx.indexMessage(input.room, input.target, null);
  await writeAudit(tx, {
    room: input.room,
    ts,
    actor: input.user,
    action: 'delete_message',
    target: { id: message.user_id, name: message.user_name },
    reason: input.reason,
    details: { seq: input.target },
  });
  return event;
}

/** Adds or removes a reaction; null (nothing written) when it is already in that state. */
export async function react(
  tx: WriteTx,
  input: { room: string; user: UserRef; target: number; emoji: string; on: boolean; admin?: boolean },
): Promise<RoomEvent | null> {
  const { room, user, target, emoji, on } = input;
  const locked = await requireMember(tx, room, user.id);
  await liveMessage(tx, room, target);
  const present = await tx.reactionExists(room, target, user.id, emoji);
  if (present === on) return null;
  checkReact(writeCheck(locked, input.admin));
  const event = await appendEvent(tx, room, user, Date.now(), { kind: 'reaction', target, data: { emoji, on } });
  if (on) await tx.insertReaction({ room_id: room, target, user_id: user.id, emoji, seq: event.seq });
  else await tx.deleteReaction(room, target, user.id, emoji);
  return event;
}

/** Appends the join event and adds the member; their read marker starts at the join (earlier history is not unread). */
async function addMember(tx: WriteTx, room: string, user: UserRef, role: MemberRole, by: UserRef | null, ts: number): Promise<RoomEvent> {
  const event = await appendEvent(tx, room, user, ts, { kind: 'join', data: by ? { by: { id: by.id, name: by.name } } : null });
  await tx.insertMember({ room_id: room, user_id: user.id, role, read_seq: event.seq, joined_at: ts });
  return event;
}

/**
 * Adds a member; null (nothing written) when they already are one. Refused in an
 * archived room, and for a user banned from the room (`banned`), whoever adds them.
 * `by`: someone else adds them (an invitation), who must be a member allowed to invite
 * (`byAdmin`: they are a server admin).
 */
export async function join(tx: WriteTx, input: { room: string; user: UserRef; by?: UserRef; byAdmin?: boolean }): Promise<RoomEvent | null> {
  const locked = await existingRoom(tx, input.room, input.user.id);
  if (locked.member !== null) return null;
  const settings = parseSettings(locked.room.settings);
  if (input.by) {
    const inviter = await tx.memberOf(input.room, input.by.id);
    if (inviter === null) throw new ParleyError(locked.room.kind === 'public' ? 'not_member' : 'not_found', locked.room.kind === 'public' ? 'Join the room first.' : 'No such room.');
    requirePermission(settings, 'invite', levelOf(inviter, input.byAdmin));
  }
  if (settings.archived) throw new ParleyError('forbidden', 'This room is archived: nobody can join it.');
  const now = Date.now();
  const ban = await tx.banOf(input.room, input.user.id);
  if (ban !== null && (ban.until === null || ban.until > now)) {
    const who = input.by ? 'That person is' : 'You are';
    const end = ban.until === null ? '' : ` until ${new Date(ban.until).toISOString()}`;
    throw new ParleyError('banned', `${who} banned from this room${end}.`, ban.until === null ? undefined : ban.until - now);
  }
  return addMember(tx, input.room, input.user, 'member', input.by ?? null, now);
}

/** Removes a member; null (nothing written) when they are not one. */
export async function leave(tx: WriteTx, input: { room: string; user: UserRef }): Promise<RoomEvent | null> {
  const locked = await existingRoom(tx, input.room, input.user.id);
  if (locked.member === null) return null;
  await tx.deleteMember(input.room, input.user.id);
  return appendEvent(tx, input.room, input.user, Date.now(), { kind: 'leave' });
}

export async function setReadMarker(tx: WriteTx, roomId: string, userId: string, seq: number): Promise<number> {
  const marker = await tx.advanceReadMarker(roomId, userId, seq);
  if (marker === null) throw new ParleyError('not_found', 'Not a member of that room.');
  return marker;
}

/** Case-insensitive uniqueness key of a public or private room's name. */
function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

export async function createRoom(tx: WriteTx, room: NewRoom): Promise<{ room: StoredRoom; events: RoomEvent[] }> {
  const key = room.kind === 'dm' ? null : nameKey(room.name);
  if (key !== null && (await tx.roomNameKeyExists(key))) throw new ParleyError('name_taken', 'A room with that name exists.');
  const ts = Date.now();
  const creator = room.createdBy;
  await tx.insertRoom({ id: room.id, name: room.name, name_key: key, kind: room.kind, created_by: creator?.id ?? null, created_at: ts });
  const events = [await appendEvent(tx, room.id, creator ?? SERVER_USER, ts, { kind: 'created', data: { name: room.name, roomKind: room.kind } })];
  const added = new Set<string>();
  if (creator) {
    events.push(await addMember(tx, room.id, creator, 'owner', null, ts));
    added.add(creator.id);
  }
  for (const member of room.members ?? []) {
    if (added.has(member.id)) continue;
    events.push(await addMember(tx, room.id, member, 'member', creator, ts));
    added.add(member.id);
  }
  const stored: StoredRoom = { id: room.id, name: room.name, kind: room.kind, createdBy: creator?.id ?? null, createdAt: ts };
  return { room: stored, events };
}

/** Creates the lobby unless it exists. */
export async function ensureLobby(tx: WriteTx): Promise<void> {
  if (!(await tx.roomById(LOBBY.id))) await createRoom(tx, LOBBY);
}

export async function renameUser(tx: WriteTx, userId: string, name: string): Promise<{ user: StoredUser; events: RoomEvent[] }> {
  const row = await tx.userById(userId);
  if (!row) throw new ParleyError('not_found', 'No such user.');
  const user = toStoredUser({ ...row, name });
  if (row.name === name) return { user, events: [] };
  await tx.setUserName(userId, name);
  const ts = Date.now();
  const ref = { id: userId, name };
  const events: RoomEvent[] = [];
  // In ascending room order, the order every writer locks rooms in (no deadlock between nodes).
  for (const room of await tx.memberRoomIds(userId)) {
    events.push(await appendEvent(tx, room, ref, ts, { kind: 'rename', data: { from: row.name, to: name } }));
  }
  return { user, events };
}
