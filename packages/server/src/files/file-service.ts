/**
 * Uploads and downloads: the rules between the HTTP routes, the Files storage
 * and the store. An upload is spooled to this node's disk (counted, hashed),
 * its type sniffed from its bytes, an image measured from its header,
 * thumbnailed and written again without its metadata (GPS position and all,
 * strip-metadata.ts), then the bytes go to Files and the record to the store, which
 * lends the blob of the same content stored before (ours is then deleted).
 * Who may fetch a file is read from the store on every request: the members of
 * its room, while its message lives (the uploader alone until it is sent).
 */
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ParleyError, type Attachment } from '@parley/protocol';
import type { FilesConfig } from '../config.js';
import type { Store, StoredFile } from '../store/store.js';
import { toAttachment } from '../store/sql/rows.js';
import { checkUpload, levelOf } from '../store/rules/moderation-rules.js';
import type { Blob, Files } from './files.js';
import { cleanFileName } from './file-name.js';
import { describeImage, type ImageFacts } from './image.js';
import { randomKey } from './keys.js';
import { INLINE_TYPES, sniffType, typeAllowed } from './sniff.js';
import { measure, spool } from './spool.js';
import { stripMetadata } from './strip-metadata.js';
import { WorkGate } from './work-gate.js';

const DAY_MS = 24 * 3_600_000;
const mb = (bytes: number): string => `${Math.round((bytes / 1_048_576) * 10) / 10} MB`;

export interface UploadRequest {
  userId: string;
  /** The uploader is a server admin (ADMIN_USERS): their rank in every room. */
  admin: boolean;
  room: string;
  /** The name the client gave (cleaned here). */
  name: string;
  /** Content-Length, when the client sent one. */
  declaredBytes: number | null;
  body: Readable;
}

export interface FileServiceOptions {
  store: Store;
  files: Files;
  config: FilesConfig;
  /** This node's own directory for uploads in flight. */
  spoolDir: string;
  /** Failures outside any request (deleting blobs a sweep freed). */
  onError: (where: string, error: Error) => void;
}

export class FileService {
  readonly #store: Store;
  readonly #files: Files;
  readonly #config: FilesConfig;
  readonly #spoolDir: string;
  readonly #onError: (where: string, error: Error) => void;
  readonly #images = new WorkGate(2, 64);

  constructor(options: FileServiceOptions) {
    this.#store = options.store;
    this.#files = options.files;
    this.#config = options.config;
    this.#spoolDir = options.spoolDir;
    this.#onError = options.onError;
  }

