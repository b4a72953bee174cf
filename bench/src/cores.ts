/**
 * Which core the server and which the generator get by default. The server's
 * disk writes (SQLite's commits and checkpoints) complete through the disk's
 * interrupts, handled on whichever core the machine routes them to; if that is
 * the generator's core, the server's disk work is done there and delays the
 * generator, which does no device I/O of its own (loopback traffic raises no
 * interrupts). So the server gets the core that has taken the most device
 * interrupts, the generator the one that has taken the fewest. On the VM these
 * benchmarks were written on, every interrupt of the virtual disk went to core 1.
 */
import { readFileSync } from 'node:fs';

export interface CoreChoice {
  server: number;
  generator: number;
  /** Why: for the summary. */
  reason: string;
}

const FALLBACK: CoreChoice = { server: 0, generator: 1, reason: 'cores 0 and 1 (no device interrupts to go by)' };

/** Interrupts of numbered IRQs (devices) per CPU, from the text of /proc/interrupts; [] if unreadable. */
export function deviceInterruptsPerCore(procInterrupts: string): number[] {
  const [header, ...rows] = procInterrupts.split('\n');
  const cpus = (header ?? '').trim().split(/\s+/).filter((name) => /^CPU\d+$/.test(name)).length;
  const totals = new Array<number>(cpus).fill(0);
  for (const row of rows) {
    const fields = row.trim().split(/\s+/);
    if (!/^\d+:$/.test(fields[0] ?? '')) continue; // LOC, RES, …: the kernel's own
    for (let cpu = 0; cpu < cpus; cpu++) totals[cpu]! += Number(fields[cpu + 1]) || 0;
  }
  return totals;
}

/** Picks the cores from per-CPU device interrupt counts; falls back to 0 and 1 when they say nothing. */
export function chooseCores(interrupts: readonly number[]): CoreChoice {
  if (interrupts.length < 2) return FALLBACK;
  const byCount = interrupts.map((count, cpu) => ({ count, cpu })).sort((a, b) => b.count - a.count || a.cpu - b.cpu);
  const most = byCount[0]!;
  const fewest = byCount[byCount.length - 1]!;
  if (most.count === fewest.count) return FALLBACK;
  return { server: most.cpu, generator: fewest.cpu, reason: `the server on the core that takes the device interrupts (${most.count.toLocaleString('en-US')} against ${fewest.count.toLocaleString('en-US')})` };
}

export function defaultCores(): CoreChoice {
  try {
    return chooseCores(deviceInterruptsPerCore(readFileSync('/proc/interrupts', 'utf8')));
  } catch {
    return FALLBACK;
  }
}
