#!/usr/bin/env node
// Runs every compiled test file (`dist/**/*.test.js` in each package) with
// node's test runner. Node 20 has no glob support in `--test`, so we list them.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['packages/protocol/dist', 'packages/server/dist', 'packages/client/dist', 'packages/web/dist-test', 'bench/dist'];
const only = process.argv.slice(2);

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.test\.(js|mjs)$/.test(name)) out.push(path);
  }
  return out;
}

let files = roots.filter((r) => existsSync(r)).flatMap((r) => walk(r, [])).sort();
if (only.length > 0) files = files.filter((f) => only.some((o) => f.includes(o)));
if (files.length === 0) {
  console.error('no test files found: run `npm run build` first');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--test', '--test-reporter=spec', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
