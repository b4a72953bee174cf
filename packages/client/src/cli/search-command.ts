/** `/search [#ROOM] TEXT`: messages of the rooms you may read, newest first, matches in bold. */
import type { SearchResult } from '@parley/protocol';
import type { ChatSession } from './chat.js';
import { bold, clean, clock, dim } from './format.js';
import { COLOR } from './terminal-text.js';

const SHOWN = 20;
/** Characters of a result's text shown around its first match. */
const EXCERPT_CHARS = 160;

/** The room filter and the query of `[#ROOM] TEXT`. */
export function parseSearchArgs(args: string): { room: string | null; query: string } {
  const match = /^#(\S+)\s+([\s\S]+)$/.exec(args.trim());
  return match ? { room: match[1]!, query: match[2]!.trim() } : { room: null, query: args.trim() };
}

/** One line of a result's text, its matches in bold (or between » « without colour), cut around the first match. */
export function highlightedExcerpt(result: SearchResult, color = COLOR): string {
  // One character for one (offsets stay right): line breaks become spaces.
  const body = result.event.body.replace(/[\n\r\t]/g, ' ');
  const ranges = result.highlights;
  const first = ranges[0]?.[0] ?? 0;
  const start = Math.max(0, Math.min(first - 40, body.length - EXCERPT_CHARS));
  const end = Math.min(body.length, start + EXCERPT_CHARS);
  let text = start > 0 ? '…' : '';
  let at = start;
  for (const [from, to] of ranges) {
    if (to <= at || from >= end) continue;
    text += clean(body.slice(at, Math.max(at, from)));
    const mark = clean(body.slice(Math.max(at, from), Math.min(to, end)));
    text += color ? bold(mark) : `»${mark}«`;
    at = Math.min(to, end);
  }
  return text + clean(body.slice(at, end)) + (end < body.length ? '…' : '');
}

export async function searchMessages(session: ChatSession, args: string): Promise<void> {
  const { room: roomName, query } = parseSearchArgs(args);
  if (!query) return session.print(dim('usage: /search [#ROOM] TEXT'));
  let room: string | undefined;
  if (roomName !== null) {
    const wanted = roomName.toLowerCase();
    room = session.client.getSnapshot().rooms.find((r) => r.id === roomName || (r.kind !== 'dm' && r.name.toLowerCase() === wanted))?.id;
    if (room === undefined) return session.print(dim(`no room #${clean(roomName)} in your list`));
  }
  const { results, next } = await session.client.search(query, { limit: SHOWN, ...(room !== undefined ? { room } : {}) });
  if (results.length === 0) return session.print(dim(`(no message matches “${clean(query)}”)`));
  for (const result of results) {
    const room = session.client.room(result.event.room) ? session.label(result.event.room) : `#${clean(result.roomName)}`;
    const where = `${room} #${result.event.seq}`;
    session.print(`${dim(`${clock(result.event.ts)} ${where}`)} ${clean(result.event.user.name)}: ${highlightedExcerpt(result)}`);
  }
  session.print(dim(next === null ? `(${results.length} found)` : `(the newest ${results.length}; narrow the search to see others)`));
}
