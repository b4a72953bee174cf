/**
 * Reconnect delays: exponential backoff with full jitter (a uniformly random
 * delay between 0 and min(max, min * 2^attempt)), so that clients dropped
 * together by a restart do not come back together.
 */
export interface BackoffOptions {
  minDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { minDelayMs: 500, maxDelayMs: 20_000 };

/** Delay before reconnect attempt number `attempt` (0 for the first retry). `random` returns [0, 1). */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.minDelayMs * 2 ** Math.min(attempt, 30));
  return Math.round(random() * ceiling);
}
