/**
 * Files: where the bytes of uploads and thumbnails live, as blobs under keys
 * this storage makes. What a blob is (whose file, which room, its name and
 * type, its SHA-256) is the store's business (store.ts, `addFile`): the store
 * maps each content to one blob, so the same file uploaded twice is kept once,
 * and says when a blob is no longer needed (`sweepFiles`).
 *
 * Guarantees every implementation gives (checked by files.contract.ts):
 * - `write` streams: it holds a bounded part of the blob in memory at a time,
 *   whatever its size, and takes the source's bytes only as fast as it
 *   stores them.
 * - Once `write` resolves, the blob is durable and `read` returns exactly its
 *   bytes, on this node and on every other node configured with the same
 *   storage (the same directory, the same database).
 * - A `write` whose source fails leaves nothing behind and rejects with the
 *   source's error; no key names a partly written blob.
 * - Keys are made by the storage (`KEY_PATTERN`), unguessable and never
 *   reused: a key deleted is never handed out again, so deleting one never
 *   touches a later blob with the same content.
 * - `read` of a key that is unknown, deleted or malformed resolves null;
 *   `delete` of such a key does nothing.
 *
 * Implementations: files-disk.ts (a directory; the default, under DATA_DIR,
 * and a cluster's when every node mounts the same one) and files-postgres.ts
 * (the PostgreSQL database the cluster shares).
 */
import type { Readable } from 'node:stream';

/** What storage keys look like: 22 characters of base64url, 128 random bits. */
export const KEY_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export interface Blob {
  size: number;
  /** The bytes, read as they are sent on; destroy it to stop early. */
  stream: Readable;
}

export interface Files {
  /** Makes the storage ready (a directory, tables); call once before anything else. */
  open(): Promise<void>;
  /** Stores the bytes of `source` as a new blob; resolves with its key once they are durable. */
  write(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<string>;
  /** The blob's bytes; null when there is none under `key`. */
  read(key: string): Promise<Blob | null>;
  /** Deletes the blob; a key with no blob is not an error. */
  delete(key: string): Promise<void>;
  /** Releases what the storage holds open (connections); reads in flight may fail. */
  close(): Promise<void>;
}
