/**
 * Server-side liveness: every `intervalMs` each socket gets a WebSocket ping;
 * a socket that has not answered `timeoutMs` after its ping is terminated.
 * Browsers answer pings by themselves; clients detect a dead server with the
 * application-level `ping` frame (see the protocol document).
 */
import type { WebSocket } from 'ws';
import { CLOSE } from '@parley/protocol';

interface State {
  /** When the unanswered ping was sent; 0 when none is outstanding. */
  pingedAt: number;
}

export class Heartbeat {
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #onTimeout: () => void;
  readonly #sockets = new Map<WebSocket, State>();
  #pingTimer: NodeJS.Timeout;
  #checkTimer: NodeJS.Timeout | undefined;

  constructor(options: { intervalMs: number; timeoutMs: number }, onTimeout: () => void) {
    this.#intervalMs = options.intervalMs;
    this.#timeoutMs = options.timeoutMs;
    this.#onTimeout = onTimeout;
    this.#pingTimer = setInterval(() => this.#pingAll(), this.#intervalMs);
    this.#pingTimer.unref();
  }

  track(ws: WebSocket): void {
    const state: State = { pingedAt: 0 };
    this.#sockets.set(ws, state);
    ws.on('pong', () => {
      state.pingedAt = 0;
    });
  }

  untrack(ws: WebSocket): void {
    this.#sockets.delete(ws);
  }

  stop(): void {
    clearInterval(this.#pingTimer);
    if (this.#checkTimer) clearTimeout(this.#checkTimer);
  }

  #pingAll(): void {
    const now = Date.now();
    for (const [ws, state] of this.#sockets) {
      if (state.pingedAt !== 0) continue; // still waiting; the check decides
      state.pingedAt = now;
      ws.ping();
    }
    if (!this.#checkTimer) {
      this.#checkTimer = setTimeout(() => this.#check(), this.#timeoutMs);
      this.#checkTimer.unref();
    }
  }

  #check(): void {
    this.#checkTimer = undefined;
    const now = Date.now();
    let waiting = false;
    for (const [ws, state] of this.#sockets) {
      if (state.pingedAt === 0) continue;
      if (now - state.pingedAt >= this.#timeoutMs) {
        this.#sockets.delete(ws);
        this.#onTimeout();
        // The close frame reaches a peer that is alive but not answering pings; a dead one just drops.
        ws.close(CLOSE.heartbeatTimeout, 'heartbeat timeout');
        ws.terminate();
      } else {
        waiting = true;
      }
    }
    if (waiting) {
      this.#checkTimer = setTimeout(() => this.#check(), this.#timeoutMs);
      this.#checkTimer.unref();
    }
  }
}
