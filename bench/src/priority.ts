/**
 * `--nice`: the processes a run measures but did not start (the run's
 * PostgreSQL backends, redis-server) raised to the run's priority while it
 * lasts, and put back as they were afterwards. setpriority(2) on a pid sets
 * that thread alone: a backend is single-threaded; for redis-server it is the
 * main thread, the one that serves commands.
 */
import { getPriority, setPriority } from 'node:os';

export class Priorities {
  readonly #original = new Map<number, number>();

  constructor(private readonly nice: number | null) {}

  /** Sets `pids` not yet set to the run's nice value, remembering what each had. */
  raise(pids: readonly number[]): void {
    if (this.nice === null) return;
    for (const pid of pids) {
      if (this.#original.has(pid)) continue;
      try {
        const before = getPriority(pid);
        setPriority(pid, this.nice);
        this.#original.set(pid, before);
      } catch {
        // Exited meanwhile.
      }
    }
  }

  /** Puts every process raised back at its own priority (those that still exist). */
  restore(): void {
    for (const [pid, before] of this.#original) {
      try {
        setPriority(pid, before);
      } catch {
        // Exited (a backend of a dropped database).
      }
    }
    this.#original.clear();
  }
}
