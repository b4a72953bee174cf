/**
 * How the generator logs in, joins rooms and sends on each target. Parley and
 * the raw reference share Parley's frames; Socket.IO is spoken as Engine.IO v4
 * packets over a plain WebSocket. Frames that carry a benchmark message never
 * reach `readControl` (the marker scanner takes them first); everything else
 * is classified here as cheaply as possible, because during setup a server may
 * send every connection one presence frame per other connection.
 */
import { Agent, request } from 'node:http';
import { indexFromMessageId, messageId } from './message-marker.js';
import type { Protocol } from './job.js';
import { inPool } from './pool.js';

export type Control =
  | { kind: 'ready' }
  /** Engine.IO's open packet: the client must now connect to the namespace. */
  | { kind: 'open' }
  /** Engine.IO's ping: answer `3`. */
  | { kind: 'ping' }
  /** `messageIndex` ≥ 0 for the ack of a benchmark message. */
  | { kind: 'ack'; ref: string; messageIndex: number; result: unknown }
  | { kind: 'error'; ref: string | null; code: string };

export interface Handshake {
  path: string;
  headers: Record<string, string>;
}

export interface WireProtocol {
  readonly lobby: string;
  /**
   * Creates the sessions of users `indexes` where the target has them
   * (Parley: a guest each). Done for everyone before anyone connects: each new
   * Parley guest joins the lobby, and that join event goes to every member online.
   */
  logIn(indexes: readonly number[], concurrency: number): Promise<void>;
  /** How user `index` upgrades (after `logIn`). */
  handshake(index: number): Handshake;
  /** What to send after the open packet (Engine.IO only). */
  connectPacket(index: number): string;
  encodeSend(room: string, index: number, body: string): string;
  /** `ref` is a decimal number below 2^31 and at least REQUEST_REF_BASE. */
  encodeRequest(kind: 'create' | 'join', arg: string, ref: string): string;
  /** null: a frame the benchmark does not care about. */
  readControl(data: Buffer, start: number, end: number): Control | null;
}

/** Request refs start here so that they never collide with message indexes (Socket.IO acks are numbered). */
export const REQUEST_REF_BASE = 1_000_000_000;

const TYPE_PREFIX = Buffer.from('{"type":"');
const WANTED_TYPES = new Set(['welcome', 'ack', 'error']);

/** The `type` of a server frame, read from the bytes when it comes first (as servers write it), else parsed. */
function frameType(data: Buffer, start: number, end: number): string | undefined {
  const prefixEnd = start + TYPE_PREFIX.length;
  if (end > prefixEnd && data.compare(TYPE_PREFIX, 0, TYPE_PREFIX.length, start, prefixEnd) === 0) {
    const quote = data.indexOf(0x22, prefixEnd);
    if (quote !== -1 && quote < end) return data.toString('latin1', prefixEnd, quote);
  }
  const value = JSON.parse(data.toString('utf8', start, end)) as { type?: unknown };
  return typeof value.type === 'string' ? value.type : undefined;
}

function readParleyControl(data: Buffer, start: number, end: number): Control | null {
  const type = frameType(data, start, end);
  if (type === undefined || !WANTED_TYPES.has(type)) return null;
  const frame = JSON.parse(data.toString('utf8', start, end)) as Record<string, unknown>;
  if (type === 'welcome') return { kind: 'ready' };
  const ref = typeof frame.ref === 'string' ? frame.ref : null;
  if (type === 'error') return { kind: 'error', ref, code: String(frame.code) };
  return { kind: 'ack', ref: ref ?? '', messageIndex: ref === null ? -1 : indexFromMessageId(ref), result: frame };
}

function parleyFrames(logIn: WireProtocol['logIn'], handshake: (index: number) => Handshake): WireProtocol {
  return {
    lobby: 'lobby',
    logIn,
    handshake,
    connectPacket: () => '',
    encodeSend: (room, index, body) => JSON.stringify({ type: 'send', id: messageId(index), room, body }),
    encodeRequest: (kind, arg, ref) =>
      JSON.stringify(kind === 'create' ? { type: 'create', ref, name: arg, kind: 'public' } : { type: 'join', ref, room: arg }),
    readControl: readParleyControl,
  };
}

/** POST /api/auth/guest; resolves to the session token. */
function createGuest(host: string, port: number, agent: Agent, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ name });
    const req = request(
      { host, port, agent, method: 'POST', path: '/api/auth/guest', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: 30_000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          if (res.statusCode !== 200 && res.statusCode !== 201) {
            reject(new Error(`POST /api/auth/guest: HTTP ${res.statusCode} ${text.slice(0, 300)}`));
            return;
          }
          resolve((JSON.parse(text) as { token: string }).token);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('POST /api/auth/guest timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A kept-alive socket the server closes as idle (HTTP_KEEP_ALIVE_TIMEOUT_MS) just as the agent reuses it fails the
 * request before the server read it ("socket hang up", ECONNRESET): such a request is sent again, on a new socket.
 */
async function createGuestRetrying(host: string, port: number, agent: Agent, name: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await createGuest(host, port, agent, name);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt >= 3 || (code !== 'ECONNRESET' && code !== 'EPIPE')) throw error;
    }
  }
}

function socketIo(): WireProtocol {
  return {
    lobby: 'lobby',
    logIn: async () => {},
    handshake: () => ({ path: '/socket.io/?EIO=4&transport=websocket', headers: {} }),
    connectPacket: (index) => `40${JSON.stringify({ name: `bench${index}` })}`,
    encodeSend: (room, index, body) => `42${index}["send",${JSON.stringify({ id: messageId(index), room, body })}]`,
    encodeRequest: (kind, arg, ref) => `42${ref}[${JSON.stringify(kind)},${JSON.stringify(arg)}]`,
    readControl(data, start, end) {
      const engineType = data[start];
      if (engineType === 0x32 /* 2 */) return { kind: 'ping' };
      if (engineType === 0x30 /* 0 */) return { kind: 'open' };
      if (engineType !== 0x34 /* 4 */) return null;
      const socketType = data[start + 1];
      if (socketType === 0x30 /* 0 */) return { kind: 'ready' };
      if (socketType === 0x34 /* 4 */) return { kind: 'error', ref: null, code: data.toString('utf8', start + 2, end) };
      if (socketType !== 0x33 /* 3 */) return null;
      const bracket = data.indexOf(0x5b /* [ */, start + 2);
      const ref = data.toString('latin1', start + 2, bracket);
      const args = JSON.parse(data.toString('utf8', bracket, end)) as unknown[];
      const id = Number(ref);
      return { kind: 'ack', ref, messageIndex: id < REQUEST_REF_BASE ? id : -1, result: args[0] };
    },
  };
}

/** `portOf(i)`: the node user i logs in at (its session is good on every node). */
export function protocolFor(protocol: Protocol, host: string, portOf: (index: number) => number): WireProtocol {
  if (protocol === 'socketio') return socketIo();
  if (protocol === 'raw') return parleyFrames(async () => {}, (index) => ({ path: `/ws?name=bench${index}`, headers: {} }));
  const tokens = new Map<number, string>();
  return parleyFrames(
    async (indexes, concurrency) => {
      const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
      try {
        await inPool(indexes, concurrency, async (index) => {
          tokens.set(index, await createGuestRetrying(host, portOf(index), agent, `bench${index}`));
        });
      } finally {
        agent.destroy();
      }
    },
    (index) => {
      const token = tokens.get(index);
      if (token === undefined) throw new Error(`user ${index} has not logged in`);
      return { path: '/ws', headers: { Authorization: `Bearer ${token}` } };
    },
  );
}
