/** The top of the markdown summary: what was run, on what, and how it was measured. */
import type { BenchResults } from './records.js';

const METHOD = `## Method

- One load generator process opens N WebSockets with a minimal raw client (node:net, just enough RFC 6455),
  spread over source addresses 127.0.0.1–127.0.0.4. Users log in first (Parley: one guest session each via
  \`POST /api/auth/guest\`, all created before any socket opens, so that each new guest's lobby \`join\` event
  does not fan out to sockets already open), connect, and the server is left until it has sent nothing for 0.5 s.
- S senders send ~100-character messages at a total rate R on a fixed schedule (open model: message k is due
  at k/R whatever the replies). Each body carries its index and scheduled time; receivers find it with a byte
  loop without decoding the frame and record the latency from scheduled send to arrival (10 µs buckets that
  enter an HdrHistogram when the phase ends).
  The senders' connections live in a thread of their own in the generator, which sends on the schedule and
  reads their acks (and their own copies of the messages), so that neither waits behind the main thread's
  reads of every other socket; it also sends whatever has fallen due between received frames (every 32).
  Both threads take times on one clock. "gen send lag" is how late the measured messages left after their
  scheduled time, a delay inside every latency figure; runs where its p99 passed 10 ms are noted under their
  scenario's table. "gen loop" is the event-loop delay of the main thread, which reads the other sockets;
  "gen CPU" counts both threads.
  A warm-up, then the measured window, then up to 3 s for late deliveries. Loss is counted per message:
  expected (every member of the room, the sender included) minus received; duplicates separately.
- Server CPU per delivery: the server process's user + system time over the window (/proc/<pid>/stat)
  divided by the deliveries that arrived in it. "server main thread %" is the share of that CPU spent on the
  main thread (/proc/<pid>/task/<pid>/stat); the rest is V8's helper threads and, for Parley, SQLite's
  checkpointer thread (and its writer thread with SQLITE_WRITER=thread).
- S3 raises R by ×1.5 from 25 msg/s until a step loses a message or has p99 ≥ 100 ms, then bisects
  (geometrically) between the last passing and the first failing rate. A step whose p99 is over the limit
  with nothing lost is measured once more and fails only if it fails again (one stall of this VM's host can
  spoil a 3 s window at any rate); the same rule for every target, and "steps retried" counts them.
- S4: memory per connection is (RSS at N − RSS at N/5) / (4N/5), each read 2 s after the server went quiet:
  the marginal cost of a connection, without fixed costs.
- Parley runs as \`npm start\` runs it: the benchmark takes the Node.js options of the root package.json's
  start script (\`--v8-pool-size=0\`: V8's helper threads are the process's cores less one, here one).
- S5: Parley stores every message (SQLite, group commit) before acking it; the references ack and broadcast
  without persistence and are there for comparison only. Parley runs with its defaults throughout, so
  SQLITE_SYNC=full: every group commit is fsynced (acked messages survive power loss, not only \`kill -9\`), and
  SQLITE_WRITER=auto, which commits on the main thread when the process may run on one core only, as here,
  with commits starting at least SQLITE_COMMIT_INTERVAL_MS=5 apart (checkpoints run on a thread of their own at
  the lowest CPU priority).
- S6 (Parley only: the references have no history to flood): a seeder fills the lobby with 600 messages of
  4,000 characters; a bystander then pings every 10 ms and another client posts to the lobby every 20 ms (open
  model: due times, answered or not), first for the measured window's length without a flood (the baseline),
  then while a flooder writes, in one write, history pages of the lobby (limit 200), 10 resumes of 1,000 rooms
  (the lobby from its start) and 20 \`members\` and 20 \`rooms\` requests, and reads every reply. Ping is
  round trip; fan-out is from the post's due time to its delivery to the bystander (stored first). The
  window ends with the flood's last reply.
- D (S5, S7) is Parley with DATABASE_URL on a PostgreSQL database made for that run on this machine's PostgreSQL
  (and dropped after it), with its defaults (DATABASE_POOL_SIZE=10 plus one writing connection; group commit).
  "PostgreSQL CPU" is the user + system time of the backends serving that database (found from their process
  titles in /proc/<pid>/cmdline, \`postgres: user database host(port) state\`), reported beside Parley's own;
  PostgreSQL's shared processes (WAL writer, checkpointer) are not counted, and neither core is reserved for
  PostgreSQL: it runs wherever the kernel puts it, on the server's core or the generator's.
- E (S7) is two Parley nodes on one such database, linked by this machine's Redis under a key prefix of the
  run's own (REDIS_URL, REDIS_PREFIX), both pinned to the server core; the generator connects (and logs in)
  user i at node i mod 2, senders included. CPU per delivery counts both nodes, the run's PostgreSQL backends
  and the whole redis-server process, against D's Parley and backends in the same round. Parley exposes no
  figure for the Redis hop, so it is measured from the outside: every delivery is timed from the message's
  scheduled send, and the hop is the cross-node recipients' latency minus the same-node recipients' at the
  same percentile. Redis publishes per message are the difference of INFO commandstats (PUBLISH + SPUBLISH
  calls) from before the warm-up to after the window, divided by every message sent in between; the counters
  are Redis's, so another client publishing meanwhile would count too (other processes' CPU is flagged below
  each table).
- Cores: the server gets the core that takes the device interrupts (from /proc/interrupts), so that its disk
  writes complete on its own core and not on the generator's; the orchestrator shares the generator's core.
- Where the remaining time goes, with profiles: [analysis.md](analysis.md) (written by hand, dated).
- Other processes' CPU is measured over every load phase (warm-up and window); figures taken while they used
  more than 0.05 core are flagged below their table, and so are those taken while the VM's host took more than
  0.05 core from the machine (steal, from /proc/stat).`;

