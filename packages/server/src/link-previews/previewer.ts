/**
 * Link previews (§29.6): when a message is stored on this node, or edited here so that its first
 * link changes, the preview of that link is fetched through the guarded fetcher (never a private
 * address), attached to the message by a `preview` event (every client gets it, live or from
 * history), and cached. The store attaches it only if the link is still the message's first when
 * the fetch ends (store.attachPreview): a later edit wins over a slow fetch.
 *
 * - The image is fetched by the server, never by readers: it is decoded and re-encoded by sharp
 *   as a small WebP without metadata and carried in the preview as a `data:` URL (at most
 *   IMAGE_MAX_BYTES), so that no reader's browser contacts the linked site (its IP address,
 *   cookies and referrer stay with the reader). Too large, or not an image: no image.
 * - The cache is this node's memory (an LRU of CACHE_ENTRIES, each kept CACHE_TTL_MS): a
 *   preview is a convenience, fetched again at worst once per node per hour, and keeping it in
 *   the store would add a table that must be swept for no guarantee anyone needs. The preview a
 *   message got stays in the log with it.
 * - Best effort: a failure (refused address, timeout, no HTML, nothing to show) attaches
 *   nothing, and is counted in `parley_link_previews_total{result}`, as is a preview the store
 *   turned down (`superseded`); a node that stops before the fetch ends attaches nothing either.
 */
import sharp from 'sharp';
import { LRUCache } from 'lru-cache';
import { Counter, type Registry } from 'prom-client';
import type { LinkPreview, MessageEvent, RoomEvent } from '@parley/protocol';
import type { Store } from '../store/store.js';
import type { Logger } from '../log.js';
import { RefusedAddressError, type GuardedFetcher } from '../outbound/guarded-fetch.js';
import { extractPreview } from './extract.js';
import { firstLink } from './first-link.js';
import { decodePage } from './decode-page.js';

/** The most of a page read: its head is at the start. */
const PAGE_MAX_BYTES = 512 * 1024;
const SOURCE_IMAGE_MAX_BYTES = 5 * 1024 * 1024;
const SOURCE_IMAGE_MAX_PIXELS = 25_000_000;
/** The re-encoded image: a side at most this long … */
const IMAGE_SIDE = 160;
/** … and at most this many bytes, or the preview has no image. */
const IMAGE_MAX_BYTES = 16 * 1024;
const CACHE_ENTRIES = 500;
const CACHE_TTL_MS = 3_600_000;
/** Previews fetched at once by a node; more wait … */
const CONCURRENCY = 4;
/** … up to this many; past it a link gets no preview (a flood of links cannot queue without end). */
const MAX_WAITING = 100;

type Result = 'attached' | 'refused' | 'failed' | 'empty' | 'cached' | 'skipped' | 'superseded';

/** Message `target`'s first link, `url`: as sent, or as an edit changed it. */
export interface MessageLink {
  room: string;
  target: number;
  url: string;
}

export interface LinkPreviewerOptions {
  store: Store;
  fetcher: GuardedFetcher;
  timeoutMs: number;
  log: Logger;
  registry: Registry;
  published: (event: RoomEvent) => void;
}

export class LinkPreviewer {
  readonly #o: LinkPreviewerOptions;
  /** A URL's preview, or null: it had none (cached too, so that a dead link is not fetched again and again). */
  readonly #cache = new LRUCache<string, LinkPreview | { none: true }>({ max: CACHE_ENTRIES, ttl: CACHE_TTL_MS });
  readonly #results: Counter<'result'>;
  readonly #abort = new AbortController();
  readonly #running = new Set<Promise<void>>();
  readonly #waiting: Array<() => void> = [];
  /** Fetches under way. */
  #active = 0;

  constructor(options: LinkPreviewerOptions) {
    this.#o = options;
    this.#results = new Counter({ name: 'parley_link_previews_total', help: 'Link previews, by result (attached, cached, empty, refused, failed, skipped, superseded)', labelNames: ['result'], registers: [options.registry] });
  }

