import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServerProcess } from './testing/server-process.js';

const linuxOnly = process.platform !== 'linux' && 'per-thread priorities are read from /proc (Linux)';
const THREAD_PRIORITY = fileURLToPath(new URL('./thread-priority.js', import.meta.url));

/** Nice value of each thread of `pid` (field 19 of /proc/<pid>/task/<tid>/stat), main thread first. */
function niceByThread(pid: number | 'self'): number[] {
  const tids = readdirSync(`/proc/${pid}/task`).sort((a, b) => Number(a) - Number(b));
  const nices: number[] = [];
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      nices.push(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch {
      // The thread exited meanwhile.
    }
  }
  return nices;
}

/** Runs `source` as an ES module in a child process and returns its stdout, parsed as JSON. */
function runModule(source: string): unknown {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', source], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout);
}

test('lowerOtherThreadsPriority lowers every thread but the main one', { skip: linuxOnly }, () => {
  const result = runModule(`
    import { readdirSync, readFileSync } from 'node:fs';
    import { lowerOtherThreadsPriority } from ${JSON.stringify(THREAD_PRIORITY)};
    const lowered = lowerOtherThreadsPriority();
    const nice = (tid) => { const s = readFileSync('/proc/self/task/' + tid + '/stat', 'utf8'); return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[16]); };
    const others = readdirSync('/proc/self/task').filter((tid) => Number(tid) !== process.pid);
    console.log(JSON.stringify({ lowered, main: nice(process.pid), others: others.map(nice) }));
  `) as { lowered: number; main: number; others: number[] };
  assert.ok(result.lowered >= 1, 'Node always has helper threads');
  assert.equal(result.lowered, result.others.length);
  assert.equal(result.main, 0, 'the event loop keeps its priority');
  assert.deepEqual(new Set(result.others), new Set([19]));
});

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

/**
 * Starts a server (confined to `cpuList`, if given) and returns its threads'
 * nice values once it listens and `settled` holds for them (the checkpointer
 * thread lowers itself once it has started), or after 5 s.
 */
async function serverThreadNices(cpuList: string | undefined, settled: (nices: number[]) => boolean): Promise<{ nices: number[]; listening: Record<string, unknown> }> {
  const server = await startServerProcess(cpuList === undefined ? {} : { cpuList });
  try {
    const listening = server.logs.find((entry) => entry.msg === 'listening')!;
    const deadline = Date.now() + 5000;
    let nices = niceByThread(server.child.pid!);
    while (!settled(nices) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      nices = niceByThread(server.child.pid!);
    }
    return { nices, listening };
  } finally {
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  }
}

test('a server confined to one core runs every thread but its event loop at the lowest priority', { skip: linuxOnly, timeout: 30_000 }, async () => {
  const allButMainLowest = (nices: number[]) => nices.length > 1 && nices.slice(1).every((nice) => nice === 19);
  const { nices, listening } = await serverThreadNices('0', allButMainLowest);
  assert.equal(listening.cores, 1);
  assert.ok(Number(listening.loweredThreads) >= 1);
  assert.equal(nices[0], 0, 'the event loop keeps its priority');
  assert.ok(allButMainLowest(nices), `thread priorities ${nices.join(' ')}`);
});

test('a server with more than one core leaves its threads as they are (but the checkpointer)', { skip: linuxOnly || (spawnSync('nproc').stdout.toString().trim() === '1' && 'this machine has one core'), timeout: 30_000 }, async () => {
  const oneLowest = (nices: number[]) => nices.filter((nice) => nice === 19).length === 1;
  const { nices, listening } = await serverThreadNices(undefined, oneLowest);
  assert.ok(Number(listening.cores) > 1);
  assert.equal(listening.loweredThreads, 0);
  assert.ok(oneLowest(nices), `thread priorities ${nices.join(' ')}: only the checkpointer's should be 19`);
});
