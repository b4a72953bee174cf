/**
 * One client connection from its opening to its close, whatever its wire (a
 * WebSocket, or an HTTP fallback stream and its POSTs): authentication (at the
 * handshake, or by a first `auth` frame), validation of every inbound frame
 * with its error budget, and the handling of its frames in arrival order.
 *
 * One object per connection, with what the gateways share in `host`: the
 * socket's listeners are the gateway's, shared by every socket (WsGateway finds
 * the session by its socket), so a connection costs no closures of its own.
 */
import type { RawData } from 'ws';
import { AUTH_FRAME_MAX_BYTES, CLOSE, ParleyError, parseClientFrame } from '@parley/protocol';
import type { Accounts, Identity } from '../auth/accounts.js';
import type { Chat } from '../chat/chat.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { Connection, type Outbound } from './connection.js';
import { isExpensive } from './frame-costs.js';
import type { WorkScheduler } from './work-scheduler.js';
import type { Wire } from './wire.js';

/** Frames read but not yet handled past which the socket is not read (see onMessage). */
const MAX_WAITING_FRAMES = 256;

/** More invalid frames than this within ERROR_WINDOW_MS closes the connection (4029). */
const MAX_ERRORS = 20;
const ERROR_WINDOW_MS = 10_000;

const nothing = (): void => undefined;

