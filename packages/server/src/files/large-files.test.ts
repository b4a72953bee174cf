/**
 * Large and hostile files through a real server process: a 50,000 × 50,000
 * PNG bomb is refused before any pixel is decoded, a 12-megapixel photo gets
 * an upright thumbnail, and is kept upright, both with no EXIF; a 200 MB upload is streamed (never held
 * in memory). How fast and how much memory, against baselines of the same
 * run, is `npm run bench:files` (files-bench.ts); here the memory bounds only
 * tell streaming from buffering, with room for a busy machine.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { guest } from '../testing/ws-client.js';
import { download, uploadRaw } from '../testing/files.js';
import { measured, photo12mp, pngBomb, streamedBytes } from '../testing/file-samples.js';

describe('files: a bomb, a 12-megapixel photo, a 200 MB upload', { timeout: 240_000 }, () => {
  let server: ServerProcess;
  let token: string;
  before(async () => {
    server = await startServerProcess({ env: { MAX_FILE_BYTES: String(256 * 1024 * 1024), MAX_UPLOAD_BYTES_PER_DAY: '0' } });
    token = (await guest(server.url, 'Uploader')).token;
  });
  after(async () => {
    await server.stop();
  });

  test('a 50,000 × 50,000 PNG bomb is refused as image_too_large, its pixels never decoded', async () => {
    const bomb = await pngBomb(50_000, 50_000);
    const { result, before, peak } = await measured(server, () => uploadRaw(server.url, token, 'lobby', 'bomb.png', bomb));
    assert.deepEqual([result.status, result.error?.code], [422, 'image_too_large']);
    // Decoded, 2.5 billion pixels would take gigabytes.
    assert.ok(peak - before < 200, `RSS grew by ${(peak - before).toFixed(0)} MB`);
  });

  test('a 12-megapixel photo taken sideways gets an upright WebP thumbnail without EXIF, and its original is served upright without EXIF', async () => {
    const jpeg = await photo12mp();
    const sent = await sharp(jpeg).metadata();
    assert.deepEqual([sent.orientation, sent.exif !== undefined], [6, true], 'the photo carries its orientation and EXIF');
    const result = await uploadRaw(server.url, token, 'lobby', 'photo.jpg', jpeg);
    const attachment = result.attachment!;
    assert.deepEqual([attachment.width, attachment.height], [3000, 4000], 'its size as shown, turned upright');
    const thumbnail = (await download(server.url, attachment.thumbnailUrl!, token)).body;
    const meta = await sharp(thumbnail).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 360, 480], 'the thumbnail is upright');
    assert.equal(meta.exif, undefined, 'no EXIF (no GPS position) in the thumbnail');
    assert.equal(meta.orientation, undefined);
    const original = await sharp((await download(server.url, attachment.url, token)).body).metadata();
    assert.deepEqual([original.format, original.width, original.height, original.orientation, original.exif], ['jpeg', 3000, 4000, undefined, undefined]);
  });

  test('a 200 MB upload is streamed through: stored whole, the server never holding it', async () => {
    const size = 200 * 1024 * 1024;
    const { result, before, peak } = await measured(server, () => uploadRaw(server.url, token, 'lobby', 'big.bin', streamedBytes(size), { 'content-length': String(size) }));
    assert.equal(result.status, 201);
    assert.equal(result.attachment!.size, size);
    assert.ok(peak - before < 100, `RSS grew by ${(peak - before).toFixed(1)} MB for a 200 MB upload`);
  });
});
