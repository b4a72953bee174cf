/**
 * The user's threads as the client knows them (protocol.md §25): each thread's newest state
 * (the highest version seen, from `thread` frames, `threads`, `replies`, `follow` and
 * `thread_read` answers) and, when listed, its root message. The server counts every state it
 * sends from the log, so the newest one held is the badge to show.
 */
import type { MessageEvent, ThreadListItem, ThreadState } from '@parley/protocol';
import type { ThreadView } from './types.js';

function key(room: string, root: number): string {
  return `${room}\u0000${root}`;
}

export class ThreadList {
  readonly #threads = new Map<string, { state: ThreadState; message?: MessageEvent; tick: number }>();
  /** Counts the states taken, so that a list asked for at tick T drops only what it knew of then. */
  #tick = 0;
  #views: readonly ThreadView[] | null = null;

  /** Takes a state if it is newer than the one held; returns whether it changed anything. */
  take(state: ThreadState, message?: MessageEvent): boolean {
    const held = this.#threads.get(key(state.room, state.root));
    if (held && held.state.version >= state.version) {
      if (!message || held.message === message) return false;
      held.message = message;
    } else {
      this.#threads.set(key(state.room, state.root), { state, message: message ?? held?.message, tick: ++this.#tick });
    }
    this.#views = null;
    return true;
  }

  /** Marks the moment a `threads` request is sent: its answer replaces what was held before it. */
  mark(): number {
    return this.#tick;
  }

  /** Takes a `threads` answer asked for at `mark`: followed threads it does not list and nothing newer mentioned are dropped. */
  replace(items: readonly ThreadListItem[], mark: number): void {
    const listed = new Set(items.map((item) => key(item.room, item.root)));
    for (const [k, held] of this.#threads) if (!listed.has(k) && held.tick <= mark) this.#threads.delete(k);
    for (const { message, ...state } of items) this.take(state, message);
    this.#views = null;
  }

  get(room: string, root: number): ThreadState | undefined {
    return this.#threads.get(key(room, root))?.state;
  }

  /** Forgets the threads of a room the user left. */
  dropRoom(room: string): void {
    for (const [k, held] of this.#threads) if (held.state.room === room) this.#threads.delete(k);
    this.#views = null;
  }

  /** Followed threads, unread first, then by newest reply. */
  views(): readonly ThreadView[] {
    this.#views ??= [...this.#threads.values()]
      .filter((held) => held.state.following && held.state.info.count > 0)
      .map((held) => (held.message ? { ...held.state, message: held.message } : held.state))
      .sort((a, b) => Number(b.unread > 0) - Number(a.unread > 0) || b.info.lastTs - a.info.lastTs || b.info.lastSeq - a.info.lastSeq || (a.room < b.room ? -1 : a.room > b.room ? 1 : a.root - b.root));
    return this.#views;
  }
}
