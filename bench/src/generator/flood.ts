/**
 * S6, the flood: a seeder fills the lobby with long messages; then a bystander
 * pings on a fixed schedule and a sender posts on another (open model: due
 * times, answered or not), first for a baseline window, then while a flooder
 * writes the flood in one go and reads its replies. Each window's figures are
 * what the others saw. Parley only: the references have no history to flood.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { processCpuMicros } from '../proc-stats.js';
import { RawWsClient } from '../wire/raw-client.js';
import { CONNECT_TIMEOUT_MS, sourceAddress } from './bench-connection.js';
import { floodFrames, pingFrame, sendFrame } from './flood-frames.js';
import { FlooderThread } from './flooder-thread.js';
import type { BystanderView, FloodScenario, GeneratorJob, GeneratorOutcome, WindowEdge } from './job.js';
import { LatencyRecorder, summarize } from './phase-recorder.js';
import { protocolFor, type WireProtocol } from './protocols.js';

const USERS = { seeder: 0, flooder: 1, bystander: 2, sender: 3 } as const;
const SEED_BATCH = 100;
const POLL_MS = 5;
/** The start of a frame, enough to read its type and ref without decoding a megabyte page. */
const HEAD_BYTES = 96;
const PONG = /^\{"type":"pong","ref":"([^"]*)"/;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type OnFrame = (head: string, data: Buffer, start: number, end: number, receivedAt: number) => void;

