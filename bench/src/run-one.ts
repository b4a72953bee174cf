/**
 * One scenario against one target: a fresh server pinned to the server core,
 * a fresh generator pinned to the other, the generator's outcome, then both
 * stopped (server first, so the generator's teardown is never measured).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GeneratorJob, GeneratorMessage, GeneratorOutcome } from './generator/job.js';
import type { BenchOptions } from './options.js';
import type { PlannedScenario } from './plan.js';
import { coresBusy, InterferenceMeter } from './proc-stats.js';
import { launch, startServer, type RunningServer } from './process-launch.js';
import { summarizeProfile } from './report/cpu-profile.js';
import type { RunRecord } from './report/records.js';
import type { Target } from './targets.js';

const GENERATOR_MAIN = join(dirname(fileURLToPath(import.meta.url)), 'generator', 'main.js');

/**
 * The generator's outcome; meanwhile, the CPU other processes use during each load phase
 * (warm-up and measured window) goes into `interference`, and what the VM's host took into `steal`.
 */
function awaitOutcome(
  generator: ChildProcess,
  timeoutMs: number,
  exclude: ReadonlySet<number>,
  into: { interference: number[]; steal: number[] },
): Promise<GeneratorOutcome> {
  let meter: InterferenceMeter | null = null;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`generator gave no result within ${timeoutMs} ms`)), timeoutMs);
    generator.on('message', (message: GeneratorMessage) => {
      if (message.type === 'window') {
        if (message.edge === 'start') meter = new InterferenceMeter(exclude);
        else if (meter) {
          into.interference.push(meter.cores());
          into.steal.push(meter.stolen());
        }
        return;
      }
      clearTimeout(timer);
      if (message.type === 'result') resolve(message.outcome);
      else reject(new Error(`generator failed: ${message.message}`));
    });
    generator.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`generator exited (${String(code ?? signal)}) without a result`));
    });
  });
}

function windowsOf(outcome: GeneratorOutcome): Array<[number, number]> {
  if (outcome.kind === 'ramp') return outcome.ramp.steps.map((s) => s.monotonicWindow);
  if (outcome.kind === 'idle' || outcome.kind === 'flood') return [];
  return [outcome.phase.monotonicWindow];
}

/** A core busier than this before a run means someone else is using the machine. */
const QUIET_BUSY = 0.1;

/** Other work on the machine distorts every figure: wait (bounded) for both cores to be nearly idle, and record what was left. */
async function awaitQuiet(options: BenchOptions): Promise<RunRecord['background']> {
  if (!options.pin) return null;
  const cores = [options.serverCore, options.generatorCore];
  const until = Date.now() + options.quietWaitSeconds * 1000;
  let busy = await coresBusy(cores, 500);
  while (Math.max(...busy) > QUIET_BUSY && Date.now() < until) busy = await coresBusy(cores, 1000);
  if (Math.max(...busy) > QUIET_BUSY) process.stderr.write(`  warning: the machine is busy (cores ${busy.map((b) => `${Math.round(b * 100)}%`).join(', ')}) before this run\n`);
  return { serverCore: busy[0]!, generatorCore: busy[1]! };
}

export async function runOne(round: number, planned: PlannedScenario, target: Target, options: BenchOptions, profileDir: string): Promise<RunRecord> {
  const background = await awaitQuiet(options);
  const began = Date.now();
  const env = target.env();
  const profiling = options.profile;
  const profileSubdir = join(profileDir, `${planned.id}-round${round}-${target.name}`);
  if (profiling) mkdirSync(profileSubdir, { recursive: true });
  const steal: number[] = [];
  const record: RunRecord = {
    round,
    scenario: planned.id,
    title: planned.title,
    target: target.name,
    ok: false,
    server: { warnings: [], logLines: 0, exit: null },
    interference: [],
    steal,
    background,
    elapsedMs: 0,
  };
  let server: RunningServer;
  try {
    server = await startServer({
      script: target.script,
      env,
      core: options.pin ? options.serverCore : null,
      nodeArgs: [...target.nodeArgs, ...(profiling ? ['--cpu-prof', `--cpu-prof-dir=${profileSubdir}`] : [])],
    });
  } catch (error) {
    if (env.DATA_DIR) rmSync(env.DATA_DIR, { recursive: true, force: true });
    record.error = error instanceof Error ? error.message : String(error);
    record.elapsedMs = Date.now() - began;
    return record;
  }
  record.server.warnings = server.warnings;
  const generator = launch({
    script: GENERATOR_MAIN,
    nodeArgs: ['--max-semi-space-size=32', ...(profiling ? ['--cpu-prof', `--cpu-prof-dir=${join(profileSubdir, 'generator')}`] : [])],
    core: options.pin ? options.generatorCore : null,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const job: GeneratorJob = {
    protocol: target.protocol,
    host: '127.0.0.1',
    port: server.port,
    serverPid: server.pid,
    serverCore: options.pin ? options.serverCore : null,
    generatorCore: options.pin ? options.generatorCore : null,
    scenario: planned.scenario,
    connectConcurrency: 128,
    settleTimeoutMs: 60_000,
    drainMs: 3000,
    bodyChars: 100,
  };
  try {
    const outcome = awaitOutcome(generator, planned.timeoutMs, new Set([process.pid, server.pid, generator.pid!]), { interference: record.interference, steal });
    generator.send(job);
    record.outcome = await outcome;
    record.ok = true;
  } catch (error) {
    record.error = error instanceof Error ? error.message : String(error);
  } finally {
    record.server.exit = await server.stop();
    record.server.logLines = server.logLines();
    if (generator.exitCode === null && generator.signalCode === null) {
      const exited = new Promise((resolve) => generator.once('exit', resolve));
      generator.kill('SIGTERM');
      await exited;
    }
    if (env.DATA_DIR) rmSync(env.DATA_DIR, { recursive: true, force: true });
  }
  if (profiling) {
    const windows = record.outcome ? windowsOf(record.outcome) : [];
    // The main thread's profile: Node names them CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile,
    // and the server's SQLite threads (checkpointer, writer) write theirs too (thread ids 1, 2).
    const summarize = (dir: string) => {
      const file = existsSync(dir) ? readdirSync(dir).find((name) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(name)) : undefined;
      return file ? summarizeProfile(join(dir, file), windows) : undefined;
    };
    const server = summarize(profileSubdir);
    const generator = summarize(join(profileSubdir, 'generator'));
    if (server) record.profile = server;
    if (generator) record.generatorProfile = generator;
  }
  record.elapsedMs = Date.now() - began;
  return record;
}
