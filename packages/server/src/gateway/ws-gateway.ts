/**
 * The WebSocket gateway: HTTP upgrade at /ws with Origin and credential
 * checks, heartbeats, and shutdown. Each accepted socket gets a SocketSession
 * (authentication by a first `auth` frame, inbound frame validation).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { CLOSE, ParleyError, WS_PATH, type ErrorCode } from '@parley/protocol';
import type { Accounts, Identity } from '../auth/accounts.js';
import type { Chat } from '../chat/chat.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { FlushScheduler } from './flush-scheduler.js';
import { startExpirySweep } from './expiry-sweep.js';
import { startRevocationSweep } from './revocation-sweep.js';
import type { AddressCap } from '../http/address-cap.js';
import { cameOverTls, clientAddress } from '../http/forwarded.js';
import { credentialsOf, originAllowed } from '../http/handshake.js';
import { Heartbeat } from './heartbeat.js';
import { SocketSession, type SessionHost } from './socket-session.js';
import { WsWire } from './ws-wire.js';
import type { WorkScheduler } from './work-scheduler.js';

/**
 * Why an upgrade is refused: the status line, the error code and a sentence naming the cause,
 * as protocol.md §4.3 lists them.
 */
const REFUSALS = {
  subprotocol: [400, 'Bad Request', 'invalid_frame', 'Parley has no subprotocol: send no Sec-WebSocket-Protocol header.'],
  credentials: [401, 'Unauthorized', 'invalid_credentials', 'Unknown, expired or revoked session, or an invalid token: sign in again.'],
  origin: [403, 'Forbidden', 'forbidden', 'Connections from this origin are not allowed (ALLOWED_ORIGINS).'],
  path: [404, 'Not Found', 'not_found', 'No WebSocket here: connect to /ws.'],
  internal: [500, 'Internal Server Error', 'internal', 'Internal server error; retry.'],
  restarting: [503, 'Service Unavailable', 'unavailable', 'The server is restarting; connect again shortly.'],
  crowded: [503, 'Service Unavailable', 'unavailable', 'Too many connections from your address.'],
} as const satisfies Record<string, readonly [number, string, ErrorCode, string]>;

