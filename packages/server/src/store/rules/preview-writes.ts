/**
 * The rules of link previews in the log (§29.6): a message's preview is the preview of its
 * current first link (firstLink), or none. Both rules run in a transaction that holds the room's
 * lock, so an edit and the attachment of a preview fetched meanwhile are ordered: whichever comes
 * second sees what the first wrote.
 */
import type { LinkPreview, RoomEvent } from '@parley/protocol';
import { firstLink } from '../../link-previews/first-link.js';
import { SERVER_USER } from '../server-user.js';
import type { EventData } from '../sql/rows.js';
import type { EventRow } from '../sql/schema.js';
import type { WriteTx } from './write-tx.js';
import { appendEvent } from './append-event.js';

function messageData(row: EventRow): EventData['message'] {
  return row.data === null ? {} : (JSON.parse(row.data) as EventData['message']);
}

/**
 * Attaches the preview of `preview.url` to a live message whose first link that still is: a
 * `preview` event by the message's author, and the message row keeps it (replacing a preview of
 * another link). Null (nothing written) when the message is gone, its first link is now another
 * (it was edited while the preview was fetched) or it has this link's preview already.
 */
export async function attachPreview(tx: WriteTx, input: { room: string; target: number; preview: LinkPreview }): Promise<RoomEvent | null> {
  const locked = await tx.lockRoom(input.room, SERVER_USER.id);
  if (!locked) return null;
  const row = await tx.eventBySeq(input.room, input.target);
  if (!row || row.kind !== 'message' || row.deleted) return null;
  if (firstLink(row.body ?? '') !== input.preview.url) return null;
  const data = messageData(row);
  if (data.preview?.url === input.preview.url) return null;
  const author = { id: row.user_id, name: row.user_name };
  const event = await appendEvent(tx, input.room, author, Date.now(), { kind: 'preview', target: input.target, data: { preview: input.preview } });
  await tx.setMessageData(input.room, input.target, JSON.stringify({ ...data, preview: input.preview }));
  return event;
}

/**
 * Called by an edit of `message` (its row before the edit) to `body`, in the edit's transaction.
 * `link`: the message's new first link, when the edit changed it (a preview of it may be fetched
 * and attached by attachPreview). `removed`: when the message had a preview of a link that is no
 * longer its first, the `preview` event without one that took it off.
 */
export async function previewAfterEdit(tx: WriteTx, message: EventRow, body: string, ts: number): Promise<{ link?: string; removed?: RoomEvent }> {
  const link = firstLink(body);
  const changed = link !== null && link !== firstLink(message.body ?? '');
  const { preview, ...rest } = messageData(message);
  if (preview === undefined || link === preview.url) return changed ? { link } : {};
  const author = { id: message.user_id, name: message.user_name };
  const removed = await appendEvent(tx, message.room_id, author, ts, { kind: 'preview', target: message.seq, data: null });
  await tx.setMessageData(message.room_id, message.seq, Object.keys(rest).length > 0 ? JSON.stringify(rest) : null);
  return changed ? { link, removed } : { removed };
}
