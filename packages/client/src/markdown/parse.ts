/**
 * The safe markdown subset of Parley messages, parsed into a small tree that
 * each front end renders its own way: the web app as React elements
 * (`Markdown.tsx`), the terminal client as styled lines (`cli/markdown.ts`).
 * Nothing here produces HTML: every piece of user text ends up as text, and a
 * link exists only when `safeHref` accepted its target.
 *
 * Supported: **bold** / __bold__, *italic* / _italic_, `inline code`,
 * ``` fenced code blocks ```, [text](https://…) links, bare http(s) URLs,
 * backslash escapes, and line breaks.
 */
import { safeHref } from './safe-href.js';

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong'; children: Inline[] }
  | { type: 'em'; children: Inline[] }
  | { type: 'link'; href: string; children: Inline[] }
  | { type: 'br' };

export type Block =
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'codeblock'; lang: string; text: string };

const FENCE = /^ {0,3}```([^`\n]*)$/;
/** Emphasis inside emphasis is allowed, but only this deep; deeper markers stay text. */
const MAX_DEPTH = 6;
/**
 * An opener looks at most this many candidate closers. Together with runs of
 * three or more markers being plain text, this keeps parsing linear in the
 * length of the message, whatever a hostile one looks like.
 */
const MAX_CLOSER_CANDIDATES = 64;
const ESCAPABLE = new Set('\\`*_[]()#+-.!~>|'.split(''));
const LINK = /^\[([^\]\n]{1,1000})\]\(\s*([^\s()]*(?:\([^\s()]*\)[^\s()]*)*)\s*\)/;
const AUTOLINK = /^https?:\/\/[^\s<>"]+/i;
const TRAILING_PUNCTUATION = /[.,;:!?'"*_]+$/;

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flushParagraph = () => {
    // Leading and trailing blank lines carry no meaning; inner ones are kept as breaks.
    while (paragraph.length > 0 && paragraph[0]!.trim() === '') paragraph.shift();
    while (paragraph.length > 0 && paragraph[paragraph.length - 1]!.trim() === '') paragraph.pop();
    if (paragraph.length > 0) blocks.push({ type: 'paragraph', children: parseInline(paragraph.join('\n')) });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    const close = open ? findFenceEnd(lines, i + 1) : -1;
    if (!open || close < 0) {
      paragraph.push(lines[i]!);
      continue;
    }
    flushParagraph();
    blocks.push({ type: 'codeblock', lang: open[1]!.trim(), text: lines.slice(i + 1, close).join('\n') });
    i = close;
  }
  flushParagraph();
  return blocks;
}

function findFenceEnd(lines: string[], from: number): number {
  for (let i = from; i < lines.length; i++) if (/^ {0,3}```\s*$/.test(lines[i]!)) return i;
  return -1;
}

export function parseInline(text: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const pushText = (s: string) => {
    plain += s;
  };
  const flush = () => {
    if (plain) out.push({ type: 'text', text: plain });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length && ESCAPABLE.has(text[i + 1]!)) {
      pushText(text[i + 1]!);
      i += 2;
      continue;
    }
    if (ch === '\n') {
      flush();
      out.push({ type: 'br' });
      i++;
      continue;
    }
    if (ch === '`') {
      const span = readCodeSpan(text, i);
      if (span) {
        flush();
        out.push({ type: 'code', text: span.text });
        i = span.end;
        continue;
      }
      // An unmatched run of backticks is text as a whole, so it cannot open a shorter span.
      const run = /^`+/.exec(text.slice(i))![0];
      pushText(run);
      i += run.length;
      continue;
    }
    if (ch === '[') {
      const link = LINK.exec(text.slice(i));
      const href = link ? safeHref(link[2]!) : null;
      if (link && href) {
        flush();
        out.push({ type: 'link', href, children: depth < MAX_DEPTH ? parseInline(link[1]!, depth + 1) : [{ type: 'text', text: link[1]! }] });
        i += link[0].length;
        continue;
      }
    }
    if ((ch === 'h' || ch === 'H') && !isWordChar(text[i - 1])) {
      const auto = readAutolink(text.slice(i));
      if (auto) {
        flush();
        out.push({ type: 'link', href: auto.href, children: [{ type: 'text', text: auto.text }] });
        i += auto.text.length;
        continue;
      }
    }
    if (ch === '*' || ch === '_') {
      const run = ch === '*' ? /^\*+/.exec(text.slice(i))![0] : /^_+/.exec(text.slice(i))![0];
      const emphasis = run.length <= 2 && depth < MAX_DEPTH ? readEmphasis(text, i, depth) : null;
      if (emphasis) {
        flush();
        out.push(emphasis.node);
        i = emphasis.end;
        continue;
      }
      // A run that opens nothing is text as a whole ("***", "**" without a closer).
      pushText(run);
      i += run.length;
      continue;
    }
    pushText(ch);
    i++;
  }
  flush();
  return out;
}

function readCodeSpan(text: string, start: number): { text: string; end: number } | null {
  const run = /^`+/.exec(text.slice(start))![0];
  let from = start + run.length;
  for (;;) {
    const at = text.indexOf(run, from);
    if (at < 0) return null;
    // The closing run must be exactly as long as the opening one.
    const after = at + run.length;
    if (text[after] === '`') {
      from = after;
      while (text[from] === '`') from++;
      continue;
    }
    let inner = text.slice(start + run.length, at);
    if (inner.trim() === '') return null;
    if (inner.length > 1 && inner.startsWith(' ') && inner.endsWith(' ')) inner = inner.slice(1, -1);
    return { text: inner, end: after };
  }
}

function readAutolink(rest: string): { text: string; href: string } | null {
  const match = AUTOLINK.exec(rest);
  if (!match) return null;
  let candidate = match[0].replace(TRAILING_PUNCTUATION, '');
  // Keep a closing parenthesis only when the URL opened one: "(see https://x.y/a)" ends before ")".
  while (candidate.endsWith(')') && count(candidate, '(') < count(candidate, ')')) {
    candidate = candidate.slice(0, -1).replace(TRAILING_PUNCTUATION, '');
  }
  const href = safeHref(candidate);
  return href ? { text: candidate, href } : null;
}

function readEmphasis(text: string, start: number, depth: number): { node: Inline; end: number } | null {
  const ch = text[start]!;
  const double = text[start + 1] === ch;
  const marker = double ? ch + ch : ch;
  const contentStart = start + marker.length;
  // Underscores inside words (snake_case) are not emphasis.
  if (ch === '_' && isWordChar(text[start - 1])) return null;
  if (contentStart >= text.length || /\s/.test(text[contentStart]!)) return null;
  let from = contentStart;
  for (let candidates = 0; candidates < MAX_CLOSER_CANDIDATES; candidates++) {
    const close = text.indexOf(marker, from);
    if (close < 0) return null;
    const valid =
      close > contentStart &&
      !/\s/.test(text[close - 1]!) &&
      // The closer is a whole run of the marker, not part of a longer one ("**" inside "*…*").
      text[close - 1] !== ch &&
      text[close + marker.length] !== ch &&
      !(ch === '_' && isWordChar(text[close + marker.length])) &&
      !text.slice(contentStart, close).includes('\n\n');
    if (valid) {
      const children = parseInline(text.slice(contentStart, close), depth + 1);
      return { node: { type: double ? 'strong' : 'em', children }, end: close + marker.length };
    }
    from = close + 1;
    if (from >= text.length) return null;
  }
  return null;
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}_]/u.test(ch);
}

function count(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n++;
  return n;
}
