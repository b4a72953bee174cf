/** Files for tests: images made with sharp, raw uploads and downloads over HTTP (no SDK). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import type { Attachment, ErrorBody } from '@parley/protocol';

export async function png(width = 64, height = 48, colour = '#3366cc'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer();
}

/**
 * A JPEG as a phone writes it: stored 300 × 200, left half red and right half blue, with EXIF
 * orientation 6 (shown turned a quarter clockwise: 200 × 300, red on top), a GPS position, the
 * camera's make and model, and a Display P3 colour profile.
 */
export async function phonePhoto(): Promise<Buffer> {
  const [width, height] = [300, 200];
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) pixels.set(x < width / 2 ? [255, 0, 0] : [0, 0, 255], (y * width + x) * 3);
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    // libvips writes the EXIF Orientation tag from the image's orientation, not from withExif.
    .withMetadata({ orientation: 6 })
    .withIccProfile('p3')
    .withExif({
      IFD0: { Make: 'Phonemaker', Model: 'Phone 15 Pro' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 33/1 59/1', GPSLongitudeRef: 'E', GPSLongitude: '126/1 58/1 40/1' },
    })
    .jpeg({ quality: 95 })
    .toBuffer();
}

/** The tags of an EXIF block's first directory (IFD0): 0x8825 points to the GPS position, 0x010f is the camera's make. */
export function exifTags(exif: Buffer): Set<number> {
  const tiff = exif.subarray(exif.indexOf('Exif\0\0') + 6);
  const little = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const ifd0 = little ? tiff.readUInt32LE(4) : tiff.readUInt32BE(4);
  const tags = new Set<number>();
  for (let i = 0; i < u16(ifd0); i++) tags.add(u16(ifd0 + 2 + i * 12));
  return tags;
}

/** A lossless WebP of 64 × 64 distinct colours, carrying EXIF (an editor's name). */
export async function losslessWebp(): Promise<Buffer> {
  const pixels = Buffer.alloc(64 * 64 * 3);
  for (let i = 0; i < 64 * 64; i++) pixels.set([i % 256, (i * 7) % 256, i >> 4], i * 3);
  return sharp(pixels, { raw: { width: 64, height: 64, channels: 3 } }).withExif({ IFD0: { Software: 'Editor 2.0' } }).webp({ lossless: true }).toBuffer();
}

/** Three 40 × 40 frames, red, green, blue (with some texture, so that a lossy encoder has work), stacked as sharp holds an animation. */
function threeFrames(): Sharp {
  const pixels = Buffer.alloc(40 * 120 * 3);
  for (let y = 0; y < 120; y++) {
    for (let x = 0; x < 40; x++) pixels.set([[255, 0, 0], [0, 255, 0], [0, 0, 255]][Math.floor(y / 40)]!.map((c) => c ^ ((x * y) & 15)), (y * 40 + x) * 3);
  }
  return sharp(pixels, { raw: { width: 40, height: 120, channels: 3, pageHeight: 40 } });
}

/** The frame delays (ms) and loop count of the animations below: none of them a default. */
export const ANIMATION = { delay: [200, 150, 100], loop: 3 } as const;

/** An animated WebP of three frames carrying EXIF (the maker's name, or `orientation` 6 as well when asked). */
export async function animatedWebp(options: { lossless?: boolean; orientation?: number } = {}): Promise<Buffer> {
  const frames = options.orientation ? threeFrames().withMetadata({ orientation: options.orientation }) : threeFrames();
  return frames
    .withExif({ IFD0: { Make: 'Animator' } })
    .webp({ delay: [...ANIMATION.delay], loop: ANIMATION.loop, ...(options.lossless === false ? { quality: 80 } : { lossless: true }) })
    .toBuffer();
}

/** An animated GIF of three frames with a comment extension (which libvips does not read) naming its maker. */
export async function animatedGif(): Promise<Buffer> {
  const gif = await threeFrames().gif({ delay: [...ANIMATION.delay], loop: ANIMATION.loop }).toBuffer();
  const text = Buffer.from('Made by Animator');
  // Extensions come before the first image descriptor (0x2c), after the header and the global colour table.
  const at = 13 + (gif[10]! & 0x80 ? 3 * 2 ** ((gif[10]! & 7) + 1) : 0);
  return Buffer.concat([gif.subarray(0, at), Buffer.from([0x21, 0xfe, text.length]), text, Buffer.from([0]), gif.subarray(at)]);
}

/** A PDF of one empty page, small but well-formed. */
export function pdf(text = 'Parley'): Buffer {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n% ${text}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
  );
}

export type UploadAnswer = { status: number; attachment?: Attachment; error?: ErrorBody };

/** POSTs `body` to /api/files as `token`'s user. */
export async function uploadRaw(
  url: string,
  token: string | null,
  room: string,
  name: string,
  body: Buffer | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  headers: Record<string, string> = {},
): Promise<UploadAnswer> {
  const response = await fetch(`${url}/api/files?room=${encodeURIComponent(room)}&name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body as never,
    duplex: 'half',
  } as RequestInit);
  const parsed = (await response.json()) as Attachment | { error: ErrorBody };
  return 'error' in parsed ? { status: response.status, error: parsed.error } : { status: response.status, attachment: parsed };
}

export async function download(url: string, path: string, token: string | null): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const response = await fetch(`${url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

/** Blobs (files and thumbnails) stored on disk by the server whose data directory is `dataDir` (the default FILES_DIR). */
export function blobsOnDisk(server: { dataDir: string }): number {
  const root = join(server.dataDir, 'files', 'blobs');
  return readdirSync(root).reduce((n, dir) => n + readdirSync(join(root, dir)).length, 0);
}
