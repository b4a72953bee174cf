/**
 * Starting the benchmark's processes: each with the hard file-descriptor
 * limit as its soft limit (10,000 sockets need it) and, unless pinning is off,
 * pinned to one core with taskset. `exec` keeps the pid, so the pid we get is
 * the Node.js process itself, whose /proc entries we read.
 */
import { execFileSync, spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { getPriority } from 'node:os';
import { createInterface } from 'node:readline';

export interface LaunchOptions {
  script: string;
  args?: string[];
  nodeArgs?: string[];
  env?: Record<string, string>;
  /** Core to pin to; null: not pinned. */
  core: number | null;
  /** Nice value to run at (every thread of the process inherits it); null or absent: this process's. */
  nice?: number | null;
  stdio: StdioOptions;
}

let fdLimit: number | undefined;

/** The hard limit on open files, which every launched process raises its soft limit to. */
export function hardFdLimit(): number {
  if (fdLimit === undefined) {
    const text = execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
    fdLimit = text === 'unlimited' ? 1_048_576 : Number(text);
  }
  return fdLimit;
}

export function launch(options: LaunchOptions): ChildProcess {
  const command = [process.execPath, ...(options.nodeArgs ?? []), options.script, ...(options.args ?? [])];
  // `nice -n` adds to the niceness it inherits (this process's, which --nice may have set already).
  const niced = options.nice === null || options.nice === undefined ? command : ['nice', '-n', String(options.nice - getPriority()), ...command];
  const pinned = options.core === null ? niced : ['taskset', '-c', String(options.core), ...niced];
  return spawn('sh', ['-c', 'ulimit -n "$0" && exec "$@"', String(hardFdLimit()), ...pinned], {
    env: { ...process.env, ...options.env },
    stdio: options.stdio,
  });
}

/** Pins this process to `core` (the orchestrator shares the generator's core; it is idle while measuring). */
export function pinSelf(core: number): void {
  execFileSync('taskset', ['-pc', String(core), String(process.pid)], { stdio: 'ignore' });
}

export interface RunningServer {
  child: ChildProcess;
  pid: number;
  port: number;
  /** Log lines at level warn or above (pino level ≥ 40), and anything on stderr; capped. */
  warnings: string[];
  logLines(): number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code or signal. */
  stop(graceMs?: number): Promise<number | string | null>;
}

const MAX_WARNINGS = 50;

/** Launches a server that prints a JSON line with `"msg":"listening"` and `"port"` when ready. */
export function startServer(options: Omit<LaunchOptions, 'stdio'>, timeoutMs = 30_000): Promise<RunningServer> {
  const child = launch({ ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const warnings: string[] = [];
  const keep = (line: string) => {
    if (warnings.length < MAX_WARNINGS) warnings.push(line.slice(0, 500));
  };
  let lines = 0;
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  createInterface({ input: child.stderr! }).on('line', keep);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.script} did not print a listening line within ${timeoutMs} ms: ${warnings.join('\n')}`));
    }, timeoutMs);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.script} exited (${String(code)}) before listening: ${warnings.join('\n')}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines++;
      let entry: { msg?: unknown; port?: unknown; level?: unknown };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        keep(line);
        return;
      }
      if (typeof entry.level === 'number' && entry.level >= 40) keep(line);
      if (entry.msg === 'listening' && typeof entry.port === 'number') {
        clearTimeout(timer);
        resolve({
          child,
          pid: child.pid!,
          port: entry.port,
          warnings,
          logLines: () => lines,
          async stop(graceMs = 15_000) {
            if (child.exitCode !== null || child.signalCode !== null) return exited;
            child.kill('SIGTERM');
            const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
            const result = await exited;
            clearTimeout(killer);
            return result;
          },
        });
      }
    });
  });
}
