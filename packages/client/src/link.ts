/**
 * The client's link to the server across connections: signing in, opening a
 * connection, waiting for its welcome, watching its heartbeat, and after it
 * ends, reconnecting with jittered backoff (at once when the browser comes
 * back online) unless the close code or a refused session says not to.
 *
 * Transport. With `transport: 'auto'` (the default) a connection is a
 * WebSocket until WebSockets fail FALLBACK_AFTER times in a row — no welcome,
 * or cut (1006) within STABLE_MS of it, while plain HTTP reaches the server —
 * then the HTTP fallback (http-connection.ts). Each time a fallback connection
 * ends, the next attempt tries a WebSocket once more: a network that lets
 * WebSockets through again gets them back, one that does not costs one
 * refused attempt per reconnect.
 */
import { CLOSE, ParleyError, shouldReconnect, type ServerFrame, type SessionResponse, type UserSummary, type WelcomeFrame } from '@parley/protocol';
import { backoffDelay } from './backoff.js';
import { AUTH_REF, Connection, type ConnectionEnd, type LinkConnection } from './connection.js';
import { HttpConnection } from './http-connection.js';
import { HeartbeatMonitor } from './heartbeat.js';
import type { ResolvedOptions } from './options.js';
import { me as restMe, signIn, type RestOptions } from './rest-api.js';
import type { ConnectionStatus, Credentials, StatusInfo, Transport } from './types.js';

/** WebSocket failures in a row after which the next attempt uses the HTTP fallback. */
const FALLBACK_AFTER = 2;
/** A WebSocket cut later than this after its welcome is not held against WebSockets. */
const STABLE_MS = 10_000;
/** How long the probe of plain HTTP after a failed WebSocket may take. */
const PROBE_TIMEOUT_MS = 5000;

export interface LinkHandlers {
  status(status: ConnectionStatus, info: StatusInfo): void;
  /** The REST sign-in named the user (before any welcome). */
  signedIn(user: UserSummary): void;
  /** A connection was welcomed: requests may flow. */
  up(welcome: WelcomeFrame): void;
  /** Every frame after the welcome. */
  frame(frame: ServerFrame): void;
  /** The connection that was up (or being opened) is gone; a new one will be tried. */
  down(): void;
  /** The link closed for good: credentials refused or a no-reconnect close code. */
  failed(error: ParleyError): void;
  /** Something went wrong that the link recovers from by itself. */
  trouble(error: unknown): void;
}

type OnlineTarget = { addEventListener?(type: string, fn: () => void): void; removeEventListener?(type: string, fn: () => void): void };

export class Link {
  readonly #options: Readonly<ResolvedOptions>;
  readonly #on: LinkHandlers;
  #status: ConnectionStatus = 'idle';
  #token: string | null;
  /** The options' credentials, until a registration succeeds: from then on, that account's password. */
  #credentials: Credentials;
  #connection: LinkConnection | null = null;
  /** The transport of the current (or last) connection. */
  #transport: Transport = 'websocket';
  /** WebSocket attempts that failed in a row (see the transport note above). */
  #wsFailures = 0;
  /** The count of the last connection's end, while it probes the server (see #countFailures). */
  #counting: Promise<void> | null = null;
  /** When the current connection was welcomed. */
  #welcomedAt = 0;
  #up = false;
  #heartbeat: HeartbeatMonitor | null = null;
  #attempts = 0;
  #refusals = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  #welcomeTimer: ReturnType<typeof setTimeout> | null = null;
  readonly #onOnline = () => {
    if (this.#status !== 'reconnecting') return;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    void this.#tryConnect();
  };

