/**
 * Reading a client frame off the wire. JSON.parse is safe against prototype
 * pollution by itself (`__proto__` becomes an own property), but we reject such
 * keys anyway, together with over-deep nesting, before the schema sees the value.
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

function readRef(value: Record<string, unknown>): string | null {
  const ref = value.type === 'send' ? value.id : value.ref;
  return typeof ref === 'string' && ref.length > 0 && ref.length <= 64 ? ref : null;
}

export function parseClientFrame(text: string, maxDepth: number = DEFAULT_LIMITS.maxJsonDepth): ParsedFrame {
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
