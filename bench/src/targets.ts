/**
 * The three servers each scenario runs against, in the order they alternate:
 * A Parley, B Socket.IO (what users would pick instead), C raw node:net (the
 * ceiling). Each prints `{"msg":"listening","port":…}` on stdout when ready.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Protocol } from './generator/job.js';

export type TargetName = 'parley' | 'socketio' | 'raw';

export interface Target {
  name: TargetName;
  letter: 'A' | 'B' | 'C';
  label: string;
  protocol: Protocol;
  script: string;
  /** Node.js options the server runs with (Parley: those of `npm start`). */
  nodeArgs: readonly string[];
  /** Environment for one server start; Parley gets a fresh data directory each time. */
  env(): Record<string, string>;
  /** Whether a `send` is stored durably before its ack. */
  persists: boolean;
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

export const TARGETS: Record<TargetName, Target> = {
  parley: {
    name: 'parley',
    letter: 'A',
    label: 'Parley',
    protocol: 'parley',
    script: PARLEY_MAIN,
    nodeArgs: npmStartOptions(),
    env: () => ({
      ...LISTEN,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-bench-')),
      RATE_LIMITS: 'off',
      // 10,000 connections come from four loopback addresses.
      MAX_CONNECTIONS_PER_ADDRESS: '0',
      // The defaults, stated so that the caller's environment cannot change what is measured.
      SQLITE_SYNC: 'full',
      SQLITE_WRITER: 'auto',
      GUESTS: 'on',
      LOG_LEVEL: process.env.PARLEY_LOG_LEVEL ?? 'info',
    }),
    persists: true,
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
  },
};

export const TARGET_ORDER: readonly TargetName[] = ['parley', 'socketio', 'raw'];
