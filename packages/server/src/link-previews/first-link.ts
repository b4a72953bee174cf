/**
 * Which link a message's preview is of: the first http(s) link of its text. The previewer fetches
 * it, and the store keeps a preview only while it is still the message's first link (an edit that
 * changes it takes the preview off; a preview fetched for a link edited away is not attached).
 */

/** The first http(s) link in a message's text, without the punctuation that usually ends a sentence; normalized by URL. */
export function firstLink(body: string): string | null {
  const match = /\bhttps?:\/\/[^\s<>"'`]+/i.exec(body);
  if (!match) return null;
  const link = match[0].replace(/[).,;:!?\]}]+$/, '');
  try {
    return new URL(link).href;
  } catch {
    return null;
  }
}
