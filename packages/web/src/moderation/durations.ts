/** The durations offered for time-outs and bans, and for deleting a banned person's recent messages. */
export const TIMEOUT_DURATIONS = [60_000, 300_000, 600_000, 3_600_000, 86_400_000, 604_800_000] as const;
export const BAN_DURATIONS = [3_600_000, 86_400_000, 604_800_000] as const;
export const PURGE_WINDOWS = [3_600_000, 86_400_000, 604_800_000] as const;
export const SLOW_MODE_SECONDS = [0, 5, 10, 30, 60, 300, 900, 3600] as const;
