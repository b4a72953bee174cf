/**
 * Large and hostile files for tests and the files benchmark, and a meter of a
 * server process's memory while it works on them.
 */
import { readFileSync } from 'node:fs';
import { createDeflate, crc32 } from 'node:zlib';
import sharp from 'sharp';
import type { ServerProcess } from './server-process.js';

/** The server's resident set, from /proc. */
export function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, '')) / 1024;
}

/** Samples the server's RSS every 10 ms while `body` runs; its result, the RSS before, and the peak. */
export async function measured<T>(server: ServerProcess, body: () => Promise<T>): Promise<{ result: T; before: number; peak: number; ms: number }> {
  const pid = server.child.pid!;
  const before = rssMb(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 10);
  const started = performance.now();
  try {
    const result = await body();
    return { result, before, peak: Math.max(peak, rssMb(pid)), ms: performance.now() - started };
  } finally {
    clearInterval(sampler);
  }
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A valid 1-bit greyscale PNG of width × height, all black: a few MB that decode to billions of pixels. */
export async function pngBomb(width: number, height: number): Promise<Buffer> {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // greyscale
  const row = Buffer.alloc(1 + Math.ceil(width / 8)); // filter byte 0, then zeros
  const deflate = createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => parts.push(chunk));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  for (let y = 0; y < height; y++) if (!deflate.write(row)) await new Promise((resolve) => deflate.once('drain', resolve));
  deflate.end();
  await done;
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', header), pngChunk('IDAT', Buffer.concat(parts)), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A 4000 × 3000 JPEG of noise (no shortcut for the encoder), taken "sideways" (EXIF orientation 6) with a GPS position. */
export async function photo12mp(): Promise<Buffer> {
  const noise = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .jpeg({ quality: 90 })
    .toBuffer();
  return sharp(noise)
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: 'Parley test camera' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 33/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '126/1 58/1 0/1' },
    })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** `size` bytes, streamed in 256 KiB chunks that differ from each other (no two blobs alike). */
export async function* streamedBytes(size: number): AsyncGenerator<Buffer> {
  const chunk = Buffer.alloc(256 * 1024);
  for (let sent = 0, k = 0; sent < size; sent += chunk.length, k++) {
    chunk.writeUInt32LE(k, 0);
    yield Buffer.from(chunk.subarray(0, Math.min(chunk.length, size - sent)));
  }
}