function reject(socket: Socket, why: keyof typeof REFUSALS): void {
  const [status, text, code, message] = REFUSALS[why];
  const body = JSON.stringify({ error: new ParleyError(code, message).toBody() });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** A socket's error listener until `ws` takes over: one function for every socket, called with it as `this`. */
function destroySocket(this: Socket): void {
  this.destroy();
}

export class WsGateway {
  readonly #wss: WebSocketServer;
  readonly #heartbeat: Heartbeat;
  readonly #stopExpirySweep: () => void;
  readonly #stopRevocationSweep: () => void;
  readonly #host: SessionHost;
  /** Every open socket's session; the listeners below find theirs here (they are called with the socket as `this`). */
  readonly #sessions = new Map<WebSocket, SocketSession>();
  readonly #onMessage: (this: WebSocket, data: RawData, isBinary: boolean) => void;
  readonly #onClose: (this: WebSocket) => void;
  /** With TRUST_PROXY on, the WebSockets counted against the cap, by the client address the proxy named. */
  readonly #byClient = new Map<WebSocket, string>();
  readonly #addressCap: AddressCap;

  constructor(options: { config: Config; accounts: Accounts; chat: Chat; log: Logger; metrics: Metrics; addressCap: AddressCap; work: WorkScheduler }) {
    const { config, log, metrics } = options;
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: config.limits.maxFrameBytes,
      perMessageDeflate: false,
      clientTracking: false,
    });
    this.#heartbeat = new Heartbeat(config.heartbeat, () => metrics.heartbeatTimeouts.inc());
    this.#host = {
      config,
      accounts: options.accounts,
      chat: options.chat,
      log,
      metrics,
      outbound: {
        queueLimitBytes: config.outboundQueueLimitBytes,
        flushes: new FlushScheduler({ maxPauseMs: config.flushMaxPauseMs }),
        onSlowConsumer: (connection) => {
          metrics.slowConsumers.inc();
          log.warn({ user: connection.user.id }, 'closing slow consumer');
        },
      },
      work: options.work,
      connections: new Set(),
      closing: false,
    };
    this.#stopExpirySweep = startExpirySweep(this.#host.connections, (connection) =>
      log.info({ user: connection.user.id }, 'credentials expired: closing connection'),
    );
    this.#stopRevocationSweep = startRevocationSweep(this.#host.connections, options.accounts, (error) => {
      log.error({ err: error }, 'could not read the revoked tokens');
      metrics.backgroundErrors.inc({ where: 'revocation-sweep' });
    });
    const sessions = this.#sessions;
    const heartbeat = this.#heartbeat;
    this.#onMessage = function (this: WebSocket, data: RawData, isBinary: boolean) {
      sessions.get(this)?.onMessage(data, isBinary);
    };
    const byClient = this.#byClient;
    const addressCap = options.addressCap;
    this.#addressCap = addressCap;
    this.#onClose = function (this: WebSocket) {
      const session = sessions.get(this);
      sessions.delete(this);
      const client = byClient.get(this);
      if (client !== undefined) {
        byClient.delete(this);
        addressCap.closed(client);
      }
      heartbeat.untrack(this);
      session?.onClose();
    };
  }

  /** What every session shares: the HTTP fallback's sessions share it too (fallback-gateway.ts). */
  get sessionHost(): SessionHost {
    return this.#host;
  }

  attach(server: Server): void {
    server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
      this.#upgrade(request, socket, head).catch((error: unknown) => {
        this.#host.log.error({ err: error }, 'upgrade failed');
        this.#host.metrics.backgroundErrors.inc({ where: 'upgrade' });
        if (!socket.destroyed) reject(socket, 'internal');
      });
    });
  }

  async #upgrade(request: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    socket.on('error', destroySocket);
    const path = (request.url ?? '').split('?')[0];
    if (path !== WS_PATH) return reject(socket, 'path');
    if (this.#host.closing) return reject(socket, 'restarting');
    // There is no subprotocol: one asked for is refused here rather than failing on the client's side.
    if (request.headers['sec-websocket-protocol'] !== undefined) return reject(socket, 'subprotocol');
    const secure = cameOverTls(request, this.#host.config.trustProxy);
    if (!originAllowed(request.headers, this.#host.config.allowedOrigins, secure)) {
      return reject(socket, 'origin');
    }
    const token = credentialsOf(request.headers);
    let identity: Identity | null = null;
    if (token !== null) {
      identity = await this.#host.accounts.resolve(token);
      if (!identity) return reject(socket, 'credentials');
    }
    if (socket.destroyed) return;
    // Without a trusted proxy every TCP connection was counted when it was accepted (app.ts).
    const client = this.#host.config.trustProxy && this.#addressCap.max > 0 ? clientAddress(request, true) : null;
    if (client !== null && !this.#addressCap.tryOpen(client)) {
      this.#host.metrics.connectionsRefused.inc();
      return reject(socket, 'crowded');
    }
    let accepted = false;
    this.#wss.handleUpgrade(request, socket, head, (ws) => {
      accepted = true;
      if (client !== null) this.#byClient.set(ws, client);
      this.#accept(ws, socket, identity);
    });
    // `ws` accepts synchronously (no verifyClient) or refuses a malformed upgrade (400) without
    // calling back: then the place counted above is free again.
    if (!accepted && client !== null) this.#addressCap.closed(client);
  }

  /** Shared by every socket: a listener per connection would be a closure per connection. */
  readonly #onSocketError = (error: Error): void => this.#host.log.debug({ err: error }, 'websocket error');

  #accept(ws: WebSocket, socket: Socket, identity: Identity | null): void {
    // `ws` has its own error listener on the socket now; ours would be a second one, kept for the socket's life.
    socket.off('error', destroySocket);
    this.#heartbeat.track(ws);
    ws.on('error', this.#onSocketError);
    this.#sessions.set(ws, new SocketSession(this.#host, new WsWire(ws, socket), identity));
    ws.on('message', this.#onMessage);
    ws.on('close', this.#onClose);
  }

  /** Stops accepting; closes every socket with 4000 (reconnect and resume) after flushing what is queued. */
  async close(deadlineMs: number): Promise<void> {
    this.#host.closing = true;
    this.#heartbeat.stop();
    this.#stopExpirySweep();
    this.#stopRevocationSweep();
    // Authenticated connections flush their queued frames (acks included) before the close frame.
    for (const connection of this.#host.connections) connection.close(CLOSE.serverRestart, 'server restart');
    for (const ws of this.#sessions.keys()) if (ws.readyState === ws.OPEN) ws.close(CLOSE.serverRestart, 'server restart');
    const deadline = Date.now() + deadlineMs;
    while (this.#sessions.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const ws of this.#sessions.keys()) ws.terminate();
  }
}
