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
 * Finds benchmark messages in frames. One TCP read often holds many frames;
 * the scanner remembers where the next marker in that read is, so a read
 * costs one native search per message rather than one per frame.
 */
export class MarkerScanner {
  private data: Buffer | null = null;
  private next = -1;
  /** Set by a successful `scan`. */
  index = 0;
  sentMicros = 0;

  /** Whether data[start, end) holds a benchmark message; when it does, `index` and `sentMicros` are set. */
  scan(data: Buffer, start: number, end: number): boolean {
    if (data !== this.data || this.next < start) {
      this.data = data;
      const found = data.indexOf(MARKER, start);
      this.next = found === -1 ? data.length : found;
    }
    if (this.next >= end) return false;
    let pos = this.next + MARKER.length;
    let index = 0;
    for (; pos < end && data[pos] !== AT; pos++) index = index * 10 + (data[pos]! - ZERO);
    let sent = 0;
    for (pos++; pos < end && data[pos] !== AT; pos++) sent = sent * 10 + (data[pos]! - ZERO);
    this.next = -1;
    if (pos >= end) return false;
    this.index = index;
    this.sentMicros = sent;
    return true;
  }
}