function byteLength(data: RawData | string): number {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

/** What every session of a gateway shares. */
export interface SessionHost {
  readonly config: Config;
  readonly accounts: Accounts;
  readonly chat: Chat;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly outbound: Outbound;
  /** When each frame may start (work-scheduler.ts). */
  readonly work: WorkScheduler;
  /** Authenticated connections, for shutdown. */
  readonly connections: Set<Connection>;
  /** Set by the gateway when it shuts down: frames are refused from then on. */
  closing: boolean;
}

export class SocketSession {
  readonly #host: SessionHost;
  readonly #wire: Wire;
  #connection: Connection | null = null;
  #authenticating = false;
  /** When the recent invalid frames came; made on the first. */
  #errors: number[] | null = null;
  /** Settles once every frame so far has been handled (and `welcome` sent). */
  #pending: Promise<void> = Promise.resolve();
  /** Settles when the next `send` may start: as #pending, except after a send, once that send's write is queued. */
  #sendGate: Promise<void> = Promise.resolve();
  /** Frames read and not yet handled. */
  #waiting = 0;
  #authTimer: NodeJS.Timeout | undefined;

  /** `identity` is who authenticated at the handshake; null: the first frame must be `auth`. */
  constructor(host: SessionHost, wire: Wire, identity: Identity | null) {
    this.#host = host;
    this.#wire = wire;
    if (identity) this.#open(identity);
    else this.#authTimer = setTimeout(() => wire.close(CLOSE.authTimeout, 'authentication timeout'), host.config.authTimeoutMs);
  }

  /** The connection, once authenticated. */
  get connection(): Connection | null {
    return this.#connection;
  }

  onMessage(data: RawData | string, isBinary: boolean): void {
    const host = this.#host;
    if (this.#connection === null && byteLength(data) > AUTH_FRAME_MAX_BYTES) {
      // Before authentication only an `auth` frame makes sense: a larger frame is not parsed.
      this.#wire.close(CLOSE.tooLarge, 'frame too large before authentication');
      return;
    }
    if (isBinary) return this.#fail(null, new ParleyError('invalid_frame', 'Binary frames are not accepted; send JSON text.'));
    const text = typeof data === 'string' ? data : Array.isArray(data) ? Buffer.concat(data).toString() : data.toString();
    const parsed = parseClientFrame(text, host.config.limits.maxJsonDepth);
    if (parsed.error || !parsed.frame) return this.#fail(parsed.ref, parsed.error ?? new ParleyError('invalid_frame'));
    const frame = parsed.frame;
    if (host.closing) return this.#fail(parsed.ref, new ParleyError('unavailable', 'The server is restarting.'));
    const connection = this.#connection;
    if (!connection) {
      if (this.#authenticating) return this.#fail(parsed.ref, new ParleyError('unauthenticated', 'Wait for the auth frame to be answered.'));
      if (frame.type !== 'auth') return this.#fail(parsed.ref, new ParleyError('unauthenticated', 'Send an auth frame first.'));
      this.#authenticate(frame.token, frame.ref);
      return;
    }
    // A connection the server has closed (logout, expiry, too many errors) acts no more, though
    // `ws` keeps reading until the peer answers the close frame.
    if (connection.closed) return;
    // Reading stops while too many frames wait (it resumes as they are handled): a client that
    // pipelines faster than its frames run cannot pile up work and memory without bound.
    if (++this.#waiting === MAX_WAITING_FRAMES) this.#wire.pause();
    const earlier = this.#pending;
    const handle = (queued?: () => void): Promise<void> | undefined =>
      connection.closed ? undefined : host.chat.handle(connection, frame, queued, earlier);
    const expensive = isExpensive(frame.type);
    // Frames of one connection are handled in arrival order, after `welcome`, each once the one
    // before is done — but a send after a send starts as soon as the earlier one's write is queued:
    // the store commits writes in call order, and a burst of sends shares commits instead of
    // waiting for one each. Any other frame waits for every send before it to be done. When each
    // may start, within that order, the work scheduler says: it shares the loop between connections.
    let done: Promise<void>;
    if (frame.type === 'send') {
      let queued!: () => void;
      const isQueued = new Promise<void>((resolve) => (queued = resolve));
      done = this.#sendGate.then(() => host.work.run(connection, false, handle, queued));
      this.#sendGate = Promise.race([isQueued, done]);
      this.#pending = Promise.all([this.#pending, done]).then(nothing);
    } else {
      done = this.#pending.then(() => host.work.run(connection, expensive, handle));
      this.#pending = done;
      this.#sendGate = this.#pending;
    }
    // A closure per frame, not a bound field per socket: idle sockets are most of them.
    const handled = (): void => this.#frameHandled();
    void done.then(handled, handled);
  }

  #frameHandled(): void {
    if (this.#waiting-- === MAX_WAITING_FRAMES) this.#wire.resume();
  }

  onClose(): void {
    clearTimeout(this.#authTimer);
    const connection = this.#connection;
    if (connection) {
      this.#host.connections.delete(connection);
      connection.markClosed();
      this.#host.chat.close(connection);
    }
  }

  #authenticate(token: string, ref: string): void {
    const wire = this.#wire;
    this.#authenticating = true;
    clearTimeout(this.#authTimer);
    void this.#host.accounts.resolve(token).then(
      (who) => {
        if (!wire.open) return;
        if (!who) {
          wire.sendText(JSON.stringify({ type: 'error', ref, ...new ParleyError('invalid_credentials').toBody() }));
          wire.close(CLOSE.sessionEnded, 'invalid credentials');
          return;
        }
        this.#open(who);
        void this.#pending.then(() => this.#connection?.reply({ type: 'ack', ref }));
      },
      (error: unknown) => {
        this.#host.log.error({ err: error }, 'authentication failed');
        wire.close(CLOSE.internalError, 'internal error');
      },
    );
  }

  #open(who: Identity): void {
    const host = this.#host;
    const opened = new Connection(this.#wire, who, host.outbound);
    this.#connection = opened;
    host.connections.add(opened);
    this.#pending = host.chat.open(opened).catch((error: unknown) => {
      host.log.error({ err: error }, 'could not open connection');
      opened.close(CLOSE.internalError, 'internal error');
    });
    this.#sendGate = this.#pending;
  }

  #fail(ref: string | null, error: ParleyError): void {
    this.#host.metrics.frameErrors.inc({ code: error.code });
    const now = Date.now();
    const errors = (this.#errors ?? []).filter((t) => now - t < ERROR_WINDOW_MS);
    errors.push(now);
    this.#errors = errors;
    const frame = { type: 'error' as const, ref, ...error.toBody() };
    const connection = this.#connection;
    if (connection) connection.reply(frame);
    else this.#wire.sendText(JSON.stringify(frame));
    if (errors.length > MAX_ERRORS) {
      if (connection) connection.close(CLOSE.tooManyErrors, 'too many invalid frames');
      else this.#wire.close(CLOSE.tooManyErrors, 'too many invalid frames');
    }
  }
}
