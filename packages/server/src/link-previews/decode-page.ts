/**
 * A fetched page's bytes as text, in the page's own encoding (many sites, Korean ones in EUC-KR
 * among them, are not UTF-8). The encoding is found as browsers find it (the HTML standard's
 * "determining the character encoding", without guessing from the text): a byte order mark, else
 * the Content-Type header's charset, else a `<meta charset>` or `<meta http-equiv=Content-Type>`
 * in the first PRESCAN_BYTES, else UTF-8. Labels are WHATWG Encoding labels, as TextDecoder takes
 * them (`ks_c_5601-1987` is EUC-KR, `latin1` is windows-1252); one it does not know counts as none.
 */

import { decodeWindows1252 } from './windows-1252.js';

/** How far into the page a `<meta>` naming the encoding is looked for: the HTML standard's prescan length. */
export const PRESCAN_BYTES = 1024;

const BOMS: ReadonlyArray<[bytes: readonly number[], encoding: string]> = [
  [[0xef, 0xbb, 0xbf], 'utf-8'],
  [[0xfe, 0xff], 'utf-16be'],
  [[0xff, 0xfe], 'utf-16le'],
];

export function decodePage(body: Buffer, contentType: string): string {
  const bom = BOMS.find(([bytes]) => bytes.every((byte, i) => body[i] === byte));
  // TextDecoder drops the BOM itself.
  if (bom) return new TextDecoder(bom[1]).decode(body);
  const encoding = known(charsetOf(contentType)) ?? fromMeta(body) ?? 'utf-8';
  return encoding === 'windows-1252' ? decodeWindows1252(body) : new TextDecoder(encoding).decode(body);
}

/** The encoding TextDecoder has under `label`, or null: none given, or one it does not know. */
function known(label: string | null): string | null {
  if (label === null) return null;
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return null;
  }
}

/** The `charset` parameter of a Content-Type value, unquoted; null when there is none. */
export function charsetOf(contentType: string): string | null {
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType);
  const label = match?.[1] ?? match?.[2] ?? '';
  return label === '' ? null : label;
}

/**
 * The encoding a `<meta>` names in the page's first bytes, read as ASCII (every encoding a page
 * may declare there agrees with ASCII on its markup). A page that claims UTF-16 there cannot be
 * (its markup was read as ASCII): UTF-8, as browsers take it.
 */
function fromMeta(body: Buffer): string | null {
  const head = body.subarray(0, PRESCAN_BYTES).toString('latin1').replace(/<!--[\s\S]*?-->/g, '');
  for (const [tag] of head.matchAll(/<meta[\s/][^>]*>/gi)) {
    const attributes = attributesOf(tag);
    const contentType = /^content-type$/i.test(attributes.get('http-equiv') ?? '') ? (attributes.get('content') ?? '') : '';
    const encoding = known(attributes.get('charset') ?? charsetOf(contentType));
    if (encoding !== null) return encoding.startsWith('utf-16') ? 'utf-8' : encoding;
  }
  return null;
}

/** A tag's attributes by lower-cased name; the first of a name counts, as in HTML. */
function attributesOf(tag: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of tag.slice('<meta'.length).matchAll(/([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*)))?/g)) {
    const name = match[1]!.toLowerCase();
    if (!attributes.has(name)) attributes.set(name, (match[2] ?? match[3] ?? match[4] ?? '').trim());
  }
  return attributes;
}
