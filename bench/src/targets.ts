/**
 * The servers the scenarios run against: A Parley (SQLite), B Socket.IO (what
 * users would pick instead), C raw node:net (the ceiling), D Parley on a
 * PostgreSQL database made for the run, E two Parley nodes on one such
 * database linked by Redis. Each node prints `{"msg":"listening","port":…}`
 * on stdout when ready. Within a round they run in TARGET_ORDER.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Protocol } from './generator/job.js';

export type TargetName = 'parley' | 'parley-pg' | 'parley-cluster' | 'socketio' | 'raw';

export interface Target {
  name: TargetName;
  letter: 'A' | 'B' | 'C' | 'D' | 'E';
  label: string;
  protocol: Protocol;
  script: string;
  /** Node.js options the server runs with (Parley: those of `npm start`). */
  nodeArgs: readonly string[];
  /** Environment for one node's start; Parley gets a fresh data directory each time. */
  env(services: ServiceEnv): Record<string, string>;
  /** Whether a `send` is stored durably before its ack. */
  persists: boolean;
  /** Server processes; the generator spreads its clients over them round-robin. */
  nodes: number;
  /** What the run must make first: a PostgreSQL database of its own, a Redis key prefix of its own. */
  needs: { postgres: boolean; redis: boolean };
}

/** The run's own database and Redis prefix, for the targets that need them. */
export interface ServiceEnv {
  databaseUrl?: string;
  redisUrl?: string;
  redisPrefix?: string;
}

const DIST = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = join(DIST, '..', '..');
/** Parley's entry point, as the root package.json's start script names it. */
const PARLEY_SCRIPT = 'packages/server/dist/main.js';
export const PARLEY_MAIN = join(REPO_ROOT, ...PARLEY_SCRIPT.split('/'));

const LISTEN = { HOST: '127.0.0.1', PORT: '0' };

/**
 * The Node.js options in a start script of the form `node [options] <script>`, so that the
 * benchmark runs Parley as `npm start` does; any other form is refused rather than guessed at.
 */
export function startScriptOptions(command: string, script: string): string[] {
  const words = command.trim().split(/\s+/);
  if (words[0] !== 'node' || words.at(-1) !== script || words.slice(1, -1).some((word) => !word.startsWith('--'))) {
    throw new Error(`the start script "${command}" is not "node [--options] ${script}"`);
  }
  return words.slice(1, -1);
}

function npmStartOptions(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  return startScriptOptions(scripts.start, PARLEY_SCRIPT);
}

function need(value: string | undefined, what: string, target: string): string {
  if (value === undefined) throw new Error(`${target} needs ${what}`);
  return value;
}

/** Parley's environment, the same for every Parley target but for where it stores and how its nodes meet. */
function parleyEnv(): Record<string, string> {
  return {
    ...LISTEN,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-bench-')),
    RATE_LIMITS: 'off',
    // 10,000 connections come from four loopback addresses.
    MAX_CONNECTIONS_PER_ADDRESS: '0',
    // The defaults, stated so that the caller's environment cannot change what is measured.
    SQLITE_SYNC: 'full',
    SQLITE_WRITER: 'auto',
    DATABASE_POOL_SIZE: '10',
    GUESTS: 'on',
    LOG_LEVEL: process.env.PARLEY_LOG_LEVEL ?? 'info',
  };
}

const PARLEY = { protocol: 'parley', script: PARLEY_MAIN, nodeArgs: npmStartOptions(), persists: true } as const;

export const TARGETS: Record<TargetName, Target> = {
  parley: {
    ...PARLEY,
    name: 'parley',
    letter: 'A',
    label: 'Parley',
    env: () => parleyEnv(),
    nodes: 1,
    needs: { postgres: false, redis: false },
  },
  'parley-pg': {
    ...PARLEY,
    name: 'parley-pg',
    letter: 'D',
    label: 'Parley on PostgreSQL',
    env: (services) => ({ ...parleyEnv(), DATABASE_URL: need(services.databaseUrl, 'a database', 'parley-pg') }),
    nodes: 1,
    needs: { postgres: true, redis: false },
  },
  'parley-cluster': {
    ...PARLEY,
    name: 'parley-cluster',
    letter: 'E',
    label: 'Parley cluster (2 nodes, PostgreSQL, Redis)',
    env: (services) => ({
      ...parleyEnv(),
      DATABASE_URL: need(services.databaseUrl, 'a database', 'parley-cluster'),
      REDIS_URL: need(services.redisUrl, 'Redis', 'parley-cluster'),
      REDIS_PREFIX: need(services.redisPrefix, 'a Redis prefix', 'parley-cluster'),
    }),
    nodes: 2,
    needs: { postgres: true, redis: true },
  },
  socketio: {
    name: 'socketio',
    letter: 'B',
    label: 'Socket.IO',
    protocol: 'socketio',
    script: join(DIST, 'targets', 'socketio-server.js'),
    nodeArgs: [],
    env: () => ({ ...LISTEN }),
    persists: false,
    nodes: 1,
    needs: { postgres: false, redis: false },
  },
  raw: {
    name: 'raw',
    letter: 'C',
    label: 'raw node:net',
    protocol: 'raw',
    script: join(DIST, 'targets', 'raw-server.js'),
    nodeArgs: [],
    env: () => ({ ...LISTEN }),
    persists: false,
    nodes: 1,
    needs: { postgres: false, redis: false },
  },
};

/** The order targets run in within a round: D and E right after A, the same server on other stores, close in time. */
export const TARGET_ORDER: readonly TargetName[] = ['parley', 'parley-pg', 'parley-cluster', 'socketio', 'raw'];
