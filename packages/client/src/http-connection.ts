/**
 * One connection over the HTTP fallback transport (protocol.md §30), for
 * networks that break WebSockets: a stream of server-sent events (read with
 * fetch, so that a Bearer token can go in a header, in browsers and Node
 * alike) brings the server's frames; POSTs carry the client's, one POST at a
 * time and in order, with whatever queued meanwhile. The frames, acks and
 * close codes are the WebSocket's: the link cannot tell the two apart.
 *
 * A POST that fails (the network, or the server no longer knows the stream)
 * ends the connection as a WebSocket cut would (1006): the link reconnects,
 * resumes, and the outbox sends again what was not acknowledged.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import {
  CLOSE,
  FALLBACK_EVENT,
  FALLBACK_FRAMES_PATH,
  FALLBACK_POST_MAX_FRAMES,
  FALLBACK_STREAM_PATH,
  fallbackClose,
  type ServerFrame,
} from '@parley/protocol';
import type { ConnectionHandlers, LinkConnection } from './connection.js';
import type { AuthTransport } from './types.js';

export class HttpConnection implements LinkConnection {
  readonly #fetch: typeof fetch;
  readonly #baseUrl: string;
  readonly #headers: Record<string, string>;
  readonly #handlers: ConnectionHandlers;
  readonly #abort = new AbortController();
  readonly #postTimeoutMs: number;
  #stream: string | null = null;
  #ended = false;
  #unauthorized = false;
  /** Frames written and not yet POSTed; one POST is in flight at most. */
  #queue: string[] = [];
  #posting = false;

  constructor(
    fetchImpl: typeof fetch,
    baseUrl: string,
    auth: { transport: AuthTransport; token: string | null },
    handlers: ConnectionHandlers,
    postTimeoutMs: number,
  ) {
    this.#fetch = fetchImpl;
    this.#baseUrl = baseUrl;
    this.#handlers = handlers;
    this.#postTimeoutMs = postTimeoutMs;
    // A token goes in a header whatever the WebSocket would have done with it (an `auth` frame
    // exists because browsers cannot set a WebSocket's headers; fetch can). A cookie goes by itself.
    this.#headers = auth.transport !== 'cookie' && auth.token ? { authorization: `Bearer ${auth.token}` } : {};
    void this.#read();
  }

  get isOpen(): boolean {
    return !this.#ended && this.#stream !== null;
  }

  send(frame: object): boolean {
    if (!this.isOpen) return false;
    this.#queue.push(JSON.stringify(frame));
    void this.#post();
    return true;
  }

  abandon(code: number, reason: string): void {
    this.#end(code, reason);
  }

  async #read(): Promise<void> {
    let response: Response;
    try {
      response = await this.#fetch(this.#baseUrl + FALLBACK_STREAM_PATH, {
        headers: { ...this.#headers, accept: 'text/event-stream' },
        cache: 'no-store',
        credentials: 'include',
        signal: this.#abort.signal,
      });
    } catch {
      return this.#end(CLOSE.abnormal, 'the stream could not be opened');
    }
    if (response.status !== 200 || !response.body) {
      this.#unauthorized = response.status === 401;
      void response.body?.cancel().catch(() => undefined);
      return this.#end(CLOSE.abnormal, `the stream was refused (${response.status})`);
    }
    const parser = createParser({ onEvent: (event) => this.#event(event) });
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || this.#ended) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      // The connection dropped (or was abandoned): below.
    }
    this.#end(CLOSE.abnormal, 'the stream ended');
  }

  #event(event: EventSourceMessage): void {
    if (this.#ended) return;
    if (event.event === FALLBACK_EVENT.stream) {
      this.#stream = event.data;
      return;
    }
    if (event.event === FALLBACK_EVENT.close) {
      const close = fallbackClose.safeParse(safeJson(event.data));
      return close.success ? this.#end(close.data.code, close.data.reason) : this.#end(CLOSE.abnormal, 'bad close event');
    }
    if (event.event !== undefined && event.event !== 'message') return;
    const frame = safeJson(event.data) as ServerFrame | null;
    if (typeof frame !== 'object' || frame === null || typeof frame.type !== 'string') return;
    this.#handlers.onFrame(frame);
  }

  /** POSTs what is queued, one POST at a time so that the server takes the frames in order. */
  async #post(): Promise<void> {
    if (this.#posting) return;
    this.#posting = true;
    try {
      while (this.#queue.length > 0 && this.isOpen) {
        const frames = this.#queue.splice(0, FALLBACK_POST_MAX_FRAMES);
        // A FallbackPost, put together from the frames' JSON rather than parsing them back.
        const body = `{"stream":${JSON.stringify(this.#stream)},"frames":[${frames.join(',')}]}`;
        const response = await this.#fetch(this.#baseUrl + FALLBACK_FRAMES_PATH, {
          method: 'POST',
          headers: { ...this.#headers, 'content-type': 'application/json' },
          body,
          cache: 'no-store',
          credentials: 'include',
          signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(this.#postTimeoutMs)]),
        });
        void response.body?.cancel().catch(() => undefined);
        if (response.status !== 202) return this.#end(CLOSE.abnormal, `frames refused (${response.status})`);
      }
    } catch {
      this.#end(CLOSE.abnormal, 'frames could not be sent');
    } finally {
      this.#posting = false;
    }
  }

  #end(code: number, reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    const opened = this.#stream !== null;
    this.#queue = [];
    this.#abort.abort();
    this.#handlers.onEnd({ code, reason, opened, unauthorized: this.#unauthorized });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
