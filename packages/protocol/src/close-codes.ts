/**
 * WebSocket close codes Parley uses, and whether a client should reconnect
 * after each. 1xxx codes are the standard ones `ws` and browsers produce;
 * 4xxx are Parley's own. A client that reconnects always resumes every room
 * from its last sequence number, so nothing is lost across any of these.
 */
export const CLOSE = {
  /** Normal closure, e.g. the client said goodbye. */
  normal: 1000,
  /** The peer broke RFC 6455 (an unmasked client frame, reserved bits set, an unknown opcode…). Sent by the WebSocket layer. */
  protocolError: 1002,
  /** Abnormal closure: the TCP connection dropped without a close frame (never sent on the wire). */
  abnormal: 1006,
  /** A text frame was not valid UTF-8. Sent by the server's WebSocket layer. */
  invalidUtf8: 1007,
  /** A frame was larger than the server's maximum frame size. */
  tooLarge: 1009,
  /** Unexpected server error. */
  internalError: 1011,
  /** The server is shutting down or restarting: reconnect (after backoff) and resume. */
  serverRestart: 4000,
  /** The client did not answer heartbeats in time (sent when the peer can still read it; a dead peer just drops). */
  heartbeatTimeout: 4001,
  /** The client read too slowly and its outbound queue passed the limit; reconnect and resume. */
  slowConsumer: 4002,
  /** No `auth` frame arrived in time after an unauthenticated handshake. */
  authTimeout: 4008,
  /** Too many invalid frames in a short time. Reconnect only after backoff. */
  tooManyErrors: 4029,
  /** Reserved: the user may not connect at all (account disabled). Not sent by the current server. */
  forbidden: 4403,
  /** The session ended (logout, expiry) or the credentials are wrong: do not reconnect with them. */
  sessionEnded: 4401,
} as const;

export type CloseCode = (typeof CLOSE)[keyof typeof CLOSE];

const NO_RECONNECT: ReadonlySet<number> = new Set([CLOSE.sessionEnded, CLOSE.forbidden]);

/** Whether a client should reconnect (with backoff) after the connection closed with `code`. */
export function shouldReconnect(code: number): boolean {
  return !NO_RECONNECT.has(code);
}
