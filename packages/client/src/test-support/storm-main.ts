#!/usr/bin/env node
/**
 * `npm run storm`: the reconnect storm of the cluster issue — 5,000 clients on one node of
 * three, that node killed with SIGKILL, every client back through the survivors and caught up
 * — printed as a report and written to bench/results/storm.md. Exit code 1 if a client never caught up, a resume was refused, or a
 * view was left with a gap; the 5 s target is reported, not enforced (this is a shared,
 * noisy machine). Flags: --clients N --rooms N --nodes N --link redis|postgres, and --cold for
 * survivors that have served no connection before the storm (storm.ts, `cold`).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runStorm, type Percentiles } from './storm.js';

/** Where the figures go, beside the other benchmark results. */
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'bench', 'results', 'storm.md');

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '5000' },
    rooms: { type: 'string', default: '100' },
    nodes: { type: 'string', default: '3' },
    link: { type: 'string', default: 'redis' },
    cold: { type: 'boolean', default: false },
  },
});
if (values.link !== 'redis' && values.link !== 'postgres') throw new TypeError(`--link must be redis or postgres, not ${values.link}`);

/**
 * Connections the kernel turned away since boot because a listening socket's queue was full
 * (Linux's TcpExt ListenDrops; null elsewhere): each one is a client waiting a second or more
 * to send its SYN again, a storm's long tail.
 */
function listenDrops(): number | null {
  if (!existsSync('/proc/net/netstat')) return null;
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    if (!lines[i]!.startsWith('TcpExt:')) continue;
    const at = lines[i]!.split(' ').indexOf('ListenDrops');
    return at < 0 ? null : Number(lines[i + 1]!.split(' ')[at]);
  }
  return null;
}

const dropsBefore = listenDrops();
const report = await runStorm({
  nodes: Number(values.nodes),
  clients: Number(values.clients),
  rooms: Number(values.rooms),
  sendEveryMs: 1000,
  link: values.link,
  cold: values.cold,
  log: (line) => console.log(`  ${line}`),
});
const dropsAfter = listenDrops();
// Counted over the whole run, setup included, and over the machine: 0 says no client waited on a dropped SYN.
const dropped = dropsBefore === null || dropsAfter === null ? '–' : String(dropsAfter - dropsBefore);
console.log(JSON.stringify({ ...report, connectionsDroppedByKernel: dropped }, null, 2));
const ok = report.notCaughtUp === 0 && report.resumesNotOk === 0 && report.viewErrors === 0;
const slowest = report.caughtUpMs?.max;
console.log(`storm: ${ok ? 'every client caught up, every view whole' : 'FAILED'}; the last caught up after ${slowest === undefined ? '–' : `${(slowest / 1000).toFixed(2)} s`} (target 5 s: ${slowest !== undefined && slowest <= 5000 ? 'met' : 'missed'})`);

const seconds = (p: Percentiles | null): string => (p === null ? '–' : `${(p.p50 / 1000).toFixed(2)} s · ${(p.p99 / 1000).toFixed(2)} s · ${(p.max / 1000).toFixed(2)} s`);
writeFileSync(
  RESULTS,
  [
    '# The reconnect storm',
    '',
    `\`npm run storm\`, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB: all processes (${report.options.nodes} nodes, PostgreSQL, ${report.options.link === 'redis' ? 'Redis, ' : ''}the clients) on this one machine.`,
    '',
    `${report.clients} clients in ${report.options.rooms} rooms, all connected to node 0 of ${report.options.nodes} (linked by ${report.options.link}); a sender on another node posts to every room each second throughout. ${report.options.cold ? 'The survivors have served no connection before (cold: their connection path is compiled during the storm).' : 'Beforehand each client connected once through a survivor (joined there, reconnected and resumed), so the survivors have served connections, as the nodes of a running cluster have; `--cold` skips that.'} Node 0 is killed with SIGKILL; each client reconnects as the SDK does (full-jitter backoff from 500 ms, the survivors in turn) and resumes its room from its last seq. Times are from the kill, p50 · p99 · max.`,
    '',
    '| | |',
    '| --- | --- |',
    `| sockets closed | ${seconds(report.closedMs)} |`,
    `| welcomed by a survivor | ${seconds(report.welcomedMs)} |`,
    `| caught up (resume answered) | ${seconds(report.caughtUpMs)} |`,
    `| target: all caught up within 5 s | ${report.caughtUpMs !== null && report.caughtUpMs.max <= 5000 ? 'met' : 'missed'} |`,
    `| clients not caught up | ${report.notCaughtUp} |`,
    `| failed reconnect attempts | ${report.failedAttempts} |`,
    `| connections the kernel dropped, its listen queue full (whole run, whole machine) | ${dropped} |`,
    `| resumes not \`ok\` | ${report.resumesNotOk} |`,
    `| views with a gap or short of the log | ${report.viewErrors} |`,
    `| live events received again in a resume, dropped by seq | ${report.duplicatesDropped} |`,
    `| messages acked during the storm | ${report.sentDuringStorm} |`,
    '',
  ].join('\n'),
);
console.log(`written to ${RESULTS}`);
process.exit(ok ? 0 : 1);
