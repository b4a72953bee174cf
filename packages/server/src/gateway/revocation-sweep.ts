/**
 * Closes the open connections whose JWT was revoked (auth/token-revocations.ts)
 * with 4401, as a logout does: every REVOCATION_SWEEP_MS, the revocations of
 * the last REVOCATION_LOOKBACK_MS are read and matched against this node's
 * connections that came with a JWT. One read per sweep, whatever the number
 * of connections.
 */
import { CLOSE } from '@parley/protocol';
import { REVOCATION_LOOKBACK_MS, REVOCATION_SWEEP_MS, revokes } from '../auth/token-revocations.js';
import type { TokenRevocation } from '../store/store.js';
import type { Connection } from './connection.js';

export interface RevocationSource {
  revocationsSince(createdAfter: number): Promise<TokenRevocation[]>;
}

/** Starts sweeping `connections` (a live set); returns the function that stops it. */
export function startRevocationSweep(connections: ReadonlySet<Connection>, source: RevocationSource, onError: (error: Error) => void): () => void {
  let running = false;
  const anyJwt = (): boolean => {
    for (const connection of connections) if (connection.jwt !== null) return true;
    return false;
  };
  const timer = setInterval(() => {
    if (running || !anyJwt()) return;
    running = true;
    source
      .revocationsSince(Date.now() - REVOCATION_LOOKBACK_MS)
      .then((revocations) => {
        if (revocations.length === 0) return;
        for (const connection of connections) {
          const jwt = connection.jwt;
          if (jwt === null || connection.closed) continue;
          if (revocations.some((revocation) => revokes(revocation, jwt))) connection.close(CLOSE.sessionEnded, 'token revoked');
        }
      }, onError)
      .finally(() => {
        running = false;
      });
  }, REVOCATION_SWEEP_MS);
  timer.unref();
  return () => clearInterval(timer);
}
