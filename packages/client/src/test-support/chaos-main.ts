#!/usr/bin/env node
/**
 * `npm run chaos`: the long chaos run of the issue (3 nodes, 300 clients in 30 rooms, 60 s, a
 * node killed every 15 s, the pub/sub connections cut once, Redis restarted once), printed as
 * a report; exit code 1 if anything was lost, duplicated or reordered, a killed node's clients
 * were slow to resume, or presence kept a ghost. Flags: --clients N --rooms N --seconds N
 * --transport websocket|http (http: the fallback, protocol.md §30).
 */
import { parseArgs } from 'node:util';
import { runChaos } from './chaos.js';

const { values } = parseArgs({
  options: { clients: { type: 'string', default: '300' }, rooms: { type: 'string', default: '30' }, seconds: { type: 'string', default: '60' }, transport: { type: 'string', default: 'websocket' } },
});
const report = await runChaos({
  nodes: 3,
  clients: Number(values.clients),
  rooms: Number(values.rooms),
  durationMs: Number(values.seconds) * 1000,
  killEveryMs: 15_000,
  restartAfterMs: 2000,
  sendEveryMs: 2000,
  transport: values.transport === 'http' ? 'http' : 'websocket',
  log: (line) => console.log(`  ${line}`),
});
console.log(JSON.stringify(report, null, 2));
const resumed = report.clientsOfKilledNodes === 0 ? 1 : report.resumedWithin5s / report.clientsOfKilledNodes;
const ok = report.lost === 0 && report.storedTwice === 0 && report.viewErrors.length === 0 && resumed >= 0.99 && report.ghosts.length === 0 && report.presenceSettledMs !== null && report.presenceSettledMs <= 15_000;
console.log(ok ? 'chaos: every check passed' : 'chaos: FAILED');
process.exit(ok ? 0 : 1);