  constructor(options: Readonly<ResolvedOptions>, handlers: LinkHandlers) {
    this.#options = options;
    this.#on = handlers;
    this.#credentials = options.credentials;
    this.#token = options.credentials.kind === 'token' ? options.credentials.token : null;
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  get token(): string | null {
    return this.#token;
  }

  /** The transport of the current connection, or of the last one. */
  get transport(): Transport {
    return this.#transport;
  }

  /** Whether a welcomed connection is open. */
  get up(): boolean {
    return this.#up;
  }

  start(): void {
    if (this.#status !== 'idle') return;
    (globalThis as OnlineTarget).addEventListener?.('online', this.#onOnline);
    void this.#tryConnect();
  }

  /** Writes a frame on the welcomed connection; false when there is none. */
  send(frame: object): boolean {
    return this.#up && this.#connection!.send(frame);
  }

  /** Closes for good (status `closed`); `info` says why. */
  close(info: Omit<StatusInfo, 'attempt'> = {}): void {
    if (this.#status === 'closed') return;
    (globalThis as OnlineTarget).removeEventListener?.('online', this.#onOnline);
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#clearWelcomeTimer();
    this.#heartbeat?.stop();
    const connection = this.#connection;
    this.#connection = null;
    this.#up = false;
    connection?.abandon(CLOSE.normal, 'client closed');
    this.#setStatus('closed', { ...info, attempt: this.#attempts });
  }

  #fail(error: ParleyError, info: Omit<StatusInfo, 'attempt'> = {}): void {
    this.close({ ...info, error });
    this.#on.failed(error);
  }

  /** One connection attempt: sign in if needed, then open the socket. */
  async #tryConnect(): Promise<void> {
    this.#reconnectTimer = null;
    this.#setStatus('connecting', { attempt: this.#attempts });
    const credentials = this.#credentials;
    if (!this.#token && credentials.kind !== 'session' && credentials.kind !== 'token') {
      try {
        const session = await this.#signIn(credentials);
        if (this.#isClosed() || !session) return;
        this.#token = session.token;
        // Signing in again (the session expired or was ended) must log in, not register anew.
        if (credentials.kind === 'register') this.#credentials = { kind: 'password', username: credentials.username, password: credentials.password };
        this.#on.signedIn(session.user);
      } catch (error) {
        if (this.#isClosed()) return;
        if (error instanceof ParleyError && !error.retryable) return this.#fail(error);
        return this.#scheduleReconnect({});
      }
    }
    if (this.#counting) {
      await this.#counting;
      this.#counting = null;
      if (this.#isClosed()) return;
    }
    let connection: LinkConnection;
    const auth = { transport: this.#options.authTransport, token: this.#token };
    const handlers = {
      onFrame: (frame: ServerFrame) => connection === this.#connection && this.#onFrame(connection, frame),
      onEnd: (end: ConnectionEnd) => connection === this.#connection && void this.#onEnd(end),
    };
    this.#transport = this.#nextTransport();
    try {
      connection =
        this.#transport === 'http'
          ? new HttpConnection(this.#options.fetchImpl, this.#options.baseUrl, auth, handlers, this.#options.requestTimeoutMs)
          : new Connection(this.#options.WebSocket, this.#options.wsUrl, auth, handlers);
    } catch (error) {
      // The WebSocket constructor itself refused (a browser's security policy, say): report and retry later.
      this.#on.trouble(error);
      return this.#scheduleReconnect({});
    }
    this.#connection = connection;
    // A handshake can hang (a proxy that accepts and never answers): give up on it and try again.
    this.#welcomeTimer = setTimeout(() => {
      if (connection === this.#connection && !this.#up) connection.abandon(CLOSE.authTimeout, 'no welcome in time');
    }, this.#options.connectTimeoutMs);
  }

  /**
   * Signs in through the REST API. A registration refused with `name_taken` is tried as a login
   * with the same password: the account may be this client's own, registered by an earlier
   * attempt whose answer was lost.
   */
  async #signIn(credentials: Credentials): Promise<SessionResponse | null> {
    const rest = this.#restOptions();
    try {
      return await signIn(rest, credentials);
    } catch (error) {
      if (credentials.kind !== 'register' || !(error instanceof ParleyError) || error.code !== 'name_taken') throw error;
      try {
        return await signIn(rest, { kind: 'password', username: credentials.username, password: credentials.password });
      } catch {
        throw error;
      }
    }
  }

  /** For the REST calls made while connecting, bounded like the rest of a connection attempt. */
  #restOptions(): RestOptions {
    return { baseUrl: this.#options.baseUrl, fetch: this.#options.fetch, timeoutMs: this.#options.connectTimeoutMs };
  }

  #nextTransport(): Transport {
    const chosen = this.#options.transport;
    if (chosen !== 'auto') return chosen;
    return this.#wsFailures >= FALLBACK_AFTER ? 'http' : 'websocket';
  }

  /**
   * Counts WebSocket failures (auto transport) from how a connection ended. A WebSocket that
   * got no welcome, or was cut within STABLE_MS of it, counts only if plain HTTP reaches the
   * server meanwhile: a server that is down or restarting says nothing against WebSockets.
   */
  async #countFailures(end: ConnectionEnd, welcomed: boolean): Promise<void> {
    if (this.#options.transport !== 'auto') return;
    if (this.#transport === 'http') {
      // Back on the fallback after one more failed WebSocket; both failing means the server is away: start over.
      this.#wsFailures = welcomed ? FALLBACK_AFTER - 1 : 0;
      return;
    }
    const failed = !welcomed || (end.code === CLOSE.abnormal && Date.now() - this.#welcomedAt < STABLE_MS);
    if (!failed) this.#wsFailures = 0;
    else if (await this.#httpReachable()) this.#wsFailures++;
  }

  /** Whether the server answers a plain HTTP request (any answer). */
  async #httpReachable(): Promise<boolean> {
    try {
      await restMe({ ...this.#restOptions(), timeoutMs: Math.min(PROBE_TIMEOUT_MS, this.#options.connectTimeoutMs) });
      return true;
    } catch (error) {
      return error instanceof ParleyError && error.code !== 'unavailable';
    }
  }

  #onFrame(connection: LinkConnection, frame: ServerFrame): void {
    this.#heartbeat?.received();
    if (frame.type === 'welcome') {
      this.#clearWelcomeTimer();
      this.#up = true;
      this.#welcomedAt = Date.now();
      this.#attempts = 0;
      this.#refusals = 0;
      this.#heartbeat = new HeartbeatMonitor(
        {
          intervalMs: this.#options.heartbeat.intervalMs ?? frame.heartbeat.intervalMs,
          timeoutMs: this.#options.heartbeat.timeoutMs ?? frame.heartbeat.timeoutMs,
        },
        () => connection.send({ type: 'ping' }),
        () => connection.abandon(CLOSE.heartbeatTimeout, 'no heartbeat from the server'),
      );
      this.#on.up(frame);
      this.#setStatus('open', { attempt: 0, transport: this.#transport });
    } else if (frame.type === 'error' && frame.ref === AUTH_REF && !this.#up) {
      this.#fail(ParleyError.fromBody(frame));
    } else if (this.#up) {
      this.#on.frame(frame);
    }
  }

  async #onEnd(end: ConnectionEnd): Promise<void> {
    const welcomed = this.#up;
    this.#connection = null;
    this.#up = false;
    this.#clearWelcomeTimer();
    this.#heartbeat?.stop();
    this.#heartbeat = null;
    this.#on.down();
    const info: StatusInfo = { attempt: this.#attempts, closeCode: end.code, reason: end.reason, transport: this.#transport };
    // Counted while the backoff runs; the next attempt waits for it (#tryConnect).
    this.#counting = this.#countFailures(end, welcomed);
    if (end.code === CLOSE.sessionEnded && this.#mayTrySigningInAgain()) {
      // The session expired or was ended while connected: a password signs in again.
      this.#token = null;
      return this.#scheduleReconnect(info);
    }
    if (!shouldReconnect(end.code)) {
      const code = end.code === CLOSE.forbidden ? 'forbidden' : 'unauthenticated';
      return this.#fail(new ParleyError(code, end.reason || `Closed by the server (${end.code}).`), info);
    }
    if (!end.opened && (end.unauthorized || (await this.#sessionRefused()))) {
      if (this.#isClosed()) return;
      if (this.#mayTrySigningInAgain()) this.#token = null;
      else return this.#fail(new ParleyError('invalid_credentials', 'The server refused the session.'), info);
    }
    this.#scheduleReconnect(info);
  }

  /**
   * Whether a refused or ended session may be replaced by signing in again: only with a password
   * (a guest would come back as someone else, a token cannot be renewed), once between welcomes.
   */
  #mayTrySigningInAgain(): boolean {
    const { kind } = this.#credentials;
    return (kind === 'password' || kind === 'register') && ++this.#refusals < 2;
  }

  /** Whether a handshake that failed without a visible status was refused for the session (browsers hide the 401). */
  async #sessionRefused(): Promise<boolean> {
    if (this.#options.authTransport !== 'cookie') return false;
    try {
      return (await restMe(this.#restOptions())) === null;
    } catch {
      return false;
    }
  }

  #scheduleReconnect(info: Omit<StatusInfo, 'attempt'>): void {
    if (this.#isClosed()) return;
    const delayMs = backoffDelay(this.#attempts, this.#options.backoff);
    this.#attempts++;
    this.#setStatus('reconnecting', { ...info, attempt: this.#attempts, delayMs });
    this.#reconnectTimer = setTimeout(() => void this.#tryConnect(), delayMs);
  }

  #clearWelcomeTimer(): void {
    if (this.#welcomeTimer) clearTimeout(this.#welcomeTimer);
    this.#welcomeTimer = null;
  }

  /** Re-reads the status after an await (TypeScript keeps the narrowing from before it). */
  #isClosed(): boolean {
    return this.#status === 'closed';
  }

  #setStatus(status: ConnectionStatus, info: StatusInfo): void {
    this.#status = status;
    this.#on.status(status, info);
  }
}
