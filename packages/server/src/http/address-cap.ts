/**
 * A cap on the connections one client address holds open at once, so that one
 * machine cannot take every file descriptor of the server (1,100 silent
 * sockets from one address made a server with `ulimit -n 1024` refuse everyone).
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export class AddressCap {
  readonly max: number;
  readonly #open = new Map<string, number>();

  /** `max` 0: no cap (nothing is counted). */
  constructor(max: number) {
    this.max = max;
  }

  /** Counts one more connection of `address`; false, counting nothing, when it already has `max`. */
  tryOpen(address: string): boolean {
    if (this.max === 0) return true;
    const open = this.#open.get(address) ?? 0;
    if (open >= this.max) return false;
    this.#open.set(address, open + 1);
    return true;
  }

  /** One connection counted by `tryOpen` closed. */
  closed(address: string): void {
    if (this.max === 0) return;
    const open = this.#open.get(address) ?? 0;
    if (open <= 1) this.#open.delete(address);
    else this.#open.set(address, open - 1);
  }
}

/**
 * Applies `cap` to every TCP connection `server` accepts, by the peer's address:
 * one past the cap is destroyed at once, before it costs a request parser's
 * time or waits for a timeout (the client sees the connection reset). For a
 * server whose clients all come through a proxy the cap belongs elsewhere
 * (the gateway counts WebSockets by the address the proxy names).
 */
export function capConnectionsByAddress(server: Server, cap: AddressCap, onRefused: () => void): void {
  if (cap.max === 0) return;
  // One listener for every socket, called with it as `this`; the peer address is cached at accept.
  const onClose = function (this: Socket): void {
    cap.closed(this.remoteAddress ?? '');
  };
  server.on('connection', (socket: Socket) => {
    if (!cap.tryOpen(socket.remoteAddress ?? '')) {
      onRefused();
      socket.destroy();
      return;
    }
    socket.on('close', onClose);
  });
}
