/**
 * The WebSocket gateway: HTTP upgrade at /ws with Origin and credential
 * checks, the `auth` first frame for clients that could not authenticate at
 * the handshake, heartbeats, inbound frame validation, and shutdown.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { CLOSE, ParleyError, WS_PATH, parseClientFrame, type ErrorCode } from '@parley/protocol';
import type { Accounts, Identity } from '../auth/accounts.js';
import type { Chat } from '../chat/chat.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { Connection } from './connection.js';
import { FlushScheduler } from './flush-scheduler.js';
import { credentialsOf, originAllowed } from './handshake.js';
import { Heartbeat } from './heartbeat.js';

/** More invalid frames than this within ERROR_WINDOW_MS closes the connection (4029). */
const MAX_ERRORS = 20;
const ERROR_WINDOW_MS = 10_000;

function reject(socket: Socket, status: number, text: string, code: ErrorCode): void {
  const body = JSON.stringify({ error: new ParleyError(code).toBody() });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export class WsGateway {
  readonly #config: Config;
  readonly #accounts: Accounts;
  readonly #chat: Chat;
  readonly #log: Logger;
  readonly #metrics: Metrics;
  readonly #wss: WebSocketServer;
  readonly #heartbeat: Heartbeat;
  readonly #outbound: { queueLimitBytes: number; flushes: FlushScheduler };
  readonly #sockets = new Set<WebSocket>();
  #closing = false;

  readonly #connections = new Set<Connection>();

  constructor(options: { config: Config; accounts: Accounts; chat: Chat; log: Logger; metrics: Metrics }) {
    this.#config = options.config;
    this.#accounts = options.accounts;
    this.#chat = options.chat;
    this.#log = options.log;
    this.#metrics = options.metrics;
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.#config.limits.maxFrameBytes,
      perMessageDeflate: false,
      clientTracking: false,
    });
    this.#outbound = {
      queueLimitBytes: this.#config.outboundQueueLimitBytes,
      flushes: new FlushScheduler({ maxPauseMs: this.#config.flushMaxPauseMs }),
    };
    this.#heartbeat = new Heartbeat(this.#config.heartbeat, () => this.#metrics.heartbeatTimeouts.inc());
  }

  attach(server: Server): void {
    server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
      this.#upgrade(request, socket, head).catch((error: unknown) => {
        this.#log.error({ err: error }, 'upgrade failed');
        this.#metrics.backgroundErrors.inc({ where: 'upgrade' });
        if (!socket.destroyed) reject(socket, 500, 'Internal Server Error', 'internal');
      });
    });
  }

  async #upgrade(request: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const path = (request.url ?? '').split('?')[0];
    if (path !== WS_PATH) return reject(socket, 404, 'Not Found', 'not_found');
    if (this.#closing) return reject(socket, 503, 'Service Unavailable', 'unavailable');
    const secure = request.headers['x-forwarded-proto'] === 'https';
    if (!originAllowed(request.headers, this.#config.allowedOrigins, secure)) {
      return reject(socket, 403, 'Forbidden', 'forbidden');
    }
    const token = credentialsOf(request.headers);
    let identity: Identity | null = null;
    if (token !== null) {
      identity = await this.#accounts.resolve(token);
      if (!identity) return reject(socket, 401, 'Unauthorized', 'invalid_credentials');
    }
    if (socket.destroyed) return;
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#accept(ws, socket, identity));
  }

  /** Shared by every socket: a listener per connection would be a closure per connection. */
  readonly #onSocketError = (error: Error): void => this.#log.debug({ err: error }, 'websocket error');

  #accept(ws: WebSocket, socket: Socket, identity: Identity | null): void {
    this.#sockets.add(ws);
    this.#heartbeat.track(ws);
    ws.on('error', this.#onSocketError);
    let connection: Connection | null = null;
    let authenticating = false;
    let errors: number[] = [];
    let pending: Promise<void> = Promise.resolve();

    const fail = (ref: string | null, error: ParleyError): void => {
      this.#metrics.frameErrors.inc({ code: error.code });
      const now = Date.now();
      errors = errors.filter((t) => now - t < ERROR_WINDOW_MS);
      errors.push(now);
      const frame = { type: 'error' as const, ref, ...error.toBody() };
      if (connection) connection.reply(frame);
      else ws.send(JSON.stringify(frame));
      if (errors.length > MAX_ERRORS) {
        if (connection) connection.close(CLOSE.tooManyErrors, 'too many invalid frames');
        else ws.close(CLOSE.tooManyErrors, 'too many invalid frames');
      }
    };

    const open = (who: Identity): void => {
      const opened = new Connection(ws, socket, who.user, who.sessionHash, this.#outbound);
      opened.onSlowConsumer = () => {
        this.#metrics.slowConsumers.inc();
        this.#log.warn({ user: who.user.id }, 'closing slow consumer');
      };
      connection = opened;
      this.#connections.add(opened);
      pending = this.#chat.open(opened).catch((error: unknown) => {
        this.#log.error({ err: error }, 'could not open connection');
        opened.close(CLOSE.internalError, 'internal error');
      });
    };

    const authTimer = identity
      ? undefined
      : setTimeout(() => ws.close(CLOSE.authTimeout, 'authentication timeout'), this.#config.authTimeoutMs);
    if (identity) open(identity);

    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return fail(null, new ParleyError('invalid_frame', 'Binary frames are not accepted; send JSON text.'));
      const text = Array.isArray(data) ? Buffer.concat(data).toString() : data.toString();
      const parsed = parseClientFrame(text, this.#config.limits.maxJsonDepth);
      if (parsed.error || !parsed.frame) return fail(parsed.ref, parsed.error ?? new ParleyError('invalid_frame'));
      const frame = parsed.frame;
      if (this.#closing) return fail(parsed.ref, new ParleyError('unavailable', 'The server is restarting.'));
      if (!connection) {
        if (authenticating) return fail(parsed.ref, new ParleyError('unauthenticated', 'Wait for the auth frame to be answered.'));
        if (frame.type !== 'auth') return fail(parsed.ref, new ParleyError('unauthenticated', 'Send an auth frame first.'));
        authenticating = true;
        clearTimeout(authTimer);
        void this.#accounts.resolve(frame.token).then(
          (who) => {
            if (ws.readyState !== ws.OPEN) return;
            if (!who) {
              ws.send(JSON.stringify({ type: 'error', ref: frame.ref, ...new ParleyError('invalid_credentials').toBody() }));
              ws.close(CLOSE.sessionEnded, 'invalid credentials');
              return;
            }
            open(who);
            void pending.then(() => connection?.reply({ type: 'ack', ref: frame.ref }));
          },
          (error: unknown) => {
            this.#log.error({ err: error }, 'authentication failed');
            ws.close(CLOSE.internalError, 'internal error');
          },
        );
        return;
      }
      const current = connection;
      // Frames of one connection are handled in arrival order, after `welcome`.
      pending = pending.then(() => this.#chat.handle(current, frame));
    });

    ws.on('close', () => {
      clearTimeout(authTimer);
      this.#sockets.delete(ws);
      this.#heartbeat.untrack(ws);
      if (connection) {
        this.#connections.delete(connection);
        connection.markClosed();
        this.#chat.close(connection);
      }
    });
  }

  /** Stops accepting; closes every socket with 4000 (reconnect and resume) after flushing what is queued. */
  async close(deadlineMs: number): Promise<void> {
    this.#closing = true;
    this.#heartbeat.stop();
    // Authenticated connections flush their queued frames (acks included) before the close frame.
    for (const connection of this.#connections) connection.close(CLOSE.serverRestart, 'server restart');
    for (const ws of this.#sockets) if (ws.readyState === ws.OPEN) ws.close(CLOSE.serverRestart, 'server restart');
    const deadline = Date.now() + deadlineMs;
    while (this.#sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const ws of this.#sockets) ws.terminate();
  }
}
