/**
 * Animations through describeImage and stripMetadata as the upload path runs them, with real sharp
 * on real files: an animated WebP loses its EXIF and XMP and keeps its frames, delays and loop
 * count (a lossless one every pixel); what cannot be stripped faithfully is kept as uploaded.
 * Still images are covered end to end (test/files.test.ts, large-files.test.ts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { ANIMATION, animatedGif, animatedWebp } from '../testing/files.js';
import { describeImage } from './image.js';
import { stripMetadata } from './strip-metadata.js';

const MAX_PIXELS = 100_000_000;
const XMP = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Animator"/></rdf:RDF></x:xmpmeta>';

describe('strip-metadata: animations', () => {
  let dir: string;
  let n = 0;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'parley-strip-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Writes `bytes` as an upload and runs the upload's two steps on it: the stripped file's bytes, or null when it is kept as uploaded. */
  async function strip(bytes: Buffer, maxPixels = MAX_PIXELS): Promise<Buffer | null> {
    const path = join(dir, `${++n}.upload`);
    const out = `${path}.stripped`;
    writeFileSync(path, bytes);
    const facts = await describeImage(path, maxPixels);
    assert.ok(facts, 'the sample decodes');
    const stripped = await stripMetadata(path, facts.header, out, maxPixels);
    assert.equal(existsSync(out), stripped, 'a file is written exactly when it is stripped');
    return stripped ? readFileSync(out) : null;
  }

  const animationOf = async (bytes: Buffer) => {
    const meta = await sharp(bytes, { pages: -1 }).metadata();
    return { format: meta.format, pages: meta.pages, width: meta.width, pageHeight: meta.pageHeight, delay: meta.delay, loop: meta.loop };
  };
  const frames = (bytes: Buffer) => sharp(bytes, { pages: -1 }).raw().toBuffer();

  test('a lossless animated WebP loses its EXIF and XMP and keeps every frame, delay, the loop count and every pixel', async () => {
    const sent = await sharp(await animatedWebp(), { pages: -1 }).keepExif().withXmp(XMP).webp({ lossless: true, delay: [...ANIMATION.delay], loop: ANIMATION.loop }).toBuffer();
    const before = await sharp(sent, { pages: -1 }).metadata();
    assert.ok(before.exif && before.xmp && sent.includes('Animator'), 'the sample carries both');

    const kept = (await strip(sent))!;
    assert.ok(kept, 'stripped');
    const after = await sharp(kept, { pages: -1 }).metadata();
    assert.deepEqual([after.exif, after.xmp, kept.includes('Animator')], [undefined, undefined, false]);
    assert.deepEqual(await animationOf(kept), { format: 'webp', pages: 3, width: 40, pageHeight: 40, delay: [...ANIMATION.delay], loop: ANIMATION.loop });
    assert.ok((await frames(kept)).equals(await frames(sent)), 'the same pixels in every frame');
    assert.ok(kept.includes('VP8L') && !kept.includes('VP8 '), 'written losslessly');
  });

  test('a lossy animated WebP is written again lossy at high quality, its frames, delays and loop count kept', async () => {
    const sent = await animatedWebp({ lossless: false });
    assert.ok((await sharp(sent, { pages: -1 }).metadata()).exif);

    const kept = (await strip(sent))!;
    assert.ok(kept, 'stripped');
    assert.equal((await sharp(kept, { pages: -1 }).metadata()).exif, undefined);
    assert.ok(!kept.includes('Animator'));
    assert.deepEqual(await animationOf(kept), { format: 'webp', pages: 3, width: 40, pageHeight: 40, delay: [...ANIMATION.delay], loop: ANIMATION.loop });
    const [a, b] = [await frames(sent), await frames(kept)];
    let off = 0;
    for (let i = 0; i < a.length; i++) off += Math.abs(a[i]! - b[i]!);
    assert.ok(off / a.length < 4, `each frame looks as it did: ${(off / a.length).toFixed(2)} levels off on average`);
  });

  test('kept as uploaded: an animated GIF, an animation that would need turning, one of more pixels than a still image may have', async () => {
    const gif = await animatedGif();
    assert.deepEqual(await animationOf(gif), { format: 'gif', pages: 3, width: 40, pageHeight: 40, delay: [...ANIMATION.delay], loop: ANIMATION.loop });
    assert.equal(await strip(gif), null, 'a GIF: libvips sees no metadata in it, and its frames are not encoded again');

    const sideways = await animatedWebp({ orientation: 6 });
    assert.equal((await sharp(sideways).metadata()).orientation, 6);
    assert.equal(await strip(sideways), null, 'sharp cannot turn an animation, and without its tag it would show sideways');

    // 40 × 40 × 3 frames = 4,800 pixels: more than 2,000 in all, though each frame is within the bound (image.ts allows ten times over all frames).
    assert.equal(await strip(await animatedWebp(), 2_000), null);
    assert.ok(await strip(await animatedWebp(), 4_800), 'at the bound, it is stripped');
  });
});
