/**
 * Token buckets keyed by string (a user id, an account name, an address).
 * `take` either spends one token or tells how long until one is available.
 * Idle buckets are swept so the map does not grow without bound.
 */
export interface BucketRule {
  /** Tokens a full bucket holds: the burst allowed. */
  capacity: number;
  /** Milliseconds to regain one token. */
  refillMs: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  readonly #rule: BucketRule;
  readonly #buckets = new Map<string, Bucket>();
  readonly #enabled: boolean;

  constructor(rule: BucketRule, enabled = true) {
    this.#rule = { ...rule };
    this.#enabled = enabled;
  }

  /** Returns 0 if allowed (a token was spent), else milliseconds until the next token. */
  take(key: string, now = Date.now()): number {
    if (!this.#enabled) return 0;
    const { capacity, refillMs } = this.#rule;
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = { tokens: capacity, updatedAt: now };
      this.#buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.updatedAt) / refillMs);
      bucket.updatedAt = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) * refillMs);
  }

  /** Drops buckets that have refilled completely; call now and then. */
  sweep(now = Date.now()): void {
    const { capacity, refillMs } = this.#rule;
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.updatedAt) / refillMs >= capacity) this.#buckets.delete(key);
    }
  }

  get size(): number {
    return this.#buckets.size;
  }
}

/** The server's limits. Each is per user unless named otherwise. */
export function createRateLimits(enabled: boolean, botRule: BucketRule = { capacity: 10, refillMs: 1000 }) {
  return {
    /** send, edit, delete, react: bursts of 20, then 5 per second. */
    messages: new RateLimiter({ capacity: 20, refillMs: 200 }, enabled),
    /** send, edit, delete, react by a bot, per bot: BOT_MESSAGE_BURST, then BOT_MESSAGES_PER_MINUTE. */
    botMessages: new RateLimiter(botRule, enabled),
    /** typing frames beyond the client-side throttle. */
    typing: new RateLimiter({ capacity: 10, refillMs: 1000 }, enabled),
    /** create room, open DM, invite: 10, then one every 6 s. */
    rooms: new RateLimiter({ capacity: 10, refillMs: 6000 }, enabled),
    /** public rooms over all users of a node (each is announced to everyone online): 30, then one every 2 s. */
    publicRooms: new RateLimiter({ capacity: 30, refillMs: 2000 }, enabled),
    /** join and leave: 20, then one every 3 s (each writes an event to the room's log). */
    membership: new RateLimiter({ capacity: 20, refillMs: 3000 }, enabled),
    /** Moderation requests (role, kick, ban, unban, time-out, room settings, resolving reports) and blocks: 30, then one a second. */
    moderation: new RateLimiter({ capacity: 30, refillMs: 1000 }, enabled),
    /** Reports: 5, then one every 12 s (each reaches every moderator of the room). */
    reports: new RateLimiter({ capacity: 5, refillMs: 12_000 }, enabled),
    /** rename: 5, then one every 30 s (each writes an event to every room the user is in). */
    rename: new RateLimiter({ capacity: 5, refillMs: 30_000 }, enabled),
    /**
     * Login attempts (failed or not) per account name and client address together: 5, then one
     * every 12 s. Keyed by both, so that guessing from elsewhere never locks the owner out.
     */
    login: new RateLimiter({ capacity: 5, refillMs: 12_000 }, enabled),
    /** Login attempts per client address, whatever the account names: 30, then one every 2 s. */
    loginAddress: new RateLimiter({ capacity: 30, refillMs: 2000 }, enabled),
    /** Account and guest creation per client address: 30, then one every 2 s. */
    signup: new RateLimiter({ capacity: 30, refillMs: 2000 }, enabled),
    /**
     * Account and guest creation over all addresses (one key): 120, then 4 a second. Each new user
     * joins the lobby, an event every member online receives: many addresses at 30 each would
     * otherwise flood the lobby and the user table.
     */
    signupAll: new RateLimiter({ capacity: 120, refillMs: 250 }, enabled),
  };
}

export type RateLimits = ReturnType<typeof createRateLimits>;
