/**
 * Closes every connection of a user, on every node: a disabled account's
 * connections close with 4403 wherever they are. Each node subscribes to one
 * control topic at start; a close is published there and each node closes its
 * own peers of that user (hub.peersOf). Like any bus payload it is a hint: a
 * node that misses it finds the user's sessions revoked when it reconciles
 * after the interruption (chat/lifecycle.ts), and a disabled user's credentials
 * are refused at their next connection (auth/accounts.ts).
 */
import type { Bus } from '../bus/bus.js';
import type { Hub } from '../hub/hub.js';

export const CONTROL_TOPIC = 'control:close-user';

interface CloseUser {
  user: string;
  code: number;
  reason: string;
}

export class UserCloser {
  readonly #bus: Bus;
  readonly #hub: Hub;

  constructor(bus: Bus, hub: Hub) {
    this.#bus = bus;
    this.#hub = hub;
  }

  /** Subscribes this node to the control topic; call once the bus has started. */
  start(): Promise<void> {
    return this.#bus.subscribe(CONTROL_TOPIC);
  }

  /** Closes the user's connections on every node (this one included). */
  close(userId: string, code: number, reason: string): void {
    this.#bus.publish(CONTROL_TOPIC, JSON.stringify({ user: userId, code, reason } satisfies CloseUser));
  }

  /** A payload of the control topic. */
  received(payload: string): void {
    let message: Partial<CloseUser>;
    try {
      message = JSON.parse(payload) as Partial<CloseUser>;
    } catch {
      return;
    }
    if (typeof message.user !== 'string' || typeof message.code !== 'number' || typeof message.reason !== 'string') return;
    for (const peer of this.#hub.peersOf(message.user)) peer.close(message.code, message.reason);
  }
}
