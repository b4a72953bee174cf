/**
 * One scenario against one target: fresh servers pinned to the server core
 * (one, or a cluster's nodes, on a database made for the run where the target
 * needs one), a fresh generator pinned to the other, the generator's outcome,
 * then both stopped (servers first, so the generator's teardown is never
 * measured), and the run's database and Redis keys removed.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Companion, GeneratorJob, GeneratorMessage, GeneratorOutcome, WindowEdge } from './generator/job.js';
import type { BenchOptions } from './options.js';
import type { PlannedScenario } from './plan.js';
import { Priorities } from './priority.js';
import { coresBusy, InterferenceMeter, matchingPids, postgresAuxiliaryPids } from './proc-stats.js';
import { launch, startServer, type RunningServer } from './process-launch.js';
import { summarizeProfile } from './report/cpu-profile.js';
import type { RedisCounts, RunRecord } from './report/records.js';
import { createRunDatabase, RedisCounters, removeRedisPrefix, runRedisPrefix, WaitEventSampler, type RunDatabase } from './services.js';
import type { Target } from './targets.js';

const GENERATOR_MAIN = join(dirname(fileURLToPath(import.meta.url)), 'generator', 'main.js');

/**
 * The generator's outcome; meanwhile, the CPU other processes use during each load phase
 * (warm-up and measured window) goes into `interference`, and what the VM's host took into `steal`.
 */
