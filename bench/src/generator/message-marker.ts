/**
 * The benchmark message body and how a receiver recognises it without
 * decoding the frame: the body starts with `B@<index>@<sentMicros>@` and is
 * padded with `x`. In every target's JSON the body is a string, so the bytes
 * `"B@` appear in a frame exactly when it carries a benchmark message (user
 * names and ids never contain `@`).
 */

const QUOTE = 0x22;
const LETTER_B = 0x42;
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
 * it receives (over a million a second at the top of S3), so it reads as few
 * bytes as it can. In every target's frame the body is the last string; once
 * one message has been found, the scanner knows the body's length and looks
 * for the marker right before the frame's last quote. Otherwise (the first
 * message, other frames) it scans forward for the marker's `@` with a byte
 * loop: a native `indexOf` costs more in call overhead than the scan.
 */
export class MarkerScanner {
  /** Set by a successful `scan`. */
  index = 0;
  sentMicros = 0;
  /** Length of the last body found, or 0 before the first. */
  private bodyLength = 0;

  /** Whether data[start, end) holds a benchmark message; when it does, `index` and `sentMicros` are set. */
  scan(data: Buffer, start: number, end: number): boolean {
    if (this.bodyLength > 0) {
      let close = end - 1;
      while (close > start && data[close] !== QUOTE) close--;
      const open = close - this.bodyLength - 1;
      if (open >= start && data[open] === QUOTE && data[open + 1] === LETTER_B && data[open + 2] === AT) return this.read(data, open + 3, close);
    }
    // '@' occurs in a frame only inside the marker `"B@…@…@`.
    let at = start + 2;
    while (at < end && data[at] !== AT) at++;
    if (at >= end || data[at - 1] !== LETTER_B || data[at - 2] !== QUOTE) return false;
    let close = at + 1;
    while (close < end && data[close] !== QUOTE) close++;
    if (close >= end || !this.read(data, at + 1, close)) return false;
    this.bodyLength = close - (at - 2) - 1;
    return true;
  }

  /** Reads `<index>@<sentMicros>@` from data[pos, limit). */
  private read(data: Buffer, pos: number, limit: number): boolean {
    let index = 0;
    for (; pos < limit && data[pos] !== AT; pos++) index = index * 10 + (data[pos]! - ZERO);
    let sent = 0;
    for (pos++; pos < limit && data[pos] !== AT; pos++) sent = sent * 10 + (data[pos]! - ZERO);
    if (pos >= limit) return false;
    this.index = index;
    this.sentMicros = sent;
    return true;
  }
}
