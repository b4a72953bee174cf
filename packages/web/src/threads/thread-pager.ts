/**
 * A thread's messages for its panel (§25), read forward a page at a time: the root and the
 * replies the pages brought, kept current by the room's live events (new replies, and edits,
 * deletions and reactions of the thread's messages), applied as the SDK applies a page
 * (`timelineOf`). Every message is held once, by seq, whichever way it arrived.
 */
import { targetsOf, timelineOf, type MessageItem, type ParleyClient, type RepliesPage, type RoomEvent } from '@parley/client';

/** Replies one page brings: the panel loads the next page only when the reader asks. */
export const THREAD_PAGE = 200;

export interface ThreadMessages {
  root: MessageItem | null;
  /** The replies read so far from the start, in seq order. */
  replies: MessageItem[];
  /** Replies that arrived live past replies not read yet (empty once the pages reach the end). */
  later: MessageItem[];
  /** Replies between `replies` and `later` not loaded yet (at least 1 while some are), or 0. */
  notLoaded: number;
  /** The first page has arrived. */
  loaded: boolean;
  /** A page is being read. */
  loading: boolean;
  /** Why the last page failed, or null. */
  error: unknown;
}

const NOTHING: ThreadMessages = { root: null, replies: [], later: [], notLoaded: 0, loaded: false, loading: false, error: null };

export class ThreadPager {
  readonly #client: ParleyClient;
  readonly #room: string;
  readonly #root: number;
  #events = new Map<number, RoomEvent>();
  /** Changes to messages not held, seen while a page is read: the page may predate them. */
  #unplaced: RoomEvent[] = [];
  /** The newest reply seq the pages have reached. */
  #through = 0;
  #hasAfter = false;
  #loaded = false;
  #loading = false;
  #error: unknown = null;
  /** Grows on every open and close, so that an answer for an earlier opening is dropped. */
  #generation = 0;
  #snapshot: ThreadMessages = NOTHING;
  readonly #listeners = new Set<() => void>();

  constructor(client: ParleyClient, room: string, root: number) {
    this.#client = client;
    this.#room = room;
    this.#root = root;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly snapshot = (): ThreadMessages => this.#snapshot;

  /** Starts listening and reads the first page; returns what stops both. */
  open(): () => void {
    const generation = ++this.#generation;
    this.#events = new Map();
    this.#unplaced = [];
    this.#through = 0;
    this.#hasAfter = false;
    this.#loaded = false;
    this.#loading = false;
    this.#error = null;
    // Live events first, so that none is missed between a page's read and its answer.
    const off = this.#client.on('event', (event) => this.#live(event));
    this.#read(generation);
    return () => {
      this.#generation++;
      off();
    };
  }

  /** Reads the next page, if there is one and none is being read. */
  readonly more = (): void => {
    if (this.#loaded && this.#hasAfter && !this.#loading) this.#read(this.#generation);
  };

  #live(event: RoomEvent): void {
    if (event.room !== this.#room) return;
    if (this.#touches(event)) {
      this.#events.set(event.seq, event);
      this.#changed();
    } else if (this.#loading && targetsOf(event).length > 0) {
      this.#unplaced.push(event);
    }
  }

  #touches(event: RoomEvent): boolean {
    if (event.kind === 'message') return event.seq === this.#root || event.thread === this.#root;
    return targetsOf(event).some((seq) => this.#events.has(seq));
  }

  #read(generation: number): void {
    this.#loading = true;
    this.#error = null;
    this.#changed();
    const after = this.#through;
    this.#client.replies(this.#room, this.#root, { ...(after > 0 ? { after } : {}), limit: THREAD_PAGE }).then(
      (page) => generation === this.#generation && this.#place(page),
      (failure: unknown) => {
        if (generation !== this.#generation) return;
        this.#loading = false;
        this.#unplaced = [];
        this.#error = failure;
        this.#changed();
      },
    );
  }

  #place(page: RepliesPage): void {
    // The page's messages are in their current state: they win over the live copies, and the
    // changes held since (live events, with their own seqs) are applied on top, in seq order.
    for (const message of [page.root, ...page.replies]) this.#events.set(message.seq, message);
    for (const event of this.#unplaced) if (this.#touches(event)) this.#events.set(event.seq, event);
    this.#unplaced = [];
    this.#through = page.replies.at(-1)?.seq ?? this.#through;
    this.#hasAfter = page.hasAfter;
    this.#loaded = true;
    this.#loading = false;
    this.#changed();
  }

  #changed(): void {
    const items = timelineOf([...this.#events.values()]).filter((item): item is MessageItem => item.kind === 'message');
    const root = items.find((item) => item.seq === this.#root) ?? null;
    const all = items.filter((item) => item.thread === this.#root);
    const gap = this.#hasAfter ? all.findIndex((item) => item.seq > this.#through) : -1;
    const replies = gap < 0 ? all : all.slice(0, gap);
    const later = gap < 0 ? [] : all.slice(gap);
    const notLoaded = this.#hasAfter ? Math.max(1, (root?.replies?.count ?? 0) - all.length) : 0;
    this.#snapshot = { root, replies, later, notLoaded, loaded: this.#loaded, loading: this.#loading, error: this.#error };
    for (const listener of this.#listeners) listener();
  }
}
