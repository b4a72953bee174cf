/**
 * The guest lifecycle (protocol §27). A guest has one session, made when they enter; once it ends
 * (logout, expiry after GUEST_SESSION_TTL_HOURS, an admin's sign-out) nobody can ever be that guest
 * again, so the identity is deleted: they leave every room (a `leave` event each, so the lobby's
 * member list does not keep growing with people who cannot come back), their rows go, their
 * messages stay under the name they had. A logout deletes at once; a sweep every
 * GUEST_SWEEP_INTERVAL_MS on every node deletes the others. A guest who wants to stay claims
 * their identity first (POST /api/auth/claim).
 */
import { ParleyError, type UserRef } from '@parley/protocol';
import { SERVER_USER } from '../store/server-user.js';
import { publishEvent, type ChatContext } from './context.js';

/** A guest's session is made right after the guest: one without any session yet is departed only once older than this. */
const GRACE_MS = 60_000;
/** Most guests one sweep deletes; the next sweep goes on. */
const SWEEP_BATCH = 100;

export class GuestLifecycle {
  readonly #ctx: ChatContext;
  readonly #onError: (where: string, error: Error) => void;
  readonly #timer: ReturnType<typeof setInterval>;
  #running: Promise<void> | null = null;

  constructor(ctx: ChatContext, sweepIntervalMs: number, onError: (where: string, error: Error) => void) {
    this.#ctx = ctx;
    this.#onError = onError;
    this.#timer = setInterval(() => void this.sweep(), sweepIntervalMs);
    this.#timer.unref();
  }

  /** Deletes a guest whose session ended; `by` is who ended it (the guest for a logout). */
  async retire(guest: string, by: UserRef, reason: string): Promise<void> {
    try {
      const { events } = await this.#ctx.store.deleteGuest({ actor: by, target: guest, reason });
      for (const event of events) publishEvent(this.#ctx, event);
    } catch (error) {
      // Another node's sweep, or a logout, deleted them first; or they claimed the identity.
      if (error instanceof ParleyError && (error.code === 'user_not_found' || error.code === 'forbidden')) return;
      throw error;
    }
  }

  /** One sweep; one already running is waited for instead. */
  sweep(): Promise<void> {
    this.#running ??= this.#sweep()
      .catch((error: unknown) => this.#onError('guest sweep', error as Error))
      .finally(() => {
        this.#running = null;
      });
    return this.#running;
  }

  async #sweep(): Promise<void> {
    const now = Date.now();
    const ids = await this.#ctx.store.departedGuests({ now, createdBefore: now - GRACE_MS, limit: SWEEP_BATCH });
    for (const id of ids) await this.retire(id, SERVER_USER, 'guest session ended');
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }
}