  messageStored(event: MessageEvent): void {
    const url = firstLink(event.body);
    if (url !== null) this.#start({ room: event.room, target: event.seq, url });
  }

  linkEdited(link: MessageLink): void {
    this.#start(link);
  }

  #start(link: MessageLink): void {
    const task = this.#run(link).finally(() => this.#running.delete(task));
    this.#running.add(task);
  }

  async close(): Promise<void> {
    this.#abort.abort();
    for (const wake of this.#waiting.splice(0)) wake();
    await Promise.allSettled([...this.#running]);
  }

  async #run({ room, target, url }: MessageLink): Promise<void> {
    let result: Result;
    try {
      const cached = this.#cache.get(url);
      let preview: LinkPreview | null;
      if (cached !== undefined) {
        result = 'cached';
        preview = 'none' in cached ? null : cached;
      } else if (this.#active >= CONCURRENCY && this.#waiting.length >= MAX_WAITING) {
        this.#results.inc({ result: 'skipped' });
        return;
      } else {
        await this.#slot();
        try {
          preview = await this.#fetch(url);
        } finally {
          this.#release();
        }
        this.#cache.set(url, preview ?? { none: true });
        result = preview ? 'attached' : 'empty';
      }
      if (preview && !this.#abort.signal.aborted) {
        const stored = await this.#o.store.attachPreview({ room, target, preview });
        if (stored) this.#o.published(stored);
        // The message was edited to another link or deleted while this one was fetched, or has it already.
        else result = 'superseded';
      }
    } catch (error) {
      result = error instanceof RefusedAddressError ? 'refused' : 'failed';
      if (!this.#abort.signal.aborted) this.#o.log.info({ url: new URL(url).origin, reason: (error as Error).message }, 'link preview not fetched');
    }
    this.#results.inc({ result });
  }

  async #slot(): Promise<void> {
    while (this.#active >= CONCURRENCY && !this.#abort.signal.aborted) await new Promise<void>((wake) => this.#waiting.push(wake));
    this.#active++;
  }
  #release(): void {
    this.#active--;
    this.#waiting.shift()?.();
  }

  async #fetch(url: string): Promise<LinkPreview | null> {
    const page = await this.#o.fetcher.fetch(url, {
      timeoutMs: this.#o.timeoutMs,
      maxBytes: PAGE_MAX_BYTES,
      truncate: true,
      maxRedirects: 3,
      headers: { accept: 'text/html,application/xhtml+xml' },
      signal: this.#abort.signal,
    });
    const type = String(page.headers['content-type'] ?? '');
    if (page.status < 200 || page.status >= 300 || !/text\/html|application\/xhtml\+xml/i.test(type)) return null;
    const found = extractPreview(decodePage(page.body, type), page.url);
    if (!found.title && !found.description) return null;
    const preview: LinkPreview = { url };
    if (found.title) preview.title = found.title;
    if (found.description) preview.description = found.description;
    if (found.siteName) preview.siteName = found.siteName;
    if (found.imageUrl) {
      const image = await this.#image(found.imageUrl).catch(() => null);
      if (image) preview.image = image;
    }
    return preview;
  }

  /** The page's image, fetched here and re-encoded as a small WebP data URL; null when it cannot be. */
  async #image(url: string): Promise<string | null> {
    const response = await this.#o.fetcher.fetch(url, {
      timeoutMs: this.#o.timeoutMs,
      maxBytes: SOURCE_IMAGE_MAX_BYTES,
      maxRedirects: 3,
      headers: { accept: 'image/*' },
      signal: this.#abort.signal,
    });
    if (response.status < 200 || response.status >= 300) return null;
    const webp = await sharp(response.body, { limitInputPixels: SOURCE_IMAGE_MAX_PIXELS, animated: false })
      .rotate()
      .resize(IMAGE_SIDE, IMAGE_SIDE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 60 })
      .toBuffer();
    if (webp.length > IMAGE_MAX_BYTES) return null;
    return `data:image/webp;base64,${webp.toString('base64')}`;
  }
}
