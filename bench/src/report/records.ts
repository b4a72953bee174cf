/** The JSON a benchmark run writes: environment, options and one record per (round, scenario, target). */
import type { GeneratorOutcome } from '../generator/job.js';
import type { BenchOptions, ScenarioId } from '../options.js';
import type { TargetName } from '../targets.js';
import type { ProfileSummary } from './cpu-profile.js';
import type { Environment } from './machine.js';

/** Other processes using more than this many cores during a window make its figures suspect. */
export const INTERFERENCE_LIMIT = 0.05;

/** Steal above this many cores during a window makes its figures suspect (a VM whose host is oversubscribed). */
export const STEAL_LIMIT = 0.05;

/** Redis's command counters over one load phase (warm-up and window), every client's: `info` (ours) left out. */
export interface RedisCounts {
  /** PUBLISH and SPUBLISH calls. */
  publishes: number;
  commands: number;
  /** The commands called most, with their calls. */
  byCommand: Record<string, number>;
}

export interface RunRecord {
  round: number;
  scenario: ScenarioId;
  title: string;
  target: TargetName;
  ok: boolean;
  error?: string;
  outcome?: GeneratorOutcome;
  server: { warnings: string[]; logLines: number; exit: number | string | null };
  profile?: ProfileSummary;
  /** The load generator's own profile, same windows (to show it is not the bottleneck, or where it is). */
  generatorProfile?: ProfileSummary;
  /** Cores' worth of CPU other processes used during each load phase, warm-up and measured window (0.1 = a tenth of a core). */
  interference: number[];
  /** Cores' worth of CPU the VM's host took from the machine (steal) during each load phase; absent in older results. */
  steal?: number[];
  /** Busy share of the server's and the generator's core just before the run, while nothing of ours ran. */
  background: { serverCore: number; generatorCore: number } | null;
  elapsedMs: number;
  /** Targets on Redis: its counters per load phase. */
  redis?: RedisCounts[];
  /** Targets on PostgreSQL, profiling: what the run's backends were doing, sampled from pg_stat_activity over the load phase. */
  postgresWaits?: Array<{ state: string; backends: number; share: number }>;
}

export interface BenchResults extends Environment {
  startedAt: string;
  finishedAt: string | null;
  options: BenchOptions;
  /** How expected deliveries are counted, the same on every target. */
  counting: string;
  /** Targets selected but not run, and why (a service they need could not be reached). */
  skipped?: Array<{ target: TargetName; reason: string }>;
  runs: RunRecord[];
}
