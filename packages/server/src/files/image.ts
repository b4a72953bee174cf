/**
 * What an image is and its thumbnail, with sharp (libvips). The size is read
 * from the header before any pixel is decoded, so that a decompression bomb
 * (a 50,000 × 50,000 PNG is a few MB of zeros) is refused without decoding
 * it; thumbnails are decoded with the same bound, turned upright by their EXIF
 * orientation, and written as WebP without any metadata (no GPS position, no
 * camera, no comment). The header read here is handed on to strip-metadata.ts,
 * which does not read it again.
 */
import sharp, { type Metadata } from 'sharp';
import { ParleyError, THUMBNAIL_MAX } from '@parley/protocol';

// Decoded images are not kept between uploads (libvips' cache pays only when the same operation on
// the same input recurs, and an upload is read once), and one upload's image uses one thread of
// libvips: the uploads in flight, not one big image, share the cores. On a 12 MP photo neither
// setting moved the peak memory by more than a few MB; what did is in strip-metadata.ts.
sharp.cache(false);
sharp.concurrency(1);

export interface ImageFacts {
  /** As shown: after the EXIF orientation. */
  width: number;
  height: number;
  /** WebP, at most THUMBNAIL_MAX a side. */
  thumbnail: Buffer;
  /** What sharp read from the header, every frame counted (`pages: -1`). */
  header: Metadata;
}

/**
 * Reads the image at `path` and makes its thumbnail; throws `image_too_large` when the header
 * promises more than `maxPixels` (every frame counted); null when the bytes do not decode
 * (the file is then kept as a download).
 */
export async function describeImage(path: string, maxPixels: number): Promise<ImageFacts | null> {
  let meta: Metadata;
  try {
    meta = await sharp(path, { limitInputPixels: false, pages: -1 }).metadata();
  } catch {
    return null;
  }
  const { width, height } = meta;
  if (!width || !height) return null;
  const frameHeight = meta.pageHeight ?? height;
  const frames = meta.pages ?? 1;
  if (width * frameHeight > maxPixels || width * frameHeight * frames > maxPixels * 10) {
    throw new ParleyError('image_too_large', `The image is ${width} × ${frameHeight} pixels${frames > 1 ? ` in ${frames} frames` : ''}; this server decodes at most ${maxPixels.toLocaleString('en')} pixels.`);
  }
  try {
    // Its own decode, not the stripped original's pixels made smaller: a JPEG is decoded here at an
    // eighth of its size (shrink-on-load). On a 12 MP photo one full decode to raw pixels shared by
    // both outputs took longer and peaked higher than this (by 25 MB after one upload, 100 MB after
    // eight), and sharp's clone() would not share it: clones share the input, each decodes it.
    const thumbnail = await sharp(path, { limitInputPixels: maxPixels, sequentialRead: true })
      .rotate()
      .resize({ width: THUMBNAIL_MAX, height: THUMBNAIL_MAX, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();
    // Orientations 5–8 turn the picture a quarter: its width is the stored height.
    const turned = (meta.orientation ?? 1) >= 5;
    return { width: turned ? frameHeight : width, height: turned ? width : frameHeight, thumbnail, header: meta };
  } catch {
    return null;
  }
}
