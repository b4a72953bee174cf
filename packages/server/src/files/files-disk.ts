/**
 * Files in a directory: each blob a file under `blobs/<two characters>/<key>`,
 * written first under `tmp/` and renamed into place once it is on disk. The
 * default, under DATA_DIR; also a cluster's, when every node mounts the same
 * directory (a network file system that renames atomically, as NFS does).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { KEY_PATTERN, type Blob, type Files } from './files.js';
import { randomKey } from './keys.js';

export class DiskFiles implements Files {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async open(): Promise<void> {
    await mkdir(join(this.#dir, 'tmp'), { recursive: true });
    await mkdir(join(this.#dir, 'blobs'), { recursive: true });
  }

  #path(key: string): string {
    return join(this.#dir, 'blobs', key.slice(0, 2), key);
  }

  async write(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<string> {
    const key = randomKey();
    const temp = join(this.#dir, 'tmp', `${key}.part`);
    try {
      await pipeline(source, createWriteStream(temp, { flags: 'wx' }));
      await syncPath(temp);
      const folder = join(this.#dir, 'blobs', key.slice(0, 2));
      await mkdir(folder, { recursive: true });
      await rename(temp, this.#path(key));
      // The rename is durable once its directory is.
      await syncPath(folder);
      return key;
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async read(key: string): Promise<Blob | null> {
    if (!KEY_PATTERN.test(key)) return null;
    const path = this.#path(key);
    try {
      const { size } = await stat(path);
      // Opened before resolving, so that a delete right after cannot make the stream fail.
      const handle = await open(path, 'r');
      return { size, stream: handle.createReadStream() };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    if (!KEY_PATTERN.test(key)) return;
    await rm(this.#path(key), { force: true });
  }

  async close(): Promise<void> {
    // Nothing held open between calls.
  }
}

async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
