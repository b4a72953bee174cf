/**
 * Detects a dead connection from the client side, as WelcomeFrame.heartbeat
 * describes: after `intervalMs` without any frame the client sends a ping; if
 * still nothing has arrived `timeoutMs` after that, the connection is dead.
 * Checked on a coarse tick so that a busy connection costs one timestamp per frame.
 */
export interface HeartbeatOptions {
  intervalMs: number;
  timeoutMs: number;
}

export class HeartbeatMonitor {
  readonly #options: HeartbeatOptions;
  readonly #sendPing: () => void;
  readonly #onDead: () => void;
  readonly #timer: ReturnType<typeof setInterval>;
  #lastReceived = Date.now();
  #pingSentAt: number | null = null;

  constructor(options: HeartbeatOptions, sendPing: () => void, onDead: () => void) {
    this.#options = { ...options };
    this.#sendPing = sendPing;
    this.#onDead = onDead;
    const tick = Math.max(20, Math.min(options.intervalMs, options.timeoutMs) / 4);
    this.#timer = setInterval(() => this.#check(), tick);
  }

  /** Call for every frame that arrives. */
  received(): void {
    this.#lastReceived = Date.now();
    this.#pingSentAt = null;
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #check(): void {
    const now = Date.now();
    if (this.#pingSentAt !== null) {
      if (now - this.#pingSentAt >= this.#options.timeoutMs) {
        this.stop();
        this.#onDead();
      }
    } else if (now - this.#lastReceived >= this.#options.intervalMs) {
      this.#pingSentAt = now;
      this.#sendPing();
    }
  }
}
