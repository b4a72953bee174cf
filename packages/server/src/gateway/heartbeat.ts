/**
 * Server-side liveness: every `intervalMs` each socket gets a WebSocket ping;
 * a socket that has not answered `timeoutMs` after its ping is terminated.
 * Browsers answer pings by themselves; clients detect a dead server with the
 * application-level `ping` frame (see the protocol document).
 *
 * The sockets are spread over SLICES slices pinged one after another, a tick
 * every intervalMs / SLICES: pinging ten thousand sockets at once would be a
 * burst of ten thousand writes, then as many pongs to read, stalling every
 * message fanned out meanwhile. A dead socket is found within
 * timeoutMs + one tick of its ping.
 */
import type { WebSocket } from 'ws';
import { CLOSE } from '@parley/protocol';

const SLICES = 10;

interface State {
  slice: number;
  /** When the unanswered ping was sent; 0 when none is outstanding. */
  pingedAt: number;
}

export class Heartbeat {
  readonly #timeoutMs: number;
  readonly #onTimeout: () => void;
  readonly #sockets = new Map<WebSocket, State>();
  readonly #timer: NodeJS.Timeout;
  /** One pong listener for every socket (an emitter calls it with the socket as `this`): no closure per connection. */
  readonly #onPong: (this: WebSocket) => void;
  #nextSlice = 0;
  #tick = 0;

  constructor(options: { intervalMs: number; timeoutMs: number }, onTimeout: () => void) {
    this.#timeoutMs = options.timeoutMs;
    this.#onTimeout = onTimeout;
    const sockets = this.#sockets;
    this.#onPong = function (this: WebSocket) {
      const state = sockets.get(this);
      if (state) state.pingedAt = 0;
    };
    this.#timer = setInterval(() => this.#onTick(), Math.max(1, Math.round(options.intervalMs / SLICES)));
    this.#timer.unref();
  }

  track(ws: WebSocket): void {
    this.#sockets.set(ws, { slice: this.#nextSlice, pingedAt: 0 });
    this.#nextSlice = (this.#nextSlice + 1) % SLICES;
    ws.on('pong', this.#onPong);
  }

  untrack(ws: WebSocket): void {
    this.#sockets.delete(ws);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #onTick(): void {
    const slice = this.#tick;
    this.#tick = (this.#tick + 1) % SLICES;
    const now = Date.now();
    for (const [ws, state] of this.#sockets) {
      if (state.pingedAt !== 0) {
        if (now - state.pingedAt >= this.#timeoutMs) this.#terminate(ws);
      } else if (state.slice === slice) {
        state.pingedAt = now;
        ws.ping();
      }
    }
  }

  #terminate(ws: WebSocket): void {
    this.#sockets.delete(ws);
    this.#onTimeout();
    // The close frame reaches a peer that is alive but not answering pings; a dead one just drops.
    ws.close(CLOSE.heartbeatTimeout, 'heartbeat timeout');
    ws.terminate();
  }
}
