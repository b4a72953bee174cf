/**
 * The directory of public rooms, the same in every store: rooms ordered by
 * their name key (the lowercased name, unique), filtered by a text the name
 * contains, a page at a time; the cursor is the last room's name key.
 */
import type { DirectoryQuery, StoredRoomSummary } from '../store.js';

/** The bound parameters of a directory page's query: one row more than the page, to know whether another follows. */
export function directoryParams(page: DirectoryQuery): { after: string; pattern: string; limit: number } {
  const text = (page.query ?? '').normalize('NFC').toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  return { after: page.after ?? '', pattern: `%${text}%`, limit: page.limit + 1 };
}

export function directoryPage<R extends { name_key: string }>(
  rows: readonly R[],
  limit: number,
  toSummary: (row: R) => StoredRoomSummary,
): { rooms: StoredRoomSummary[]; next: string | null } {
  const page = rows.slice(0, limit);
  return { rooms: page.map(toSummary), next: rows.length > limit ? page.at(-1)!.name_key : null };
}
