/**
 * Ends connections whose credentials have expired — a session past its
 * `expiresAt`, a JWT past its `exp` — with 4401, as a logout does: the
 * credentials are checked once, at the handshake or the `auth` frame, and a
 * socket can stay open far longer than they are valid.
 *
 * One pass over the open connections every EXPIRY_SWEEP_MS, a comparison
 * each, rather than a timer per connection (memory per connection); so a
 * connection ends within EXPIRY_SWEEP_MS of its expiry.
 */
import { CLOSE } from '@parley/protocol';
import type { Connection } from './connection.js';

export const EXPIRY_SWEEP_MS = 1000;

/** Starts sweeping `connections` (a live set: it is read at every pass); returns the function that stops it. */
export function startExpirySweep(connections: ReadonlySet<Connection>, onExpired: (connection: Connection) => void): () => void {
  const timer = setInterval(() => {
    const now = Date.now();
    for (const connection of connections) {
      if (connection.expiresAt > now || connection.closed) continue;
      onExpired(connection);
      connection.close(CLOSE.sessionEnded, 'session expired');
    }
  }, EXPIRY_SWEEP_MS);
  timer.unref();
  return () => clearInterval(timer);
}
