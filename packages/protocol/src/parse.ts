/**
 * Reading a client frame off the wire. Nesting deeper than the limit is refused
 * from the text, before JSON.parse builds it: deep nesting costs JSON.parse many
 * times more per byte than a flat frame. JSON.parse is safe against prototype
 * pollution by itself (`__proto__` becomes an own property), but we reject such
 * keys anyway before the schema sees the value.
 */
import { ParleyError } from './errors.js';
import { clientFrame, type ClientFrame } from './client-frames.js';
import { DEFAULT_LIMITS } from './limits.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface ParsedFrame {
  frame?: ClientFrame;
  error?: ParleyError;
  /** The ref (or send id) if one could be read, to address the error. */
  ref: string | null;
}

function checkShape(value: unknown, depth: number, maxDepth: number): string | null {
  if (depth > maxDepth) return `nesting deeper than ${maxDepth}`;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item === 'object' && item !== null) {
        const problem = checkShape(item, depth + 1, maxDepth);
        if (problem) return problem;
      }
    }
    return null;
  }
  for (const key of Object.keys(value as object)) {
    if (FORBIDDEN_KEYS.has(key)) return `forbidden key "${key}"`;
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === 'object' && item !== null) {
      const problem = checkShape(item, depth + 1, maxDepth);
      if (problem) return problem;
    }
  }
  return null;
}

/** What each ASCII character is to the nesting scan outside strings; NOT_JSON: it cannot appear there. */
const NOT_JSON = 0;
const PLAIN = 1;
const OPENS = 2;
const CLOSES = 3;
const QUOTE = 4;
const KINDS = new Uint8Array(128);
for (const c of ' \t\n\r,:-+.0123456789eEtrufalsn') KINDS[c.charCodeAt(0)] = PLAIN;
for (const c of '{[') KINDS[c.charCodeAt(0)] = OPENS;
for (const c of '}]') KINDS[c.charCodeAt(0)] = CLOSES;
KINDS['"'.charCodeAt(0)] = QUOTE;
const BACKSLASH = 0x5c;

/** The index of the quote that closes the string opened at `open`; -1 if none does. */
function closingQuote(text: string, open: number): number {
  let at = text.indexOf('"', open + 1);
  while (at !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
    at = text.indexOf('"', at + 1);
  }
  return -1;
}

/**
 * Whether `text` opens more than `maxDepth` objects or arrays inside one another,
 * read from its characters (brackets inside strings are text; strings are skipped
 * with indexOf). It stops at the first level too deep, and at the first character
 * that cannot be JSON there: JSON.parse refuses such text before it gets any deeper.
 */
export function nestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const kind = c < 128 ? KINDS[c] : NOT_JSON;
    if (kind === OPENS) {
      if (++depth > maxDepth) return true;
    } else if (kind === CLOSES) {
      depth--;
    } else if (kind === QUOTE) {
      i = closingQuote(text, i);
      if (i === -1) return false;
    } else if (kind === NOT_JSON) {
      return false;
    }
  }
  return false;
}

function readRef(value: Record<string, unknown>): string | null {
  const ref = value.type === 'send' ? value.id : value.ref;
  return typeof ref === 'string' && ref.length > 0 && ref.length <= 64 ? ref : null;
}

export function parseClientFrame(text: string, maxDepth: number = DEFAULT_LIMITS.maxJsonDepth): ParsedFrame {
  if (nestsDeeperThan(text, maxDepth)) {
    return { ref: null, error: new ParleyError('invalid_frame', `Rejected frame: nesting deeper than ${maxDepth}.`) };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ref: null, error: new ParleyError('invalid_json', 'The frame is not valid JSON.') };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ref: null, error: new ParleyError('invalid_json', 'A frame must be a JSON object.') };
  }
  const record = value as Record<string, unknown>;
  const ref = readRef(record);
  const problem = checkShape(value, 1, maxDepth);
  if (problem) return { ref, error: new ParleyError('invalid_frame', `Rejected frame: ${problem}.`) };
  const result = clientFrame.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at "${issue.path.join('.')}"` : '';
    const message = typeof record.type === 'string' && issue?.code === 'invalid_union'
      ? `Unknown frame type "${record.type.slice(0, 32)}".`
      : `Invalid frame${where}: ${issue?.message ?? 'does not match the schema'}.`;
    return { ref, error: new ParleyError('invalid_frame', message) };
  }
  return { ref, frame: result.data };
}
