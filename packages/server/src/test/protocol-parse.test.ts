import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LIMITS, parseClientFrame } from '@parley/protocol';

const deep = (depth: number) => `{"type":"rooms","ref":"r","x":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;

test('nesting deeper than maxJsonDepth is refused from the text, before it is parsed', () => {
  const max = DEFAULT_LIMITS.maxJsonDepth;
  // One level past the limit, and a 64 KiB frame that JSON.parse would have to build in full.
  for (const text of [deep(max + 1), `{"x":${'['.repeat(65_000)}`, `[${'{"a":'.repeat(20_000)}`]) {
    const parsed = parseClientFrame(text);
    assert.equal(parsed.error?.code, 'invalid_frame', text.slice(0, 40));
    assert.match(parsed.error!.message, /nesting deeper than 8/);
  }
  // At the limit the frame reaches the schema (which refuses the extra field, not the depth).
  assert.doesNotMatch(parseClientFrame(deep(max)).error?.message ?? '', /nesting/);
});

test('brackets inside strings, escaped quotes among them, are text, not nesting', () => {
  const body = `[[[[[[[[[[ {{{{{{{{{{ \\" [[[[[[[[[[ \\\\`;
  const parsed = parseClientFrame(`{"type":"send","id":"abcdefgh-1","room":"lobby","body":"${body}"}`);
  assert.equal(parsed.error, undefined);
  assert.equal(parsed.frame?.type === 'send' && parsed.frame.body, '[[[[[[[[[[ {{{{{{{{{{ " [[[[[[[[[[ \\');
});
