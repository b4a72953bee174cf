/**
 * An upload's body to a temporary file on this node's disk, as it arrives:
 * counted (refused the moment it passes its limit), hashed (SHA-256, the
 * content's address in the store), never held in memory beyond a socket's
 * buffers. The sniffing and the image work read the file; the Files storage
 * gets it from there.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ParleyError } from '@parley/protocol';

export interface Spooled {
  size: number;
  sha256: string;
}

/** Counts and hashes what passes; fails with `tooLarge()` past `limit` bytes. */
class Meter extends Transform {
  readonly #limit: number;
  readonly #tooLarge: () => ParleyError;
  readonly hash = createHash('sha256');
  size = 0;

  constructor(limit: number, tooLarge: () => ParleyError) {
    super();
    this.#limit = limit;
    this.#tooLarge = tooLarge;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.#limit) return done(this.#tooLarge());
    this.hash.update(chunk);
    done(null, chunk);
  }
}

/** The body ended before its end: the client went away or was cut off. */
export class UploadAbortedError extends Error {
  constructor() {
    super('the upload ended before its last byte');
    this.name = 'UploadAbortedError';
  }
}

/**
 * Writes `body` to `path`; rejects (and removes the file) when the body fails, ends early, or
 * passes `limit` bytes (with `tooLarge()`). On a refusal `body` is left as it is, neither read
 * nor destroyed, so that the caller can still answer on its connection.
 */
export async function spool(body: Readable, path: string, limit: number, tooLarge: () => ParleyError): Promise<Spooled> {
  const meter = new Meter(limit, tooLarge);
  const cutShort = () => {
    if (!body.readableEnded) meter.destroy(new UploadAbortedError());
  };
  body.once('close', cutShort);
  body.once('error', cutShort);
  try {
    const written = pipeline(meter, createWriteStream(path, { flags: 'wx' }));
    // pipe, not pipeline: a refused upload must not destroy the request (and its socket) before the answer.
    body.pipe(meter);
    await written;
  } catch (error) {
    body.unpipe(meter);
    await rm(path, { force: true });
    throw error;
  } finally {
    body.off('close', cutShort);
    body.off('error', cutShort);
  }
  return { size: meter.size, sha256: meter.hash.digest('hex') };
}

/** The size and SHA-256 of a file already on disk (an upload's image written again without its metadata). */
export async function measure(path: string): Promise<Spooled> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    size += chunk.length;
    hash.update(chunk);
  }
  return { size, sha256: hash.digest('hex') };
}