function awaitOutcome(
  generator: ChildProcess,
  timeoutMs: number,
  exclude: () => ReadonlySet<number>,
  into: { interference: number[]; steal: number[] },
  onEdge: (edge: WindowEdge) => void,
): Promise<GeneratorOutcome> {
  let meter: InterferenceMeter | null = null;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`generator gave no result within ${timeoutMs} ms`)), timeoutMs);
    generator.on('message', (message: GeneratorMessage) => {
      if (message.type === 'window') {
        onEdge(message.edge);
        if (message.edge === 'start') meter = new InterferenceMeter(exclude());
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

/** What a run of a target stands on besides its servers, made before them and removed after. */
interface Services {
  database: RunDatabase | null;
  redisPrefix: string | null;
}

async function removeServices(services: Services, options: BenchOptions): Promise<string[]> {
  const failures: string[] = [];
  await services.database?.drop().catch((error: Error) => failures.push(`dropping database ${services.database!.name}: ${error.message}`));
  if (services.redisPrefix !== null) await removeRedisPrefix(options.redisUrl, services.redisPrefix).catch((error: Error) => failures.push(`removing Redis keys ${services.redisPrefix}*: ${error.message}`));
  return failures;
}

function companionsOf(services: Services): Companion[] {
  const companions: Companion[] = [];
  if (services.database) companions.push({ name: 'PostgreSQL', match: { postgresDatabase: services.database.name } });
  if (services.redisPrefix !== null) companions.push({ name: 'Redis', match: { command: 'redis-server' } });
  return companions;
}

/**
 * Redis's command counters at each window edge, their difference per load phase; and, while profiling on
 * PostgreSQL, the run's backends' wait events sampled over each phase (warm-up and window).
 */
class ServiceProbes {
  readonly redis: RedisCounts[] = [];
  waits: Array<{ state: string; backends: number; share: number }> | null = null;
  #redisBefore: Promise<Record<string, number>> | null = null;
  #sampler: WaitEventSampler | null = null;
  readonly #pending: Array<Promise<unknown>> = [];

  private constructor(
    private readonly options: BenchOptions,
    private readonly services: Services,
    private readonly counters: RedisCounters | null,
  ) {}

  static async open(options: BenchOptions, services: Services): Promise<ServiceProbes> {
    return new ServiceProbes(options, services, services.redisPrefix === null ? null : await RedisCounters.open(options.redisUrl));
  }

  edge(edge: WindowEdge): void {
    if (this.counters) {
      const counts = this.counters.read();
      counts.catch(() => undefined);
      if (edge === 'start') this.#redisBefore = counts;
      else if (this.#redisBefore) {
        const before = this.#redisBefore;
        this.#redisBefore = null;
        this.#pending.push(Promise.all([before, counts]).then(([a, b]) => this.redis.push(redisDifference(a, b))).catch(() => undefined));
      }
    }
    if (this.options.profile && this.services.database) {
      if (edge === 'start' && !this.#sampler) {
        const sampler = new WaitEventSampler(this.options.postgresUrl, this.services.database.name);
        this.#sampler = sampler;
        this.#pending.push(sampler.start().catch(() => undefined));
      } else if (edge === 'end' && this.#sampler) {
        const sampler = this.#sampler;
        this.#pending.push(sampler.stop().then((waits) => (this.waits = waits)));
      }
    }
  }

  async settled(): Promise<void> {
    await Promise.all(this.#pending);
    this.counters?.close();
  }
}

function redisDifference(before: Record<string, number>, after: Record<string, number>): RedisCounts {
  const byCommand: Record<string, number> = {};
  for (const [command, calls] of Object.entries(after)) {
    const delta = calls - (before[command] ?? 0);
    if (delta > 0) byCommand[command] = delta;
  }
  const commands = Object.entries(byCommand).filter(([command]) => command !== 'info');
  return {
    publishes: (byCommand.publish ?? 0) + (byCommand.spublish ?? 0),
    commands: commands.reduce((total, [, calls]) => total + calls, 0),
    byCommand: Object.fromEntries(commands.sort((a, b) => b[1] - a[1]).slice(0, 10)),
  };
}

export async function runOne(round: number, planned: PlannedScenario, target: Target, options: BenchOptions, profileDir: string): Promise<RunRecord> {
  const background = await awaitQuiet(options);
  const began = Date.now();
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
  const services: Services = { database: null, redisPrefix: target.needs.redis ? runRedisPrefix() : null };
  const servers: RunningServer[] = [];
  const dataDirs: string[] = [];
  const cleanUp = async () => {
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    const failures = await removeServices(services, options);
    if (failures.length > 0) record.server.warnings.push(...failures);
  };
  try {
    if (target.needs.postgres) services.database = await createRunDatabase(options.postgresUrl);
    // One node after the other: the first migrates the run's database.
    for (let node = 0; node < target.nodes; node++) {
      const env = target.env({ databaseUrl: services.database?.url, redisUrl: services.redisPrefix === null ? undefined : options.redisUrl, redisPrefix: services.redisPrefix ?? undefined });
      if (env.DATA_DIR) dataDirs.push(env.DATA_DIR);
      const dir = node === 0 ? profileSubdir : join(profileSubdir, `node${node}`);
      servers.push(
        await startServer({
          script: target.script,
          env,
          core: options.pin ? options.serverCore : null,
          nice: options.nice,
          nodeArgs: [...target.nodeArgs, ...(profiling ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [])],
        }),
      );
    }
  } catch (error) {
    await Promise.all(servers.map((server) => server.stop()));
    await cleanUp();
    record.error = error instanceof Error ? error.message : String(error);
    record.elapsedMs = Date.now() - began;
    return record;
  }
  record.server.warnings = servers.flatMap((server) => server.warnings);
  const generator = launch({
    script: GENERATOR_MAIN,
    nodeArgs: ['--max-semi-space-size=32', ...(profiling ? ['--cpu-prof', `--cpu-prof-dir=${join(profileSubdir, 'generator')}`] : [])],
    core: options.pin ? options.generatorCore : null,
    nice: options.nice,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const companions = companionsOf(services);
  const companionPids = () => companions.flatMap((c) => matchingPids(c.match));
  const job: GeneratorJob = {
    protocol: target.protocol,
    host: '127.0.0.1',
    ports: servers.map((server) => server.port),
    serverPids: servers.map((server) => server.pid),
    companions,
    serverCore: options.pin ? options.serverCore : null,
    generatorCore: options.pin ? options.generatorCore : null,
    scenario: planned.scenario,
    connectConcurrency: 128,
    settleTimeoutMs: 60_000,
    drainMs: 3000,
    bodyChars: 100,
  };
  // Ours: this process, the servers, the generator, and the services working for them (the run's
  // PostgreSQL backends and PostgreSQL's own processes, Redis); anything else is interference.
  const ours = () =>
    new Set([
      process.pid,
      generator.pid!,
      ...job.serverPids,
      ...companionPids(),
      ...(services.database ? postgresAuxiliaryPids() : []),
    ]);
  let probes: ServiceProbes | null = null;
  const priorities = new Priorities(options.nice);
  priorities.raise(companionPids());
  try {
    probes = await ServiceProbes.open(options, services);
    const outcome = awaitOutcome(generator, planned.timeoutMs, ours, { interference: record.interference, steal }, (edge) => {
      // Backends the pool opened since are raised too.
      if (edge === 'start') priorities.raise(companionPids());
      probes!.edge(edge);
    });
    generator.send(job);
    record.outcome = await outcome;
    record.ok = true;
  } catch (error) {
    record.error = error instanceof Error ? error.message : String(error);
  } finally {
    await probes?.settled();
    priorities.restore();
    if (probes && probes.redis.length > 0) record.redis = probes.redis;
    if (probes?.waits) record.postgresWaits = probes.waits;
    const exits = await Promise.all(servers.map((server) => server.stop()));
    record.server.exit = exits.length === 1 ? exits[0]! : exits.map(String).join(', ');
    record.server.logLines = servers.reduce((total, server) => total + server.logLines(), 0);
    if (generator.exitCode === null && generator.signalCode === null) {
      const exited = new Promise((resolve) => generator.once('exit', resolve));
      generator.kill('SIGTERM');
      await exited;
    }
    await cleanUp();
  }
  if (profiling) {
    const windows = record.outcome ? windowsOf(record.outcome) : [];
    // The main thread's profile: Node names them CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile,
    // and the server's SQLite threads (checkpointer, writer) write theirs too (thread ids 1, 2).
    // A cluster's first node stands for the others.
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
