/** What a result was measured on: machine, software versions and the commit. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../targets.js';

export interface Environment {
  machine: { cpu: string; cores: number; memoryGiB: number; os: string; kernel: string };
  versions: Record<string, string>;
  commit: { sha: string; dirty: boolean } | null;
}

function packageVersion(dir: string): string {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function commit(): Environment['commit'] {
  try {
    const git = (args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { sha: git(['rev-parse', 'HEAD']), dirty: git(['status', '--porcelain']).length > 0 };
  } catch {
    return null;
  }
}

export function describeEnvironment(): Environment {
  const modules = join(REPO_ROOT, 'node_modules');
  return {
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      os: osType(),
      kernel: release(),
    },
    versions: {
      node: process.versions.node,
      v8: process.versions.v8,
      parley: packageVersion(join(REPO_ROOT, 'packages', 'server')),
      'socket.io': packageVersion(join(modules, 'socket.io')),
      'engine.io': packageVersion(join(modules, 'engine.io')),
      ws: packageVersion(join(modules, 'ws')),
      'hdr-histogram-js': packageVersion(join(modules, 'hdr-histogram-js')),
      pg: packageVersion(join(modules, 'pg')),
      ioredis: packageVersion(join(modules, 'ioredis')),
    },
    commit: commit(),
  };
}
