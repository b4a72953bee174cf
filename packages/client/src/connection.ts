/**
 * One WebSocket connection: opening it with the chosen auth transport, reading
 * server frames, and reporting its end exactly once. A connection that is
 * abandoned (dead heartbeat, client closing) reports its end at once rather
 * than waiting for a closing handshake that may never complete.
 */
import type { ServerFrame } from '@parley/protocol';
import type { AuthTransport, WebSocketConstructor, WebSocketLike } from './types.js';

export interface ConnectionEnd {
  code: number;
  reason: string;
  /** Whether the socket ever opened (false: the handshake failed or was refused). */
  opened: boolean;
  /** The handshake was refused with HTTP 401 (visible with `ws` only; browsers hide the status). */
  unauthorized: boolean;
}

/** What the link needs of a connection, whatever its transport (this WebSocket one, or http-connection.ts). */
export interface LinkConnection {
  readonly isOpen: boolean;
  /** Writes one frame; false when the connection is not open. */
  send(frame: object): boolean;
  /** Drops the connection and reports its end now, with `code`. */
  abandon(code: number, reason: string): void;
}

export interface ConnectionHandlers {
  onFrame(frame: ServerFrame): void;
  onEnd(end: ConnectionEnd): void;
}

const OPEN = 1;
/** Ref of the `auth` frame; the server's error for a bad token carries it. */
export const AUTH_REF = 'auth';

export class Connection implements LinkConnection {
  readonly #socket: WebSocketLike;
  readonly #handlers: ConnectionHandlers;
  #opened = false;
  #ended = false;
  #unauthorized = false;

  constructor(
    WebSocketImpl: WebSocketConstructor,
    url: string,
    auth: { transport: AuthTransport; token: string | null },
    handlers: ConnectionHandlers,
  ) {
    this.#handlers = handlers;
    const useHeader = auth.transport === 'header' && auth.token;
    this.#socket = useHeader ? new WebSocketImpl(url, { headers: { authorization: `Bearer ${auth.token}` } }) : new WebSocketImpl(url);
    this.#socket.onopen = () => {
      this.#opened = true;
      if (auth.transport === 'frame' && auth.token) this.send({ type: 'auth', ref: AUTH_REF, token: auth.token });
    };
    this.#socket.onmessage = (event: { data: unknown }) => this.#receive(event.data);
    this.#socket.onerror = (event: { message?: unknown }) => {
      // `ws` names the refused handshake's status in the error; browsers do not (see #sessionRefused in link.ts).
      if (/Unexpected server response: 401\b/.test(String(event.message ?? ''))) this.#unauthorized = true;
    };
    this.#socket.onclose = (event: { code: number; reason: string }) => this.#end(event.code, event.reason);
  }

  get isOpen(): boolean {
    return !this.#ended && this.#socket.readyState === OPEN;
  }

  /** Writes one frame; false when the socket is not open. */
  send(frame: object): boolean {
    if (!this.isOpen) return false;
    this.#socket.send(JSON.stringify(frame));
    return true;
  }

  /** Closes the socket and reports the end now, with `code`. */
  abandon(code: number, reason: string): void {
    if (this.#ended) return;
    const socket = this.#socket as WebSocketLike & { terminate?: () => void };
    try {
      // `ws` can drop the TCP connection at once; a browser socket closes with a handshake in the background.
      if (typeof socket.terminate === 'function') socket.terminate();
      else socket.close(code, reason);
    } catch {
      // Closing a socket that is still connecting throws in some implementations; it is being dropped either way.
    }
    this.#end(code, reason);
  }

  #receive(data: unknown): void {
    if (this.#ended) return;
    if (typeof data !== 'string' && !(data instanceof ArrayBuffer) && !ArrayBuffer.isView(data)) return;
    const text = typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer);
    let frame: ServerFrame;
    try {
      frame = JSON.parse(text) as ServerFrame;
    } catch {
      return;
    }
    if (typeof frame !== 'object' || frame === null || typeof frame.type !== 'string') return;
    this.#handlers.onFrame(frame);
  }

  #end(code: number, reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#socket.onopen = this.#socket.onmessage = this.#socket.onclose = null;
    // `ws` throws an 'error' event that has no listener; a dropped socket may still emit one.
    this.#socket.onerror = () => {};
    this.#handlers.onEnd({ code, reason, opened: this.#opened, unauthorized: this.#unauthorized });
  }
}
