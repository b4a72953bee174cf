/**
 * An uploaded image's original without what its camera or editor wrote about it: EXIF (GPS
 * position, camera, time), XMP, IPTC and PNG text chunks are dropped, with sharp (libvips).
 * The picture is turned upright by its EXIF orientation first (the tag goes with the rest), and
 * its ICC colour profile is kept, so that it looks as it did. It is encoded again in its own
 * format: losslessly for PNG and lossless WebP, at high quality for JPEG and lossy WebP.
 *
 * Left as uploaded: an image that carries none of that metadata (a screenshot: not encoded again,
 * not a byte changed), and an animated GIF or WebP (encoding its frames again could change them;
 * GIF has no EXIF, and an animated WebP's metadata stays).
 */
import { open } from 'node:fs/promises';
import sharp, { type Metadata, type Sharp } from 'sharp';

/**
 * Whether the WebP at `path` is lossless: its image chunk is `VP8L` (a lossy one's is `VP8 `).
 * It comes after a few others (VP8X, ICCP, ALPH): a file that holds more is taken as lossy.
 */
async function losslessWebp(path: string): Promise<boolean> {
  const file = await open(path);
  try {
    const head = Buffer.alloc(8);
    // RIFF, its size and WEBP (12 bytes), then chunks: a four-character code, a size, the data padded to even.
    let at = 12;
    for (let chunk = 0; chunk < 16 && (await file.read(head, 0, 8, at)).bytesRead === 8; chunk++) {
      const code = head.toString('latin1', 0, 4);
      if (code === 'VP8L' || code === 'VP8 ') return code === 'VP8L';
      const size = head.readUInt32LE(4);
      at += 8 + size + (size % 2);
    }
    return false;
  } finally {
    await file.close();
  }
}

/** The encoder options of each format we write again. JPEG: no chroma subsampling lost where there was none. */
async function encoded(image: Sharp, meta: Metadata, path: string): Promise<Sharp | null> {
  switch (meta.format) {
    case 'jpeg':
      return image.jpeg({ quality: 92, chromaSubsampling: meta.chromaSubsampling?.startsWith('4:4:4') ? '4:4:4' : '4:2:0', progressive: meta.isProgressive });
    case 'png':
      return image.png();
    case 'webp':
      return (await losslessWebp(path)) ? image.webp({ lossless: true }) : image.webp({ quality: 92, alphaQuality: 100 });
    case 'gif':
      return image.gif();
    default:
      return null;
  }
}

/** Whether sharp found metadata that says something about the picture's origin. */
function carriesMetadata(meta: Metadata): boolean {
  return meta.exif !== undefined || meta.xmp !== undefined || meta.iptc !== undefined || meta.tifftagPhotoshop !== undefined || (meta.comments?.length ?? 0) > 0;
}

/**
 * Writes the image at `path` without its metadata to `out` and resolves true; resolves false
 * (nothing written) when it is to be kept as uploaded. Decodes at most `maxPixels` (the caller
 * has checked the header against it already).
 */
export async function stripMetadata(path: string, out: string, maxPixels: number): Promise<boolean> {
  const meta = await sharp(path, { limitInputPixels: false, pages: -1 }).metadata();
  if (!carriesMetadata(meta) || (meta.pages ?? 1) > 1) return false;
  const image = await encoded(sharp(path, { limitInputPixels: maxPixels }).rotate().keepIccProfile(), meta, path);
  if (image === null) return false;
  await image.toFile(out);
  return true;
}
