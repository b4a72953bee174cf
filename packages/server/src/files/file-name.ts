/** A file name fit to keep and show: no folders, no control or format characters, at most FILE_NAME_MAX long. */
import { FILE_NAME_MAX, isWellFormed } from '@parley/protocol';

/** Controls, format characters (bidi overrides that disguise an extension), lone surrogates, and characters that are trouble in a file system. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}<>:"|?*]/gu;

export function cleanFileName(given: string): string {
  const base = given.split(/[\\/]/).at(-1) ?? '';
  let name = (isWellFormed(base) ? base : base.replace(/\p{Cs}/gu, '')).normalize('NFC').replace(UNSAFE, '').replace(/\s+/g, ' ').trim();
  if (name === '' || name === '.' || name === '..') name = 'file';
  if (name.length <= FILE_NAME_MAX) return name;
  // Cut the stem, keep a short extension: "….pdf" still opens as a PDF.
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  // A cut between the two halves of a surrogate pair would leave half a character.
  return name.slice(0, FILE_NAME_MAX - extension.length).replace(/[\uD800-\uDBFF]$/, '') + extension;
}

/**
 * A Content-Disposition header value: an ASCII `filename` for old clients and the exact
 * name as RFC 8187's `filename*`.
 */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
