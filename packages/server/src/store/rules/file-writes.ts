/**
 * The rules of writes to file records (the bytes are in Files, ../../files/files.ts). Like
 * the log writes, every refusal comes before the first change.
 */
import { ParleyError } from '@parley/protocol';
import type { NewFile, StoredFile } from '../store.js';
import { toStoredFile } from '../sql/rows.js';
import type { FileRow } from '../sql/schema.js';
import type { WriteTx } from './write-tx.js';

const DAY_MS = 24 * 3_600_000;

/** Mebibytes, for messages. */
const mib = (bytes: number): string => `${Math.round((bytes / 1_048_576) * 10) / 10} MB`;

/**
 * Records an upload: refused past the uploader's daily total, and `not_found` when its room was
 * deleted while it was on its way; the same content stored before lends its blob and thumbnail
 * (the caller deletes its own copies when the keys differ).
 */
export async function addFile(tx: WriteTx, file: NewFile, dailyLimitBytes: number): Promise<StoredFile> {
  if ((await tx.roomById(file.room)) === null) throw new ParleyError('not_found', 'No such room.');
  const now = Date.now();
  if (dailyLimitBytes > 0) {
    const used = await tx.uploadedBytesSince(file.userId, now - DAY_MS);
    if (used + file.size > dailyLimitBytes) {
      throw new ParleyError('quota_exceeded', `You may upload ${mib(dailyLimitBytes)} a day; ${mib(used)} of the last 24 hours are used.`);
    }
  }
  const same = await tx.lockFileBySha(file.sha256);
  const row: FileRow = {
    id: file.id,
    room_id: file.room,
    user_id: file.userId,
    seq: null,
    name: file.name,
    size: file.size,
    content_type: file.contentType,
    sha256: file.sha256,
    blob_key: same?.blob_key ?? file.blobKey,
    thumb_key: same ? same.thumb_key : file.thumbKey,
    width: file.width,
    height: file.height,
    created_at: now,
  };
  await tx.insertFile(row);
  return toStoredFile(row);
}

/**
 * The files a new message carries, checked and locked: each must exist, be the sender's, have
 * been uploaded to this room, and not be sent with another message.
 */
export async function filesToAttach(tx: WriteTx, room: string, userId: string, ids: readonly string[]): Promise<StoredFile[]> {
  const files: StoredFile[] = [];
  for (const id of ids) {
    const row = await tx.lockFile(id);
    if (!row || row.user_id !== userId || row.room_id !== room || row.seq !== null) {
      throw new ParleyError('not_found', `No file ${id} to send: it must be your upload to this room, not sent with another message.`);
    }
    files.push(toStoredFile(row));
  }
  return files;
}

/**
 * Forgets the records of deleted messages' files and of uploads never sent; returns the blob
 * keys no record names any more. Sweeps of several nodes take turns.
 */
export async function sweepFiles(tx: WriteTx, unattachedBefore: number): Promise<string[]> {
  await tx.lockFileSweep();
  return forgetFiles(tx, await tx.sweepableFiles(unattachedBefore));
}

/**
 * Forgets the records of the room's files (the room is being deleted); returns the blob keys no
 * record names any more. It takes its turn with the sweeps: one of them dropping a record that
 * shares a blob with one of these would otherwise see this one's record, and this one its.
 */
export async function forgetRoomFiles(tx: WriteTx, roomId: string): Promise<string[]> {
  await tx.lockFileSweep();
  return forgetFiles(tx, await tx.roomFiles(roomId));
}

/** Deletes the records; returns the blob and thumbnail keys they named that no record names now. */
async function forgetFiles(tx: WriteTx, rows: readonly FileRow[]): Promise<string[]> {
  for (const row of rows) await tx.deleteFile(row.id);
  const keys = new Set<string>();
  for (const row of rows) {
    keys.add(row.blob_key);
    if (row.thumb_key !== null) keys.add(row.thumb_key);
  }
  const unused: string[] = [];
  for (const key of keys) if (!(await tx.blobKeyInUse(key))) unused.push(key);
  return unused;
}
