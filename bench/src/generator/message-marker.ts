/**
 * The benchmark message body and how a receiver recognises it without
 * decoding the frame: the body starts with `B@<index>@<sentMicros>@` and is
 * padded with `x`. In every target's JSON the body is a string, so the bytes
 * `"B@` appear in a frame exactly when it carries a benchmark message (user
 * names and ids never contain `@`).
 */

const MARKER = Buffer.from('"B@');
const AT = 0x40;
const ZERO = 0x30;

export function messageBody(index: number, sentMicros: number, chars: number): string {
  const head = `B@${index}@${sentMicros}@`;
  return head.length >= chars ? head : head + 'x'.repeat(chars - head.length);
}

/** Message ids valid for Parley's `send` (8–64 of A–Z a–z 0–9 _ -) that carry the message index. */
export function messageId(index: number): string {
  return `bm-${String(index).padStart(8, '0')}`;
}

/** The index in a `messageId`, or -1. */
export function indexFromMessageId(id: string): number {
  return id.startsWith('bm-') ? Number(id.slice(3)) : -1;
}

/**
 * Finds benchmark messages in frames. The generator runs this on every frame
 * it receives, so it is a plain byte loop: a native `indexOf` costs more in
 * call overhead than scanning the ~200 bytes before the marker.
 */
export class MarkerScanner {
  /** Set by a successful `scan`. */
  index = 0;
  sentMicros = 0;

  /** Whether data[start, end) holds a benchmark message; when it does, `index` and `sentMicros` are set. */
  scan(data: Buffer, start: number, end: number): boolean {
    // '@' occurs in a frame only inside the marker `"B@…@…@`.
    let pos = start + 2;
    while (pos < end && data[pos] !== AT) pos++;
    if (pos >= end || data[pos - 1] !== MARKER[1] || data[pos - 2] !== MARKER[0]) return false;
    let index = 0;
    for (pos++; pos < end && data[pos] !== AT; pos++) index = index * 10 + (data[pos]! - ZERO);
    let sent = 0;
    for (pos++; pos < end && data[pos] !== AT; pos++) sent = sent * 10 + (data[pos]! - ZERO);
    if (pos >= end) return false;
    this.index = index;
    this.sentMicros = sent;
    return true;
  }
}
