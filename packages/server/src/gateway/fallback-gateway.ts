/**
 * The HTTP fallback transport's connections (protocol.md §30): a stream
 * (server-sent events on one long GET) is a connection like a WebSocket — a
 * SocketSession over an SseWire, sharing the WebSocket gateway's host: the
 * same frame validation and error budget, work scheduling, outbound queue and
 * slow-consumer limit, expiry and revocation sweeps, and shutdown. POSTs feed
 * its session; one that reaches another node is relayed (fallback-relay.ts).
 * The HTTP side (origin, credentials, body) is http/fallback-routes.ts.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { CLOSE, FALLBACK_EVENT } from '@parley/protocol';
import type { Identity } from '../auth/accounts.js';
import { SocketSession, type SessionHost } from './socket-session.js';
import { SseWire, SSE_KEEPALIVE, sseEvent } from './sse-wire.js';
import type { FallbackRelay, Forward, Receipt } from './fallback-relay.js';

interface Stream {
  readonly wire: SseWire;
  readonly session: SocketSession;
  readonly user: string;
}

export class FallbackGateway {
  readonly #host: SessionHost;
  readonly #relay: FallbackRelay | null;
  readonly #streams = new Map<string, Stream>();
  readonly #keepalive: NodeJS.Timeout;

  /** `relay`: null on a single node (a POST for a stream that is not here is for no stream). */
  constructor(options: { host: SessionHost; relay: FallbackRelay | null; keepaliveMs: number }) {
    this.#host = options.host;
    this.#relay = options.relay;
    // A comment on every stream: proxies drop idle HTTP responses. The client's heartbeat is the
    // protocol's own `ping`, POSTed, and its `pong`, streamed.
    this.#keepalive = setInterval(() => {
      for (const { wire } of this.#streams.values()) if (wire.writableLength === 0) wire.write(SSE_KEEPALIVE);
    }, options.keepaliveMs);
    this.#keepalive.unref();
  }

  get closing(): boolean {
    return this.#host.closing;
  }

  /**
   * Opens a stream on `res` for an authenticated request: the headers, the `stream` event with
   * its id once POSTs can reach it from any node, then the session's `welcome`. `onClose` runs
   * once when it ends.
   */
  async open(res: ServerResponse, identity: Identity, onClose: () => void): Promise<void> {
    const id = randomBytes(16).toString('base64url');
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store, no-transform',
      // nginx buffers responses unless told not to; a buffered stream would deliver nothing.
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
      // A stream's TCP connection ends with it: kept alive, it would hold a shutdown until its idle timeout.
      connection: 'close',
    });
    // An SSE response's idle time is bounded by the keepalive, not by the HTTP server's idle timeout.
    res.socket?.setTimeout(0);
    res.flushHeaders();
    const wire = new SseWire(res);
    let stream: Stream | null = null;
    let ended = false;
    res.once('close', () => {
      ended = true;
      if (stream) {
        this.#streams.delete(id);
        this.#host.metrics.fallbackStreams.dec();
        this.#relay?.unregister(id);
        stream.session.onClose();
      }
      onClose();
    });
    try {
      if (this.#relay) await this.#relay.register(id, (forward) => this.#take(id, forward));
    } catch (error) {
      // The bus could not subscribe: POSTs reaching other nodes could not find this stream.
      this.#host.log.error({ err: error }, 'could not open a fallback stream');
      this.#relay?.unregister(id);
      wire.close(CLOSE.internalError, 'internal error');
      return;
    }
    if (ended || this.#host.closing) {
      // Gone meanwhile, or the server began to shut down (it closed the connections it had).
      this.#relay?.unregister(id);
      wire.close(CLOSE.serverRestart, 'server restart');
      return;
    }
    res.write(sseEvent(FALLBACK_EVENT.stream, id));
    stream = { wire, session: new SocketSession(this.#host, wire, identity), user: identity.user.id };
    this.#streams.set(id, stream);
    this.#host.metrics.fallbackStreams.inc();
  }

  /**
   * Feeds a POST's frames to their stream, here or on the node that holds it. Null: no answer
   * from the cluster in time (the client reconnects).
   */
  post(streamId: string, forward: Forward): Promise<Receipt | null> {
    if (this.#streams.has(streamId)) return this.#take(streamId, forward);
    if (!this.#relay) return Promise.resolve({ status: 'not_found' });
    return this.#relay.forward(streamId, forward);
  }

  /** Hands frames to the stream's session in order; answers once it reads on (SocketSession pauses past its limit). */
  #take(streamId: string, forward: Forward): Promise<Receipt> {
    const stream = this.#streams.get(streamId);
    if (!stream || !stream.wire.open) return Promise.resolve({ status: 'not_found' });
    if (stream.user !== forward.user) return Promise.resolve({ status: 'forbidden' });
    const maxBytes = this.#host.config.limits.maxFrameBytes;
    let taken = 0;
    for (const text of forward.frames) {
      if (!stream.wire.open) break;
      // As the WebSocket's maxPayload does: a frame over the limit closes the connection (1009).
      if (Buffer.byteLength(text) > maxBytes) {
        stream.session.connection?.close(CLOSE.tooLarge, 'frame too large');
        break;
      }
      stream.session.onMessage(text, false);
      taken++;
    }
    if (taken < forward.frames.length) return Promise.resolve({ status: 'not_found' });
    return new Promise((resolve) =>
      stream.wire.whenReading(() => resolve(stream.wire.open ? { status: 'accepted', accepted: taken } : { status: 'not_found' })),
    );
  }

  /** Stops the keepalive; the streams themselves are closed with every connection of the host (WsGateway.close). */
  close(): void {
    clearInterval(this.#keepalive);
    this.#relay?.close();
  }
}
