/** Threads and replies (protocol.md §25): limits and the mention rule both sides share. */

/** Most replies one `replies` page returns. */
export const THREAD_PAGE_MAX = 500;
/** Most threads one `threads` answer lists. */
export const THREADS_LIST_MAX = 100;
/** A thread's `participants` lists at most this many repliers (the first ones). */
export const THREAD_PARTICIPANTS_MAX = 10;

/** `@username` in a body: the people it names follow the thread the body is a reply in. */
const MENTION = /(?<![\p{L}\p{N}_.-])@([a-z0-9][a-z0-9_.-]{1,31})/giu;

/** The usernames a body mentions, lowercase, each once, in order of appearance (at most 50). */
export function mentionedUsernames(body: string): string[] {
  const names = new Set<string>();
  for (const match of body.matchAll(MENTION)) {
    // A sentence's full stop after a name is not part of it.
    names.add(match[1]!.toLowerCase().replace(/[.-]+$/, ''));
    if (names.size === 50) break;
  }
  return [...names];
}
