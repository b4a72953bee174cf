#!/usr/bin/env node
// Runs every compiled test file (`dist/**/*.test.js` in each package) with
// node's test runner, then the server's end-to-end tests a second time with
// their servers on PostgreSQL (PARLEY_TEST_STORE=postgres). Node 20 has no
// glob support in `--test`, so we list the files.
//
// `node scripts/test.js [substring …]` runs only the files whose path
// contains one of the substrings (on both stores where they apply).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['packages/protocol/dist', 'packages/server/dist', 'packages/client/dist', 'packages/web/dist-test', 'bench/dist'];
/** The tests that start servers, run again on PostgreSQL. */
const POSTGRES_AGAIN = 'packages/server/dist/test/';
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

function runTests(paths, env = {}) {
  const result = spawnSync(
    process.execPath,
    ['--test', '--test-reporter=spec', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...paths],
    { stdio: 'inherit', env: { ...process.env, ...env } },
  );
  return result.status ?? 1;
}

let status = runTests(files);

const again = files.filter((f) => f.startsWith(POSTGRES_AGAIN));
if (again.length > 0) {
  const { skipWithoutPostgres } = await import('../packages/server/dist/testing/postgres.js');
  let skip;
  try {
    skip = await skipWithoutPostgres();
  } catch (error) {
    console.error(`\n✖ the server's end-to-end tests on PostgreSQL: ${error.message}`);
    process.exit(1);
  }
  if (skip) {
    console.log(`\n﹣ skipped: the server's end-to-end tests on PostgreSQL (${skip})`);
  } else {
    console.log(`\n▶ the server's end-to-end tests again, on PostgreSQL (${again.length} files)\n`);
    status = runTests(again, { PARLEY_TEST_STORE: 'postgres' }) || status;
  }
}
process.exit(status);
