/**
 * Errors the SDK makes itself. Each is a ParleyError with a protocol code, so
 * an application handles every failed request the same way (`code`, `retryable`).
 */
import { ParleyError } from '@parley/protocol';

/** `send` while the outbox already holds `limit` messages. Retryable once the connection is back. */
export class OutboxFullError extends ParleyError {
  constructor(limit: number) {
    super('unavailable', `The outbox is full (${limit} messages wait for the connection); try again once connected.`);
    this.name = 'OutboxFullError';
  }
}

/** The request could not complete because the client was closed. */
export class ClientClosedError extends ParleyError {
  constructor() {
    super('unavailable', 'The client was closed.');
    this.name = 'ClientClosedError';
  }
}

/** The connection dropped before the server answered, or no connection came back within the request timeout. */
export class ConnectionLostError extends ParleyError {
  constructor(message = 'The connection dropped before the server answered; the request may or may not have been applied.') {
    super('unavailable', message);
    this.name = 'ConnectionLostError';
  }
}
