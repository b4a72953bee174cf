/**
 * Node 20.18.3 and later decode windows-1252 (the encoding every `latin1`, `iso-8859-1` and
 * `ascii` label names) as ISO-8859-1: bytes 0x80–0x9F come out as the C1 controls U+0080–U+009F
 * instead of `€`, `–`, `’` … (nodejs/node#56542, #60888). This puts those characters back. It is
 * idempotent: a decoder that is right yields C1 controls only for the five bytes windows-1252
 * maps to themselves, and those map to themselves here.
 */

/** The WHATWG index of windows-1252 for bytes 0x80–0x9F. */
const HIGH = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
];

export function decodeWindows1252(bytes: Uint8Array): string {
  return new TextDecoder('windows-1252').decode(bytes).replace(/[\u0080-\u009f]/g, (c) => String.fromCharCode(HIGH[c.charCodeAt(0) - 0x80]!));
}