/** Opens user `index`'s connection; resolves after its welcome. `onFrame` gets every later frame with its first bytes decoded. */
function open(job: GeneratorJob, protocol: WireProtocol, index: number, onFrame: OnFrame, onClose: (code: number | null) => void): Promise<RawWsClient> {
  const { path, headers } = protocol.handshake(index);
  return new Promise((resolve, reject) => {
    let welcomed = false;
    const timer = setTimeout(() => reject(new Error(`user ${index}: no welcome within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
    let client: RawWsClient | null = null;
    RawWsClient.open({
      host: job.host,
      port: job.ports[0]!,
      path,
      headers,
      localAddress: sourceAddress(index),
      timeoutMs: CONNECT_TIMEOUT_MS,
      onUpgrade: (upgraded) => (client = upgraded),
      onText(data, start, end, receivedAt) {
        const head = data.toString('latin1', start, Math.min(end, start + HEAD_BYTES));
        if (!welcomed) {
          if (!head.startsWith('{"type":"welcome"')) return;
          welcomed = true;
          clearTimeout(timer);
          resolve(client!);
          return;
        }
        onFrame(head, data, start, end, receivedAt);
      },
      onClose: (code, error) => {
        onClose(code);
        if (!welcomed) reject(error ?? new Error(`user ${index}: closed (${code}) before the welcome`));
      },
    }).catch(reject);
  });
}

/** Fills the lobby: `count` messages of `chars` characters, SEED_BATCH in flight at a time. */
async function seed(client: RawWsClient, acked: { count: number; refused: string }, count: number, chars: number): Promise<void> {
  const filler = 'x'.repeat(Math.max(0, chars - 12));
  for (let from = 0; from < count; from += SEED_BATCH) {
    const to = Math.min(count, from + SEED_BATCH);
    client.sendTexts(Array.from({ length: to - from }, (_, i) => sendFrame(`seed-${String(from + i).padStart(8, '0')}`, `${from + i} ${filler}`)));
    const deadline = performance.now() + 60_000;
    while (acked.count < to) {
      if (acked.refused) throw new Error(`seeding refused: ${acked.refused}`);
      if (performance.now() > deadline) throw new Error(`seeding: ${acked.count} of ${to} messages acked after 60 s`);
      await sleep(POLL_MS);
    }
  }
}

/** One window's records: each ping and post counts in the window it was sent in. */
class ProbeWindow {
  readonly ping = new LatencyRecorder();
  readonly fanout = new LatencyRecorder();
  readonly sendLag = new LatencyRecorder();
  outstanding = 0;
  windowMs = 0;
  serverCpuMicros = 0;

  view(): BystanderView {
    return {
      ping: summarize(this.ping),
      unansweredPings: this.outstanding,
      fanout: summarize(this.fanout),
      sendLagMs: summarize(this.sendLag),
      serverCpu: this.serverCpuMicros / (this.windowMs * 1000),
      windowMs: Math.round(this.windowMs),
    };
  }
}

/** The bystander's pings and the sender's posts, each on its schedule (open model: due times, answered or not). */
class Probes {
  window = new ProbeWindow();
  readonly #pings = new Map<string, { dueAt: number; window: ProbeWindow }>();
  readonly #posts = new Map<string, { dueAt: number; window: ProbeWindow }>();
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly bystander: RawWsClient,
    private readonly sender: RawWsClient,
    private readonly scenario: FloodScenario,
  ) {}

  get outstanding(): number {
    return this.#pings.size + this.#posts.size;
  }

  onBystanderFrame(text: string, receivedAt: number): void {
    const ref = PONG.exec(text)?.[1];
    const ping = ref === undefined ? undefined : this.#pings.get(ref);
    if (ping) {
      this.#pings.delete(ref!);
      ping.window.outstanding--;
      ping.window.ping.record((receivedAt - ping.dueAt) * 1000);
      return;
    }
    const id = /"id":"(post-\d+)"/.exec(text)?.[1];
    const post = id === undefined ? undefined : this.#posts.get(id);
    if (post) {
      this.#posts.delete(id!);
      post.window.fanout.record((receivedAt - post.dueAt) * 1000);
    }
  }

  start(): void {
    const began = performance.now();
    let pings = 0;
    let posts = 0;
    const tick = () => {
      const now = performance.now();
      const window = this.window;
      for (let dueAt = began + pings * this.scenario.pingIntervalMs; dueAt <= now; dueAt = began + ++pings * this.scenario.pingIntervalMs) {
        this.#pings.set(`ping-${pings}`, { dueAt, window });
        window.outstanding++;
        window.sendLag.record((now - dueAt) * 1000);
        this.bystander.sendText(pingFrame(pings));
      }
      for (let dueAt = began + posts * this.scenario.sendIntervalMs; dueAt <= now; dueAt = began + ++posts * this.scenario.sendIntervalMs) {
        const id = `post-${String(posts).padStart(8, '0')}`;
        this.#posts.set(id, { dueAt, window });
        window.sendLag.record((now - dueAt) * 1000);
        this.sender.sendText(sendFrame(id, `post ${posts}`));
      }
      this.#timer = setTimeout(tick, 1);
    };
    tick();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
  }

  /**
   * Closes the window in progress and opens the next. Its figures are read later (ProbeWindow.view):
   * summarizing takes the generator tens of milliseconds, which would hold the next window's probes up.
   */
  next(windowMs: number, serverCpuMicros: number): ProbeWindow {
    const closed = this.window;
    closed.windowMs = windowMs;
    closed.serverCpuMicros = serverCpuMicros;
    this.window = new ProbeWindow();
    return closed;
  }
}

export async function runFlood(job: GeneratorJob, scenario: FloodScenario, onWindow: (edge: WindowEdge) => void): Promise<GeneratorOutcome> {
  if (job.protocol !== 'parley') throw new Error('the flood scenario speaks Parley only');
  if (job.ports.length !== 1) throw new Error('the flood scenario runs against one node');
  const protocol = protocolFor(job.protocol, job.host, () => job.ports[0]!);
  const closes: Record<string, number> = {};
  const closed = (code: number | null) => (closes[String(code ?? 'no close frame')] = (closes[String(code ?? 'no close frame')] ?? 0) + 1);
  const began = performance.now();
  await protocol.logIn(Object.values(USERS), 4);
  const loginMs = performance.now() - began;

  const seeded = { count: 0, refused: '' };
  const seeder = await open(job, protocol, USERS.seeder, (head) => {
    if (head.startsWith('{"type":"ack","ref":"seed-')) seeded.count++;
    else if (head.startsWith('{"type":"error"')) seeded.refused ||= head;
  }, closed);
  await seed(seeder, seeded, scenario.seedMessages, scenario.seedChars);

  const flooder = await FlooderThread.open({ host: job.host, port: job.ports[0]!, ...protocol.handshake(USERS.flooder), localAddress: sourceAddress(USERS.flooder) });
  let probes: Probes | null = null;
  // The bystander's frames are small (pongs, the posts' events): read whole, to find a post's id after its author.
  const bystander = await open(job, protocol, USERS.bystander, (_head, data, start, end, at) => probes?.onBystanderFrame(data.toString('latin1', start, end), at), closed);
  let postRefused = '';
  const sender = await open(job, protocol, USERS.sender, (head) => {
    if (head.startsWith('{"type":"error"')) postRefused ||= head;
  }, closed);
  const connectMs = performance.now() - began - loginMs;
  probes = new Probes(bystander, sender, scenario);

  const loopDelay = monitorEventLoopDelay({ resolution: 2 });
  onWindow('start');
  probes.start();
  loopDelay.enable();
  let cpu = processCpuMicros(job.serverPids[0]!);
  let windowStart = performance.now();
  await sleep(scenario.baselineMs);
  const baseline = probes.next(performance.now() - windowStart, processCpuMicros(job.serverPids[0]!) - cpu);

  const frames = floodFrames(scenario).map((frame) => JSON.stringify(frame));
  cpu = processCpuMicros(job.serverPids[0]!);
  windowStart = performance.now();
  const replies = await flooder.flood(frames, scenario.floodTimeoutMs);
  const floodMs = performance.now() - windowStart;
  if (replies.closed !== null) closed(replies.closed);
  const flooded = probes.next(floodMs, processCpuMicros(job.serverPids[0]!) - cpu);
  probes.stop();
  // The last pings and posts have a second to be answered; what is not by then counts as unanswered.
  for (const until = performance.now() + 1000; probes.outstanding > 0 && performance.now() < until; ) await sleep(POLL_MS);
  loopDelay.disable();
  onWindow('end');
  process.stderr.write(`  generator event-loop delay during the run: p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms\n`);

  await Promise.all([seeder, bystander, sender].map((client) => client.close()));
  await flooder.close();
  if (postRefused) throw new Error(`the sender's posts were refused: ${postRefused}`);
  return {
    kind: 'flood',
    setup: { connections: 4, loginMs: Math.round(loginMs), connectMs: Math.round(connectMs), settleMs: 0, settled: true, framesDuringSetup: seeded.count, closes },
    flood: { frames: frames.length, answered: replies.answered, refused: replies.refused, floodMs: Math.round(floodMs), flooderClosed: replies.closed, baseline: baseline.view(), flooded: flooded.view() },
  };
}
