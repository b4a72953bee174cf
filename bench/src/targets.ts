/**
 * The three servers each scenario runs against, in the order they alternate:
 * A Parley, B Socket.IO (what users would pick instead), C raw node:net (the
 * ceiling). Each prints `{"msg":"listening","port":…}` on stdout when ready.
 */
import { mkdtempSync } from 'node:fs';
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
  /** Environment for one server start; Parley gets a fresh data directory each time. */
  env(): Record<string, string>;
  /** Whether a `send` is stored durably before its ack. */
  persists: boolean;
}

const DIST = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = join(DIST, '..', '..');
export const PARLEY_MAIN = join(REPO_ROOT, 'packages', 'server', 'dist', 'main.js');

const LISTEN = { HOST: '127.0.0.1', PORT: '0' };

export const TARGETS: Record<TargetName, Target> = {
  parley: {
    name: 'parley',
    letter: 'A',
    label: 'Parley',
    protocol: 'parley',
    script: PARLEY_MAIN,
    env: () => ({
      ...LISTEN,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-bench-')),
      RATE_LIMITS: 'off',
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
    env: () => ({ ...LISTEN }),
    persists: false,
  },
  raw: {
    name: 'raw',
    letter: 'C',
    label: 'raw node:net',
    protocol: 'raw',
    script: join(DIST, 'targets', 'raw-server.js'),
    env: () => ({ ...LISTEN }),
    persists: false,
  },
};

export const TARGET_ORDER: readonly TargetName[] = ['parley', 'socketio', 'raw'];
