import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const linuxOnly = process.platform !== 'linux' && 'per-thread priorities are read from /proc (Linux)';
const THREAD_PRIORITY = fileURLToPath(new URL('./thread-priority.js', import.meta.url));

/** Runs `source` as an ES module in a child process and returns its stdout, parsed as JSON. */
function runModule(source: string): unknown {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', source], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout);
}

test('lowerThisThreadPriority lowers only the thread that calls it', { skip: linuxOnly }, () => {
  const result = runModule(`
    import { Worker } from 'node:worker_threads';
    import { readdirSync, readFileSync } from 'node:fs';
    const source = 'Promise.all([import("node:worker_threads"), import(' + ${JSON.stringify(JSON.stringify(pathToFileURL(THREAD_PRIORITY).href))} + ')]).then(([w, m]) => w.parentPort.postMessage(m.lowerThisThreadPriority())); setInterval(() => {}, 1000); // alive until terminated';
    const worker = new Worker(source, { eval: true });
    const lowered = await new Promise((resolve) => worker.once('message', resolve));
    const nice = (tid) => { try { const s = readFileSync('/proc/self/task/' + tid + '/stat', 'utf8'); return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[16]); } catch { return null; } };
    const nices = readdirSync('/proc/self/task').map(nice);
    await worker.terminate();
    console.log(JSON.stringify({ lowered, main: nice(process.pid), lowest: nices.filter((n) => n === 19).length }));
  `);
  assert.deepEqual(result, { lowered: true, main: 0, lowest: 1 });
});
