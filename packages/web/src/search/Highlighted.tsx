/** A message's text with the server's match ranges (SearchResult.highlights) marked, cut around the first match. */
import type { SearchResult } from '@parley/client';

/** Characters shown before the first match when the text is long. */
const LEAD = 60;
/** Characters shown in all. */
const SHOWN = 320;

export function Highlighted({ result }: { result: SearchResult }) {
  const { body } = result.event;
  const ranges = result.highlights;
  const start = ranges.length > 0 && body.length > SHOWN ? Math.max(0, Math.min(ranges[0]![0] - LEAD, body.length - SHOWN)) : 0;
  const end = Math.min(body.length, start + SHOWN);
  const parts: Array<{ text: string; mark: boolean }> = [];
  let at = start;
  for (const [from, to] of ranges) {
    if (to <= at || from >= end) continue;
    if (from > at) parts.push({ text: body.slice(at, from), mark: false });
    parts.push({ text: body.slice(Math.max(at, from), Math.min(to, end)), mark: true });
    at = Math.min(to, end);
  }
  if (at < end) parts.push({ text: body.slice(at, end), mark: false });
  return (
    <span className="search-excerpt">
      {start > 0 && '…'}
      {parts.map((part, i) => (part.mark ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
      {end < body.length && '…'}
    </span>
  );
}
