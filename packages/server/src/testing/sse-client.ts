/**
 * A bare client of the HTTP fallback transport for server tests (protocol.md
 * §30): opens a stream with fetch, reads its events as they come, and POSTs
 * frames to it. No SDK: what goes on the wire is what the test wrote.
 */
import { FALLBACK_FRAMES_PATH, FALLBACK_STREAM_PATH, type FallbackClose, type ServerFrame } from '@parley/protocol';

export interface SseClient {
  /** The status of the stream's response (200 when it opened), and its headers. */
  status: number;
  headers: Headers;
  /** The stream's id (from its `stream` event); null until it came, or if it was refused. */
  readonly id: string | null;
  readonly frames: ServerFrame[];
  /** The `close` event, once it came. */
  readonly closed: FallbackClose | null;
  /** Resolves when the response ends (after `close`, or when dropped). */
  readonly ended: Promise<void>;
  waitFor<T extends ServerFrame = ServerFrame>(match: (frame: ServerFrame) => boolean, timeoutMs?: number): Promise<T>;
  waitForClose(timeoutMs?: number): Promise<FallbackClose>;
  /** POSTs frames to this stream (or `stream`) with `token`; returns the status and the parsed body. */
  post(frames: unknown[], options?: { token?: string; stream?: string; headers?: Record<string, string> }): Promise<{ status: number; body: unknown; headers: Headers }>;
  abort(): void;
}

async function until<T>(what: string, get: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function openStream(baseUrl: string, token: string | null, headers: Record<string, string> = {}): Promise<SseClient> {
  const abort = new AbortController();
  const response = await fetch(baseUrl + FALLBACK_STREAM_PATH, {
    headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    signal: abort.signal,
  });
  let id: string | null = null;
  let closed: FallbackClose | null = null;
  const frames: ServerFrame[] = [];
  const onEvent = (block: string): void => {
    let event = 'message';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    if (block.startsWith(':')) return;
    if (event === 'stream') id = data;
    else if (event === 'close') closed = JSON.parse(data) as FallbackClose;
    else frames.push(JSON.parse(data) as ServerFrame);
  };
  const ended = (async () => {
    if (response.status !== 200 || !response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let at: number;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          onEvent(buffer.slice(0, at));
          buffer = buffer.slice(at + 2);
        }
      }
    } catch {
      // Aborted or dropped.
    }
  })();
  if (response.status !== 200) await response.body?.cancel();
  const client: SseClient = {
    status: response.status,
    headers: response.headers,
    get id() {
      return id;
    },
    frames,
    get closed() {
      return closed;
    },
    ended,
    waitFor: <T extends ServerFrame>(match: (frame: ServerFrame) => boolean, timeoutMs = 10_000) =>
      until('a frame', () => frames.find(match) as T | undefined, timeoutMs),
    waitForClose: (timeoutMs = 10_000) => until('the close event', () => closed ?? undefined, timeoutMs),
    async post(posted, options = {}) {
      const stream = options.stream ?? (await until('the stream id', () => id ?? undefined, 10_000));
      const auth = options.token ?? token;
      const answer = await fetch(baseUrl + FALLBACK_FRAMES_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...options.headers },
        body: JSON.stringify({ stream, frames: posted }),
      });
      const text = await answer.text();
      return { status: answer.status, body: text ? (JSON.parse(text) as unknown) : null, headers: answer.headers };
    },
    abort: () => abort.abort(),
  };
  return client;
}