export function renderHead(results: BenchResults): string {
  const { machine, versions, commit, options } = results;
  return [
    '# Parley benchmark results',
    '',
    `Run ${results.startedAt}${options.quick ? ' (quick mode: short windows, 1/5 of the connections; indicative only)' : ''}, ` +
      `${options.rounds} round(s), targets alternating within each round.`,
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os} ${machine.kernel}. ` +
      (options.pin
        ? `Server pinned to core ${options.serverCore}, generator to core ${options.generatorCore}${options.coresChosenBy ? `: ${options.coresChosenBy}` : ''}. `
        : 'Not pinned. ') +
      (options.nice !== null && options.nice !== undefined
        ? `Everything measured ran at nice ${options.nice} (--nice: servers, generator, the run's PostgreSQL backends, redis-server's main thread), ahead of other work on the machine. `
        : '') +
      `Commit ${commit ? `${commit.sha.slice(0, 12)}${commit.dirty ? ' (with uncommitted changes)' : ''}` : 'unknown'}.`,
    '',
    `Versions: ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
    `Targets: A Parley (SQLite, every message stored before its ack), B Socket.IO (\`io.to(room).emit\`, websocket only, no deflate, ` +
      `no persistence), C raw node:net WebSocket server writing one pre-built frame per recipient (no persistence), ` +
      `D Parley on PostgreSQL, E two Parley nodes on PostgreSQL linked by Redis (D and E store every message before its ack too). ` +
      `B and C ack each send too. ${results.counting}`,
    '',
    'Latency is from the scheduled send time to arrival, in milliseconds; "gen" columns are the load generator\'s own ' +
      'CPU use and event-loop delay during the window. "CPU" is a process\'s user + system time from /proc/<pid>/stat; ' +
      '"core" is the busy time of the core it is pinned to, which also holds the kernel\'s softirq work for the loopback ' +
      'packets (not charged to any process). Percentages are of one core.',
    '',
    METHOD,
  ].join('\n');
}
