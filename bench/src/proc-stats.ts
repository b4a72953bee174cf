/**
 * CPU time and resident memory of another process, read from Linux /proc.
 * CPU covers every thread of the process (V8's GC and compiler threads too).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/**
 * Read when the module loads: asking `getconf` blocks for a process start
 * (≈9 ms), which the generator once did on its first reading — as the
 * measured window opened, delaying everything queued behind it.
 */
const TICKS_PER_SECOND = clockTicks();

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** User plus system CPU time of `pid` so far, in microseconds (resolution: one clock tick, usually 10 ms). */
export function processCpuMicros(pid: number): number {
  return statCpuMicros(`/proc/${pid}/stat`);
}

/**
 * The same for the process's main thread only (the JavaScript event loop and
 * the system calls it makes); the rest of processCpuMicros is other threads:
 * V8's GC and compiler helpers, libuv's pool, worker threads.
 */
export function mainThreadCpuMicros(pid: number): number {
  return statCpuMicros(`/proc/${pid}/task/${pid}/stat`);
}

function statCpuMicros(path: string): number {
  const stat = readFileSync(path, 'latin1');
  // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1e6) / TICKS_PER_SECOND;
}

/** Resident set size of `pid`, in bytes. */
export function processRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const kib = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kib) * 1024;
}

/**
 * A line of /proc/stat (`cpu` for all cores together, `cpuN` for one) so far, in microseconds:
 * busy (user, nice, system, irq, softirq; not idle, iowait or steal) and steal (time the VM's
 * host took). With the server alone on its core, busy includes the kernel's softirq work for
 * the loopback packets the server sends, which /proc/<pid>/stat does not charge to the process.
 */
function cpuTimes(name: string): { busy: number; steal: number } {
  const line = new RegExp(`^${name} (.*)$`, 'm').exec(readFileSync('/proc/stat', 'latin1'))?.[1];
  if (line === undefined) throw new Error(`no ${name} in /proc/stat`);
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  const micros = (ticks: number) => (ticks * 1e6) / TICKS_PER_SECOND;
  return { busy: micros(user! + nice! + system! + irq! + softirq!), steal: micros(steal ?? 0) };
}

/** Busy time of one core so far (see cpuTimes), in microseconds. */
export function coreBusyMicros(core: number): number {
  return cpuTimes(`cpu${core}`).busy;
}

/** Busy share of each core over `ms` milliseconds (whatever runs there: other processes, softirq). */
export async function coresBusy(cores: readonly number[], ms: number): Promise<number[]> {
  const before = cores.map(coreBusyMicros);
  await new Promise((resolve) => setTimeout(resolve, ms));
  return cores.map((core, i) => (coreBusyMicros(core) - before[i]!) / 1000 / ms);
}

/**
 * CPU used so far by every user-space process except `exclude`, per pid: own
 * time plus that of reaped children, so a test runner's short-lived children
 * count too. Kernel threads are left out (ksoftirqd mostly does our own
 * network work).
 */
function otherProcessesCpu(exclude: ReadonlySet<number>): Map<number, number> {
  const result = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || exclude.has(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    } catch {
      continue; // exited meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    if (pid === 2 || ppid === 2) continue;
    const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    result.set(pid, (ticks * 1e6) / TICKS_PER_SECOND);
  }
  return result;
}

/**
 * How much CPU processes other than `ours` used over an interval, in cores.
 * Two estimates, both too high in their own way, and the smaller is taken:
 * the other processes' time including reaped children (a child reaped now
 * brings all its earlier time along), and the machine's busy time minus our
 * processes' (which still holds our softirq work).
 */
export class InterferenceMeter {
  private readonly startedAt = performance.now();
  private readonly others: Map<number, number>;
  private readonly machine = cpuTimes('cpu');
  private readonly own: number;

  constructor(private readonly ours: ReadonlySet<number>) {
    this.others = otherProcessesCpu(ours);
    this.own = this.ownCpu();
  }

