/**
 * An uploaded image's original without what its camera or editor wrote about it: EXIF (GPS
 * position, camera, time), XMP, IPTC and PNG text chunks are dropped, with sharp (libvips).
 * The picture is turned upright by its EXIF orientation first (the tag goes with the rest), and
 * its ICC colour profile is kept, so that it looks as it did. It is encoded again in its own
 * format: losslessly for PNG, at high quality for JPEG and WebP.
 *
 * Left as uploaded: an image that carries none of that metadata (a screenshot: not encoded again,
 * not a byte changed), and an animated GIF or WebP (encoding its frames again could change them;
 * GIF has no EXIF, and an animated WebP's metadata stays).
 */
import sharp, { type Metadata, type Sharp } from 'sharp';

/** The encoder options of each format we write again. JPEG: no chroma subsampling lost where there was none. */
function encoded(image: Sharp, meta: Metadata): Sharp | null {
  switch (meta.format) {
    case 'jpeg':
      return image.jpeg({ quality: 92, chromaSubsampling: meta.chromaSubsampling?.startsWith('4:4:4') ? '4:4:4' : '4:2:0', progressive: meta.isProgressive });
    case 'png':
      return image.png();
    case 'webp':
      return image.webp({ quality: 92, alphaQuality: 100 });
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
  const image = encoded(sharp(path, { limitInputPixels: maxPixels }).rotate().keepIccProfile(), meta);
  if (image === null) return false;
  await image.toFile(out);
  return true;
}
