/** ParleyClientOptions with defaults applied, checked and frozen once. */
import { WS_PATH } from '@parley/protocol';
import type { AuthTransport, Credentials, ParleyClientOptions, Transport, WebSocketConstructor } from './types.js';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';

export interface ResolvedOptions {
  credentials: Credentials;
  baseUrl: string;
  wsUrl: string;
  WebSocket: WebSocketConstructor;
  fetch: typeof fetch | undefined;
  /** The fetch of the HTTP fallback: `fetch`, or the global one. */
  fetchImpl: typeof fetch;
  transport: 'auto' | Transport;
  authTransport: AuthTransport;
  backoff: BackoffOptions;
  heartbeat: { intervalMs?: number; timeoutMs?: number };
  connectTimeoutMs: number;
  outboxLimit: number;
  requestTimeoutMs: number;
  initialHistory: number;
  loadMembers: boolean;
}

function pageOrigin(): string | null {
  const location = (globalThis as { location?: { origin?: string } }).location;
  return typeof location?.origin === 'string' && location.origin !== 'null' ? location.origin : null;
}

export function resolveOptions(options: ParleyClientOptions): Readonly<ResolvedOptions> {
  const inBrowser = typeof (globalThis as { window?: unknown }).window !== 'undefined';
  const origin = options.url || pageOrigin();
  if (origin === null) throw new TypeError('options.url is required outside a browser (e.g. "http://localhost:8000").');
  const baseUrl = origin.replace(/\/+$/, '');
  if (!/^https?:\/\//.test(baseUrl)) throw new TypeError(`options.url must start with http:// or https://, got "${origin}".`);
  const WebSocketImpl = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!WebSocketImpl) throw new TypeError('There is no global WebSocket here: pass one as options.WebSocket (in Node: `import WebSocket from "ws"`).');
  const credentials = options.credentials;
  const kinds = ['password', 'register', 'guest', 'token', 'session'];
  if (typeof credentials !== 'object' || credentials === null || !kinds.includes((credentials as { kind?: string }).kind ?? '')) {
    throw new TypeError(`options.credentials needs a kind: one of ${kinds.join(', ')} (e.g. { kind: "guest", name: "Ann" }).`);
  }
  const authTransport: AuthTransport =
    options.authTransport ?? (!inBrowser ? 'header' : credentials.kind === 'token' ? 'frame' : 'cookie');
  if (credentials.kind === 'session' && authTransport !== 'cookie') {
    throw new TypeError('credentials { kind: "session" } use the browser\'s session cookie: they need authTransport "cookie".');
  }
  const transport = options.transport ?? 'auto';
  if (!['auto', 'websocket', 'http'].includes(transport)) throw new TypeError(`options.transport must be "auto", "websocket" or "http", got "${String(transport)}".`);
  // Called as a plain function: a browser's fetch must keep the global as its `this`.
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const backoff = { ...DEFAULT_BACKOFF, ...options.reconnect };
  if (backoff.minDelayMs <= 0 || backoff.maxDelayMs < backoff.minDelayMs) {
    throw new TypeError('options.reconnect needs 0 < minDelayMs <= maxDelayMs.');
  }
  return Object.freeze({
    credentials,
    baseUrl,
    wsUrl: `${baseUrl.replace(/^http/, 'ws')}${WS_PATH}`,
    WebSocket: WebSocketImpl,
    fetch: options.fetch,
    fetchImpl,
    transport,
    authTransport,
    backoff,
    heartbeat: { ...options.heartbeat },
    connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
    outboxLimit: options.outboxLimit ?? 200,
    requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
    initialHistory: options.initialHistory ?? 50,
    loadMembers: options.loadMembers ?? true,
  });
}