  /** Cores' worth of other processes' CPU since construction. */
  cores(): number {
    const wallMicros = (performance.now() - this.startedAt) * 1000;
    let others = 0;
    for (const [pid, micros] of otherProcessesCpu(this.ours)) others += Math.max(0, micros - (this.others.get(pid) ?? 0));
    const unexplained = cpuTimes('cpu').busy - this.machine.busy - (this.ownCpu() - this.own);
    return Math.max(0, Math.min(others, unexplained)) / wallMicros;
  }

  /** Cores' worth of time the VM's host took from this machine (steal) since construction. */
  stolen(): number {
    return (cpuTimes('cpu').steal - this.machine.steal) / ((performance.now() - this.startedAt) * 1000);
  }

  private ownCpu(): number {
    let total = 0;
    for (const pid of this.ours) {
      try {
        total += processCpuMicros(pid);
      } catch {
        // exited
      }
    }
    return total;
  }
}

/** Which processes a companion of the servers is: the backends serving one PostgreSQL database, or every process of one command (redis-server). */
export type ProcessMatch = { postgresDatabase: string } | { command: string };

function readOr(path: string): string | null {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return null; // exited meanwhile, or not ours to read
  }
}

/**
 * A PostgreSQL backend's title (update_process_title, on by default) is
 * `postgres: [cluster: ]user database host(port) state`.
 */
export function isBackendOf(cmdline: string, database: string): boolean {
  const title = cmdline.replaceAll('\0', ' ').trim();
  if (!title.startsWith('postgres: ')) return false;
  const words = title.slice('postgres: '.length).split(/\s+/);
  const start = words[0]?.endsWith(':') ? 1 : 0;
  return words[start + 1] === database;
}

/** PostgreSQL's own processes (checkpointer, WAL writer, …): they work for every database, ours included. */
export function isPostgresAuxiliary(cmdline: string): boolean {
  const title = cmdline.replaceAll('\0', ' ').trim();
  return /^postgres: (?:\S+: )?(?:checkpointer|background writer|walwriter|autovacuum launcher|autovacuum worker|logical replication launcher|stats collector|archiver)\b/.test(title);
}

/** Every PostgreSQL auxiliary process now (see isPostgresAuxiliary). */
export function postgresAuxiliaryPids(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const cmdline = readOr(`/proc/${pid}/cmdline`);
    if (cmdline !== null && isPostgresAuxiliary(cmdline)) pids.push(pid);
  }
  return pids;
}

/** The pids that `match` names now. */
export function matchingPids(match: ProcessMatch): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    if ('command' in match) {
      if (readOr(`/proc/${pid}/comm`)?.trim() === match.command) pids.push(pid);
    } else {
      const cmdline = readOr(`/proc/${pid}/cmdline`);
      if (cmdline !== null && isBackendOf(cmdline, match.postgresDatabase)) pids.push(pid);
    }
  }
  return pids;
}

/**
 * CPU of a changing set of processes over an interval: the set is read again
 * at the end, and a process that started in between counts whole (it started
 * inside the interval, or just before it, as a pool grew). A process that
 * exited in between is missed: its time is gone with it.
 */
export class GroupCpu {
  private readonly start = new Map<number, number>();

  /** `known`: the pids read beforehand (before a warm-up), so that opening the window does not scan /proc. */
  constructor(
    private readonly match: ProcessMatch,
    known: readonly number[] = matchingPids(match),
  ) {
    for (const pid of known) {
      const micros = tryCpu(pid);
      if (micros !== null) this.start.set(pid, micros);
    }
  }

  /** CPU microseconds used since construction, and how many processes used it. */
  used(): { micros: number; processes: number } {
    let micros = 0;
    let processes = 0;
    for (const pid of matchingPids(this.match)) {
      const now = tryCpu(pid);
      if (now === null) continue;
      micros += now - (this.start.get(pid) ?? 0);
      processes++;
    }
    return { micros, processes };
  }
}

function tryCpu(pid: number): number | null {
  try {
    return processCpuMicros(pid);
  } catch {
    return null;
  }
}
