/**
 * What a file is, from its bytes alone: never from the name or the MIME type
 * the uploader gave. Only the image types every browser renders as pictures
 * (and never as a document that runs script) are shown inline.
 */
import { fileTypeFromFile } from 'file-type';

/** Served inline (`<img>`, a tab of their own) and thumbnailed; everything else is a download. */
export const INLINE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
/** The type of bytes whose kind is not recognised (text, HTML and SVG among them). */
export const UNKNOWN_TYPE = 'application/octet-stream';

export async function sniffType(path: string): Promise<string> {
  return (await fileTypeFromFile(path))?.mime ?? UNKNOWN_TYPE;
}

/** Whether `type` matches one of FILE_TYPES' entries (`image/png`, `image/*`); null: every type is. */
export function typeAllowed(type: string, allowed: readonly string[] | null): boolean {
  if (allowed === null) return true;
  const family = `${type.split('/')[0]}/*`;
  return allowed.includes(type) || allowed.includes(family);
}
