/**
 * Uploading a file (`POST /api/files`), in browsers and Node. A browser's Blob
 * or File goes through XMLHttpRequest, the one browser API that reports upload
 * progress; anything else (bytes, a Node stream, a web ReadableStream) is
 * streamed through fetch, counted as it goes out. Either way the file is never
 * read into memory whole, and `signal` stops it.
 */
import { FILES_PATH, ParleyError, type Attachment } from '@parley/protocol';
import { errorFrom } from './rest-api.js';

/** What can be uploaded: a Blob or File (browsers, Node 20), bytes, or a stream of bytes (a Node Readable, a web ReadableStream). */
export type UploadSource = Blob | Uint8Array | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

export interface UploadOptions {
  /** The file's name; default a File's own name, else "file". The server cleans it. */
  name?: string;
  /** The size, when the source is a stream and it is known (it is sent as Content-Length, so that a file too large is refused at once). */
  size?: number;
  /** Called as bytes go out: `sent` so far, of `total` (null when unknown). */
  onProgress?: (sent: number, total: number | null) => void;
  /** Aborting it stops the upload; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface UploadTarget {
  baseUrl: string;
  fetch: typeof fetch | undefined;
  /** Sent as a Bearer token; null: the browser's session cookie. */
  token: string | null;
}

function isBlob(source: UploadSource): source is Blob {
  return typeof Blob !== 'undefined' && source instanceof Blob;
}

function fileName(source: UploadSource, options: UploadOptions): string {
  if (options.name) return options.name;
  const own = (source as { name?: unknown }).name;
  return typeof own === 'string' && own !== '' ? own : 'file';
}

export function upload(target: UploadTarget, room: string, source: UploadSource, options: UploadOptions = {}): Promise<Attachment> {
  options.signal?.throwIfAborted();
  const url = `${target.baseUrl}${FILES_PATH}?room=${encodeURIComponent(room)}&name=${encodeURIComponent(fileName(source, options))}`;
  const XHR = (globalThis as { XMLHttpRequest?: typeof XMLHttpRequest }).XMLHttpRequest;
  if (XHR && (isBlob(source) || source instanceof Uint8Array)) return viaXhr(XHR, url, target, isBlob(source) ? source : new Blob([source as Uint8Array<ArrayBuffer>]), options);
  return viaFetch(url, target, source, options);
}

function viaXhr(XHR: typeof XMLHttpRequest, url: string, target: UploadTarget, blob: Blob, options: UploadOptions): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const xhr = new XHR();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    if (target.token) xhr.setRequestHeader('authorization', `Bearer ${target.token}`);
    // Any type will do: the server finds the real one in the bytes.
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.upload.onprogress = (event) => options.onProgress?.(event.loaded, event.lengthComputable ? event.total : blob.size);
    const abort = () => xhr.abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    const done = () => options.signal?.removeEventListener('abort', abort);
    xhr.onload = () => {
      done();
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(xhr.responseText);
      } catch {
        // Described by the status below.
      }
      if (xhr.status === 201) {
        options.onProgress?.(blob.size, blob.size);
        resolve(parsed as Attachment);
      } else reject(errorFrom(xhr.status, parsed));
    };
    xhr.onerror = () => {
      done();
      reject(new ParleyError('unavailable', 'The upload was cut off (the connection dropped); try again.'));
    };
    xhr.onabort = () => {
      done();
      reject(options.signal?.reason ?? new DOMException('The upload was cancelled.', 'AbortError'));
    };
    xhr.send(blob);
  });
}

async function viaFetch(url: string, target: UploadTarget, source: UploadSource, options: UploadOptions): Promise<Attachment> {
  const doFetch = target.fetch ?? globalThis.fetch;
  const total = isBlob(source) ? source.size : source instanceof Uint8Array ? source.byteLength : (options.size ?? null);
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  if (total !== null) headers['content-length'] = String(total);
  let sent = 0;
  const chunks = bytesOf(source);
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) return controller.close();
      sent += next.value.byteLength;
      controller.enqueue(next.value);
      options.onProgress?.(sent, total);
    },
    async cancel() {
      await chunks.return?.(undefined);
    },
  });
  let response: Response;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers,
      body,
      credentials: 'include',
      ...(options.signal ? { signal: options.signal } : {}),
      // A stream as a request body (Node's fetch and Chromium require saying so).
      duplex: 'half',
    } as RequestInit);
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw new ParleyError('unavailable', `The upload was cut off: ${(error as Error).message}`);
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Described by the status below.
  }
  if (response.status !== 201) throw errorFrom(response.status, parsed);
  return parsed as Attachment;
}

/** The source's bytes, a bounded piece at a time. */
async function* bytesOf(source: UploadSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    for (let at = 0; at < source.byteLength; at += 64 * 1024) yield source.subarray(at, at + 64 * 1024);
  } else if (isBlob(source)) {
    yield* bytesOf(source.stream());
  } else if (Symbol.asyncIterator in source) {
    for await (const chunk of source as AsyncIterable<Uint8Array>) yield chunk;
  } else {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
}