  /** Makes the spool directory, emptied of what a crash left in it. */
  async start(): Promise<void> {
    await mkdir(this.#spoolDir, { recursive: true });
    for (const name of await readdir(this.#spoolDir)) await rm(join(this.#spoolDir, name), { force: true });
  }

  async upload(request: UploadRequest): Promise<Attachment> {
    const { userId, room } = request;
    await this.#requireMayUpload(room, userId, request.admin);
    const { maxFileBytes, dailyBytes } = this.#config;
    const tooLarge = () => new ParleyError('file_too_large', `Files are at most ${mb(maxFileBytes)}.`);
    if (request.declaredBytes !== null && request.declaredBytes > maxFileBytes) throw tooLarge();
    let limit = maxFileBytes;
    let overLimit = tooLarge;
    if (dailyBytes > 0) {
      const left = dailyBytes - (await this.#store.uploadedBytesSince(userId, Date.now() - DAY_MS));
      const overQuota = () => new ParleyError('quota_exceeded', `You may upload ${mb(dailyBytes)} a day; ${mb(Math.max(0, left))} are left for now.`);
      if (left < (request.declaredBytes ?? 1)) throw overQuota();
      if (left < limit) [limit, overLimit] = [left, overQuota];
    }

    const path = join(this.#spoolDir, `${randomKey()}.upload`);
    const strippedPath = `${path}.stripped`;
    const spooled = await spool(request.body, path, limit, overLimit);
    const ours: string[] = [];
    try {
      const contentType = await sniffType(path);
      if (!typeAllowed(contentType, this.#config.types)) {
        throw new ParleyError('type_not_allowed', `This server does not accept files of type ${contentType}.`);
      }
      const image = INLINE_TYPES.has(contentType) ? await this.#images.run(() => this.#readImage(path, strippedPath)) : null;
      // What is stored, counted against quotas and hashed (the same content kept once) is what will be served.
      const original = image?.stripped ? { path: strippedPath, ...(await measure(strippedPath)) } : { path, ...spooled };
      const blobKey = await this.#files.write(createReadStream(original.path));
      ours.push(blobKey);
      const thumbKey = image ? await this.#files.write(Readable.from([image.thumbnail])) : null;
      if (thumbKey) ours.push(thumbKey);
      const stored = await this.#store.addFile(
        {
          id: randomKey(),
          room,
          userId,
          name: cleanFileName(request.name),
          size: original.size,
          contentType,
          sha256: original.sha256,
          blobKey,
          thumbKey,
          width: image?.width ?? null,
          height: image?.height ?? null,
        },
        dailyBytes,
      );
      // The same content was stored before: the record shares that blob, and ours is not needed.
      const kept = new Set([stored.blobKey, stored.thumbKey]);
      ours.splice(0, ours.length, ...ours.filter((key) => !kept.has(key)));
      return toAttachment(stored);
    } finally {
      await rm(path, { force: true });
      await rm(strippedPath, { force: true });
      await this.deleteBlobs(ours);
    }
  }

  /** The file's bytes, or its thumbnail's, for `userId`; `not_found` when it may not see it (or it is gone). */
  async open(fileId: string, userId: string, part: 'file' | 'thumbnail'): Promise<{ file: StoredFile; blob: Blob }> {
    const file = await this.#store.findFile(fileId);
    const key = part === 'file' ? file?.blobKey : file?.thumbKey;
    if (!file || !key || !(await this.#mayRead(file, userId))) throw new ParleyError('not_found', 'No such file.');
    const blob = await this.#files.read(key);
    // Its record was found, its blob was not: a sweep took both in between.
    if (!blob) throw new ParleyError('not_found', 'No such file.');
    return { file, blob };
  }

  /** Forgets deleted messages' files and uploads never sent, and deletes the blobs nobody needs now. */
  async sweep(): Promise<number> {
    const keys = await this.#store.sweepFiles(Date.now() - this.#config.unsentTtlMs);
    await this.deleteBlobs(keys);
    return keys.length;
  }

  /**
   * Deletes blobs that the store said no record names any more (a sweep, a deleted room). A
   * failure is logged and counted, and the others are deleted still: the records are gone
   * already, so failing the caller would not bring them back.
   */
  async deleteBlobs(keys: readonly string[]): Promise<void> {
    for (const key of keys) await this.#files.delete(key).catch((error: unknown) => this.#onError('files delete', error as Error));
  }

  /**
   * The image's facts and thumbnail, and whether its original was written to `strippedPath`
   * without its metadata (strip-metadata.ts); null when sharp cannot read it (kept as a download).
   */
  async #readImage(path: string, strippedPath: string): Promise<(ImageFacts & { stripped: boolean }) | null> {
    const facts = await describeImage(path, this.#config.maxImagePixels);
    return facts && { ...facts, stripped: await stripMetadata(path, facts.header, strippedPath, this.#config.maxImagePixels) };
  }

  async #mayRead(file: StoredFile, userId: string): Promise<boolean> {
    if (file.seq === null) return file.userId === userId;
    return this.#store.isMember(file.room, userId);
  }

  /**
   * Uploads go to rooms one is a member of (a room one may not see is `not_found`, as for
   * messages) and may send files in (the room's `upload` permission, not archived, not timed
   * out): asked before the bytes are read, so that they are not sent in vain. Sending the
   * message asks again, in its transaction (rules/log-writes.ts).
   */
  async #requireMayUpload(room: string, userId: string, admin: boolean): Promise<void> {
    const summary = await this.#store.roomSummaryFor(room, userId);
    if (summary?.joined) {
      const limits = { muted_until: summary.timedOutUntil ?? null, last_post_at: null };
      checkUpload({ settings: summary.settings ?? {}, level: levelOf({ role: summary.role ?? 'member' }, admin), limits, now: Date.now() });
      return;
    }
    if (summary?.kind === 'public') throw new ParleyError('not_member', 'Join the room first.');
    throw new ParleyError('not_found', 'No such room.');
  }
}
