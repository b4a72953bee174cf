/**
 * A raw WebSocket test client that speaks Parley's protocol by hand (no SDK),
 * so that server tests check the wire format exactly as documented.
 */
import WebSocket from 'ws';
import type { ServerFrame } from '@parley/protocol';

export interface RawClient {
  ws: WebSocket;
  /** Every frame received so far, parsed. */
  frames: ServerFrame[];
  send(frame: unknown): void;
  sendText(text: string): void;
  /** Resolves with the first received frame (past or future) that matches. */
  waitFor<T extends ServerFrame = ServerFrame>(match: (frame: ServerFrame) => boolean, timeoutMs?: number): Promise<T>;
  /** Sends a request and resolves with its ack, or rejects with its error frame. */
  request<T = Record<string, unknown>>(frame: Record<string, unknown> & { ref?: string; id?: string }, timeoutMs?: number): Promise<T>;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export interface ConnectOptions {
  token?: string;
  origin?: string;
  cookie?: string;
  /** Wait for `welcome` before resolving (default true when a token or cookie is given). */
  waitWelcome?: boolean;
}

let refCounter = 0;
export const nextRef = (): string => `r${++refCounter}-${Date.now()}`;

export function connectRaw(wsUrl: string, options: ConnectOptions = {}): Promise<RawClient> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.origin) headers.origin = options.origin;
  const ws = new WebSocket(wsUrl, { headers });
  const frames: ServerFrame[] = [];
  const waiters = new Set<{ match: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }>();
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as ServerFrame;
    frames.push(frame);
    for (const waiter of [...waiters]) {
      if (waiter.match(frame)) {
        waiters.delete(waiter);
        waiter.resolve(frame);
      }
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  const client: RawClient = {
    ws,
    frames,
    closed,
    send: (frame) => ws.send(JSON.stringify(frame)),
    sendText: (text) => ws.send(text),
    waitFor<T extends ServerFrame>(match: (frame: ServerFrame) => boolean, timeoutMs = 5000): Promise<T> {
      const found = frames.find(match);
      if (found) return Promise.resolve(found as T);
      return new Promise<T>((resolve, reject) => {
        const waiter = {
          match,
          resolve: (f: ServerFrame) => {
            clearTimeout(timer);
            resolve(f as T);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`timed out waiting for a frame; got: ${JSON.stringify(frames.slice(-5))}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async request<T>(frame: Record<string, unknown> & { ref?: string; id?: string }, timeoutMs = 5000): Promise<T> {
      const ref = frame.type === 'send' ? (frame.id as string) : (frame.ref ?? nextRef());
      const full = frame.type === 'send' ? frame : { ...frame, ref };
      const sentAt = frames.length;
      ws.send(JSON.stringify(full));
      // Only replies that arrive after this request: a retried send reuses its ref.
      const reply = await client.waitFor((f) => (f.type === 'ack' || f.type === 'error') && f.ref === ref && frames.indexOf(f) >= sentAt, timeoutMs);
      if (reply.type === 'error') throw Object.assign(new Error(`${reply.code}: ${reply.message}`), reply);
      return reply as T;
    },
    close: () => ws.close(),
  };
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode })));
    ws.once('error', reject);
    ws.once('open', () => {
      const wait = options.waitWelcome ?? Boolean(options.token || options.cookie);
      if (!wait) return resolve(client);
      client.waitFor((f) => f.type === 'welcome').then(() => resolve(client), reject);
    });
  });
}

/** Creates a guest over REST; returns its token and user. */
export async function guest(url: string, name: string): Promise<{ token: string; user: { id: string; username: string; name: string } }> {
  const response = await fetch(`${url}/api/auth/guest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (!response.ok) throw new Error(`guest sign-in failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { token: string; user: { id: string; username: string; name: string } };
}

export interface GuestSession {
  client: RawClient;
  user: { id: string; username: string; name: string };
  token: string;
}

/**
 * A guest signed in and connected. Each test file keeps one `open` list and
 * closes every client in it in teardown.
 */
export async function enterAsGuest(server: { url: string; wsUrl: string }, name: string, open: RawClient[]): Promise<GuestSession> {
  const g = await guest(server.url, name);
  const client = await connectRaw(server.wsUrl, { token: g.token });
  open.push(client);
  return { client, user: g.user, token: g.token };
}
