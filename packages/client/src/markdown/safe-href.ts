/**
 * The one gate between user text and an `href`. Only absolute http, https and
 * mailto URLs pass; everything else (javascript:, data:, vbscript:, relative
 * paths, protocol-relative "//host") is refused and stays plain text. The URL
 * parser does the normalising a browser would do (it drops tabs and newlines
 * and reads "JaVaScRiPt:" as "javascript:"), so what we check is what the
 * browser would follow.
 */
const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

export function safeHref(raw: string): string | null {
  const trimmed = raw.trim();
  if (trimmed === '' || trimmed.length > 2048) return null;
  // Only accept text that already names its scheme; never resolve against the page.
  if (!/^(https?:\/\/|mailto:)/i.test(trimmed)) return null;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return null;
  }
  if (!ALLOWED_PROTOCOLS.has(url.protocol)) return null;
  if (url.protocol !== 'mailto:' && url.hostname === '') return null;
  return url.href;
}
