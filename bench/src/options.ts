/**
 * Command-line flags of `npm run bench -- …`. The defaults are the full run
 * (about 30 minutes); `--quick` is a smoke run of a few minutes whose
 * figures are indicative only (short windows, fewer connections).
 */
import { defaultCores, type CoreChoice } from './cores.js';
import { TARGET_ORDER, type TargetName } from './targets.js';

export const SCENARIO_IDS = ['s1', 's2', 's3', 's4', 's5', 's6', 's7'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

export interface BenchOptions {
  quick: boolean;
  rounds: number;
  scenarios: ScenarioId[];
  targets: TargetName[];
  /** Measured window of S1, S2 and S5 (and S6's baseline), in seconds. */
  measureSeconds: number;
  warmupSeconds: number;
  /** Measured window of each S3 step, in seconds. */
  stepSeconds: number;
  /** Multiplies every connection count (S4's too). */
  scale: number;
  /** Record a CPU profile of every server (node --cpu-prof) and summarize it. */
  profile: boolean;
  pin: boolean;
  serverCore: number;
  generatorCore: number;
  /** Why these cores (cores.ts), or that the flags chose them. */
  coresChosenBy: string;
  outDir: string | null;
  /** Before each run, wait up to this long for both cores to be nearly idle. */
  quietWaitSeconds: number;
  /** Where targets D and E make (and drop) a database of the run's own: an administrator's connection URL. */
  postgresUrl: string;
  /** The Redis that links target E's nodes, under a key prefix of the run's own. */
  redisUrl: string;
  /**
   * A scheduling priority (nice value) for everything the run measures: servers, generator, this
   * process, the run's PostgreSQL backends and, for E, redis-server (put back afterwards); null:
   * left as they are. For a machine that others are using meanwhile.
   */
  nice: number | null;
}

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export const USAGE = `npm run bench -- [flags]
  --quick                 smoke run (~2 min): 1 round, short windows, 1/5 of the connections
  --rounds N              rounds of every target per scenario (default 2; quick 1)
  --scenarios s1,s3       which scenarios (default all: s1,s2,s3,s4,s5,s6,s7; s1–s4 run A B C, s5 A D B C,
                          s6 A only, s7 D E)
  --targets parley,raw    which targets (default all: parley,parley-pg,parley-cluster,socketio,raw =
                          A Parley, D Parley on PostgreSQL, E 2-node cluster, B Socket.IO, C raw), run in that order;
                          D and E are skipped, saying why, when PostgreSQL (or Redis, for E) cannot be reached
  --measure SECONDS       measured window of S1, S2, S5 (default 12; quick 2)
  --warmup SECONDS        warm-up before each window (default 2; quick 1)
  --step SECONDS          window of each S3 step (default 3; quick 1.5)
  --scale F               multiply connection counts (default 1; quick 0.2)
  --profile               CPU-profile the servers (node --cpu-prof) and list their top self-time functions
  --no-pin                do not pin server and generator to cores with taskset
  --server-core N         core for the server (default: the core taking the device interrupts, else 0)
  --generator-core N      core for the generator and this process (default: the core taking the fewest, else 1)
  --quiet-wait SECONDS    before each run, wait up to this long for idle cores (default 30; quick 5)
  --out DIR               where the raw JSON and markdown go (default bench/results/raw)
  --postgres URL          administrator URL where D and E make a database of the run's own and drop it afterwards
                          (default ${DEFAULT_POSTGRES_URL})
  --redis URL             Redis linking E's nodes, under a key prefix of the run's own (default ${DEFAULT_REDIS_URL})
  --nice N                run everything measured at nice N (-20…19; below 0 needs root): servers, generator, the run's
                          PostgreSQL backends and, for E, redis-server (restored afterwards); for a machine others use`;

function list<T extends string>(value: string, allowed: readonly T[], what: string): T[] {
  const items = value.split(',').map((s) => s.trim().toLowerCase()).map((s) => (/^\d$/.test(s) ? `s${s}` : s));
  for (const item of items) if (!allowed.includes(item as T)) throw new TypeError(`unknown ${what} "${item}"; expected one of ${allowed.join(', ')}`);
  return allowed.filter((a) => items.includes(a));
}

function core(flag: string, value: string | undefined): number {
  const n = value === undefined || value.trim() === '' ? NaN : Number(value);
  if (!Number.isInteger(n) || n < 0) throw new TypeError(`${flag} needs a core number (0, 1, …), got "${value ?? ''}"`);
  return n;
}

function url(flag: string, value: string | undefined, form: RegExp, example: string): string {
  if (value === undefined || !form.test(value)) throw new TypeError(`${flag} needs a URL like ${example}, got "${value ?? ''}"`);
  return value;
}

function positive(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new TypeError(`${flag} needs a positive number, got "${value ?? ''}"`);
  return n;
}

/**
 * The cores the flags ask for. One flag alone takes that role's core and leaves the other
 * role its default, unless that is the same core: then the other role gets the core the
 * flag's role would have had (with two cores, the other one).
 */
function pickCores(cores: CoreChoice, server: number | null, generator: number | null): Pick<BenchOptions, 'serverCore' | 'generatorCore' | 'coresChosenBy'> {
  const serverCore = server ?? (generator === cores.server ? cores.generator : cores.server);
  const generatorCore = generator ?? (server === cores.generator ? cores.server : cores.generator);
  if (serverCore === generatorCore) throw new TypeError(`--server-core and --generator-core must be different cores, got ${serverCore} for both`);
  const flags = [server !== null && '--server-core', generator !== null && '--generator-core'].filter(Boolean).join(' and ');
  return { serverCore, generatorCore, coresChosenBy: `the ${flags} flag${server !== null && generator !== null ? 's' : ''}` };
}

export function parseOptions(argv: readonly string[], cores: CoreChoice = defaultCores()): BenchOptions {
  const quick = argv.includes('--quick');
  const options: BenchOptions = {
    quick,
    rounds: quick ? 1 : 2,
    scenarios: [...SCENARIO_IDS],
    targets: [...TARGET_ORDER],
    measureSeconds: quick ? 2 : 12,
    warmupSeconds: quick ? 1 : 2,
    stepSeconds: quick ? 1.5 : 3,
    scale: quick ? 0.2 : 1,
    profile: false,
    pin: true,
    serverCore: cores.server,
    generatorCore: cores.generator,
    coresChosenBy: cores.reason,
    outDir: null,
    quietWaitSeconds: quick ? 5 : 30,
    postgresUrl: DEFAULT_POSTGRES_URL,
    redisUrl: DEFAULT_REDIS_URL,
    nice: null,
  };
  let serverCoreGiven: number | null = null;
  let generatorCoreGiven: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => argv[++i];
    switch (flag) {
      case '--quick':
        break;
      case '--rounds':
        options.rounds = Math.round(positive(flag, value()));
        break;
      case '--scenarios':
        options.scenarios = list(value() ?? '', SCENARIO_IDS, 'scenario');
        break;
      case '--targets':
        options.targets = list(value() ?? '', TARGET_ORDER, 'target');
        break;
      case '--measure':
        options.measureSeconds = positive(flag, value());
        break;
      case '--warmup':
        options.warmupSeconds = positive(flag, value());
        break;
      case '--step':
        options.stepSeconds = positive(flag, value());
        break;
      case '--scale':
        options.scale = positive(flag, value());
        break;
      case '--profile':
        options.profile = true;
        break;
      case '--no-pin':
        options.pin = false;
        break;
      case '--server-core':
        serverCoreGiven = core(flag, value());
        break;
      case '--generator-core':
        generatorCoreGiven = core(flag, value());
        break;
      case '--quiet-wait':
        options.quietWaitSeconds = Number(value());
        break;
      case '--out':
        options.outDir = value() ?? null;
        break;
      case '--postgres':
        options.postgresUrl = url(flag, value(), /^postgres(ql)?:\/\/\S+$/, 'postgres://user@host:5432/database');
        break;
      case '--nice': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < -20 || n > 19) throw new TypeError(`--nice needs a nice value from -20 to 19, got "${argv[i] ?? ''}"`);
        options.nice = n;
        break;
      }
      case '--redis':
        options.redisUrl = url(flag, value(), /^rediss?:\/\/\S+$/, 'redis://host:6379');
        break;
      default:
        throw new TypeError(`unknown flag "${flag}"\n${USAGE}`);
    }
  }
  if (options.scenarios.length === 0 || options.targets.length === 0) throw new TypeError('no scenario or no target selected');
  if (serverCoreGiven !== null || generatorCoreGiven !== null) Object.assign(options, pickCores(cores, serverCoreGiven, generatorCoreGiven));
  return options;
}
