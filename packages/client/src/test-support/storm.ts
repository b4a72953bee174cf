/**
 * The reconnect storm: thousands of clients connected to one node of a
 * cluster lose it at once (SIGKILL) and come back, through the surviving
 * nodes, resuming every room from the last seq they had — while a sender on a
 * surviving node keeps posting to every room. It measures how long until every
 * client has caught up (reconnected, and its resume answered after the events
 * it missed), and checks afterwards that every client's view of its room is
 * the room's log without gap or duplicate from where it started.
 *
 * The clients are raw WebSockets (a few KB each, so that one process holds
 * thousands) that reconnect as the SDK does: after a delay of full jitter
 * below 500 ms, doubling on each failed attempt (backoff.ts), to the
 * surviving nodes in turn (a round-robin balancer's behaviour).
 *
 * `npm run storm` runs 5,000 clients (storm-main.ts); a short one runs in
 * `npm test` (test/reconnect-storm.test.ts).
 */
import WebSocket from 'ws';
import { startCluster, type Cluster, type ClusterLink } from '@parley/server/testing/cluster';
import type { ServerFrame } from '@parley/protocol';
import { backoffDelay, DEFAULT_BACKOFF } from '../backoff.js';

export interface StormOptions {
  nodes: number;
  clients: number;
  rooms: number;
  /** The sender posts to each room once per this long, before, during and after the storm. */
  sendEveryMs: number;
  link?: ClusterLink;
  /**
   * Whether the survivors start cold: by default every client first connects once through a
   * survivor (joins its room there, closes, connects again and resumes), so that the survivors
   * have served connections before the storm, as the nodes of a running cluster have; cold
   * survivors meet the storm with their connection path neither compiled nor cached.
   */
  cold?: boolean;
  log?: (line: string) => void;
}

export interface StormReport {
  options: Omit<StormOptions, 'log'>;
  /** Clients connected to the killed node (all of them). */
  clients: number;
  /** ms from the kill until each client caught up, at these percentiles; null when some never did. */
  caughtUpMs: Percentiles | null;
  /** ms from the kill until each client's socket closed, and until its `welcome` from a survivor. */
  closedMs: Percentiles | null;
  welcomedMs: Percentiles | null;
  /** Clients that had not caught up when the run gave up waiting. */
  notCaughtUp: number;
  /** Reconnect attempts that failed (refused or dropped handshakes) and were retried. */
  failedAttempts: number;
  /** Resumes answered other than `ok` (must be 0: the log has every event). */
  resumesNotOk: number;
  /** Clients whose view of their room still has a gap, or stops short of the log (must be 0). */
  viewErrors: number;
  /** Events a client received twice (live after `welcome`, then again in the resume's replay) and dropped by seq. */
  duplicatesDropped: number;
  /** Messages the sender had acked during the storm. */
  sentDuringStorm: number;
}

export interface Percentiles {
  p50: number;
  p99: number;
  max: number;
}

const CATCH_UP_LIMIT_MS = 60_000;

type Frame = ServerFrame & Record<string, unknown>;

/**
 * One storm client: its room, and the events it applied there by the rules of
 * protocol.md §9.2 (a duplicate is dropped, an event past a gap is held until
 * the gap is filled — here by the resume, which the client sends at once).
 */
class StormClient {
  /** Seqs applied, in order; contiguous by construction from the first. */
  readonly applied: number[] = [];
  /** Events past a gap, waiting for the events before them. */
  readonly held = new Set<number>();
  duplicates = 0;
  ws: WebSocket | null = null;
  attempts = 0;
  failedAttempts = 0;
  closedAt: number | null = null;
  welcomedAt: number | null = null;
  caughtUpAt: number | null = null;
  resumeStatus: string | null = null;
  #resuming = false;
  #joined: { resolve: () => void; reject: (error: Error) => void } | null = null;

  constructor(
    readonly token: string,
    readonly room: string,
  ) {}

  /** Joins the client's room; resolves once the join is acked (stored). */
  join(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#joined = { resolve, reject };
      this.ws!.send(JSON.stringify({ type: 'join', ref: 'storm-join', room: this.room }));
    });
  }

  /** Forgets what the client saw and when: its view starts again at its next connection. */
  forget(): void {
    this.applied.length = 0;
    this.held.clear();
    this.duplicates = 0;
    this.welcomedAt = this.caughtUpAt = this.closedAt = null;
    this.resumeStatus = null;
  }

  /** Closes the connection without reconnecting; resolves once it is closed. */
  closeQuietly(): Promise<void> {
    const ws = this.ws!;
    ws.removeAllListeners('close');
    if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      ws.once('close', () => resolve());
      ws.close();
    });
  }

  get lastSeq(): number {
    return this.applied.at(-1) ?? 0;
  }

  #receive(seq: number): void {
    if (this.applied.length === 0) this.applied.push(seq);
    else if (seq <= this.lastSeq || this.held.has(seq)) this.duplicates++;
    else if (seq > this.lastSeq + 1) this.held.add(seq);
    else {
      this.applied.push(seq);
      while (this.held.delete(this.lastSeq + 1)) this.applied.push(this.lastSeq + 1);
    }
  }

  /** Opens a connection; resolves once `welcome` came (or rejects when the handshake fails). */
  open(wsUrl: string, onClose: (client: StormClient) => void, resume: boolean, now: () => number): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${this.token}` } });
      this.ws = ws;
      let welcomed = false;
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as Frame;
        if (frame.type === 'welcome') {
          welcomed = true;
          this.welcomedAt = now();
          if (resume) {
            this.#resuming = true;
            ws.send(JSON.stringify({ type: 'resume', ref: 'storm-resume', rooms: [{ room: this.room, after: this.lastSeq }] }));
          }
          resolve();
        } else if (frame.type === 'event') {
          const event = frame.event as { room: string; seq: number };
          if (event.room === this.room) this.#receive(event.seq);
        } else if (frame.type === 'ack' && frame.ref === 'storm-resume' && this.#resuming) {
          this.#resuming = false;
          this.resumeStatus = (frame.rooms as Array<{ status: string }>)[0]?.status ?? 'missing';
          this.caughtUpAt = now();
        } else if (frame.ref === 'storm-join') {
          if (frame.type === 'ack') this.#joined?.resolve();
          else this.#joined?.reject(new Error(`join refused: ${String(frame.code)}`));
        } else if (frame.type === 'error' && frame.ref === 'storm-resume') {
          this.#resuming = false;
          this.resumeStatus = String(frame.code);
        }
      });
      ws.on('error', () => undefined);
      ws.on('close', () => {
        if (!welcomed) reject(new Error('closed before welcome'));
        else {
          this.closedAt = now();
          onClose(this);
        }
      });
    });
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function percentiles(times: number[]): Percentiles | null {
  if (times.length === 0) return null;
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: Math.round(percentile(sorted, 50)), p99: Math.round(percentile(sorted, 99)), max: Math.round(sorted.at(-1)!) };
}

async function inBatches<T>(items: readonly T[], size: number, body: (item: T, index: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map((item, k) => body(item, i + k)));
}

async function postJson<T>(url: string, body: unknown, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A raw client that sends requests and waits for their acks (the sender and the founder). */
async function requester(wsUrl: string, token: string): Promise<{ request(frame: Record<string, unknown>): Promise<Frame>; ws: WebSocket; log: Frame[] }> {
  const ws = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${token}` } });
  const pending = new Map<string, { resolve: (frame: Frame) => void; reject: (error: Error) => void }>();
  const log: Frame[] = [];
  let n = 0;
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      if (frame.type === 'welcome') resolve();
      if (frame.type === 'event') log.push(frame);
      const ref = (frame.ref ?? frame.id) as string | undefined;
      if ((frame.type === 'ack' || frame.type === 'error') && ref !== undefined && pending.has(ref)) {
        const waiter = pending.get(ref)!;
        pending.delete(ref);
        if (frame.type === 'ack') waiter.resolve(frame);
        else waiter.reject(new Error(`${String(frame.code)}: ${String(frame.message)}`));
      }
    });
    ws.on('error', reject);
  });
  return {
    ws,
    log,
    request(frame) {
      const ref = `q${++n}`;
      // A send is answered under its id, anything else under its ref.
      const key = frame.type === 'send' ? `storm-${Date.now()}-${n}` : ref;
      const keyed = frame.type === 'send' ? { ...frame, id: key } : { ...frame, ref };
      return new Promise((resolve, reject) => {
        pending.set(key, { resolve, reject });
        ws.send(JSON.stringify(keyed));
      });
    },
  };
}

export async function runStorm(options: StormOptions): Promise<StormReport> {
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  const now = () => performance.now() - started;
  let cluster: Cluster | null = null;
  const clients: StormClient[] = [];
  try {
    cluster = await startCluster({
      count: options.nodes,
      link: options.link ?? 'redis',
      env: { RATE_LIMITS: 'off', MAX_CONNECTIONS_PER_ADDRESS: '0' },
    });
    const [victim, ...survivors] = cluster.nodes;
    log(`cluster: ${options.nodes} nodes (${options.link ?? 'redis'}); ${options.clients} clients on node 0, which dies`);

    const founderGuest = await postJson<{ token: string }>(`${survivors[0]!.url}/api/auth/guest`, { name: 'Storm sender' });
    const sender = await requester(survivors[0]!.wsUrl, founderGuest.token);
    const rooms: string[] = [];
    for (let r = 0; r < options.rooms; r++) {
      const ack = await sender.request({ type: 'create', name: `Storm ${r}`, kind: 'public' });
      rooms.push((ack.room as { id: string }).id);
    }

    // Everyone signs in and joins one room on the node that will die.
    const tokens: string[] = new Array(options.clients);
    await inBatches(Array.from({ length: options.clients }, (_, i) => i), 100, async (i) => {
      tokens[i] = (await postJson<{ token: string }>(`${survivors[i % survivors.length]!.url}/api/auth/guest`, { name: `Storm ${i}` })).token;
    });
    const onClose = (client: StormClient) => void reconnect(client);
    const stay = () => undefined;
    await inBatches(tokens, 100, async (token, i) => {
      const client = new StormClient(token, rooms[i % rooms.length]!);
      if (options.cold) {
        await client.open(victim!.wsUrl, onClose, false, now);
        await client.join();
      } else {
        // Through a survivor first: a join, then a reconnect with resume, as the storm's will be.
        const survivor = survivors[i % survivors.length]!;
        await client.open(survivor.wsUrl, stay, false, now);
        await client.join();
        await client.closeQuietly();
        await client.open(survivor.wsUrl, stay, true, now);
        while (client.caughtUpAt === null) await new Promise((resolve) => setTimeout(resolve, 5));
        await client.closeQuietly();
        client.forget();
        await client.open(victim!.wsUrl, onClose, false, now);
      }
      clients.push(client);
    });
    log(`${clients.length} clients connected and joined in ${(now() / 1000).toFixed(1)} s`);

    let sending = true;
    let sentDuringStorm = 0;
    let killedAt = Infinity;
    const sending$ = (async () => {
      while (sending) {
        const round = performance.now();
        await Promise.all(rooms.map((room) => sender.request({ type: 'send', room, body: `tick ${Math.round(now())}` }).then(() => now() > killedAt && sentDuringStorm++)));
        const left = options.sendEveryMs - (performance.now() - round);
        if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
      }
    })();
    // Every client has joined and seen traffic before the node dies.
    await new Promise((resolve) => setTimeout(resolve, Math.max(2000, options.sendEveryMs * 2)));

    let next = 0;
    async function reconnect(client: StormClient): Promise<void> {
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(client.attempts++, DEFAULT_BACKOFF)));
        const node = survivors[next++ % survivors.length]!;
        try {
          await client.open(node.wsUrl, onClose, true, now);
          return;
        } catch {
          client.failedAttempts++;
        }
      }
    }

    killedAt = now();
    await cluster.kill(0);
    log('node 0 killed');
    const deadline = killedAt + CATCH_UP_LIMIT_MS;
    while (clients.some((client) => client.caughtUpAt === null) && now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const waited = clients.filter((client) => client.caughtUpAt !== null).map((client) => client.caughtUpAt! - killedAt).sort((a, b) => a - b);
    const sinceKill = (at: (client: StormClient) => number | null): number[] =>
      clients.map(at).filter((t): t is number => t !== null).map((t) => t - killedAt);
    const closedMs = percentiles(sinceKill((c) => c.closedAt));
    const welcomedMs = percentiles(sinceKill((c) => c.welcomedAt));
    log(`after the kill: sockets closed ${JSON.stringify(closedMs)} ms; welcomed again ${JSON.stringify(welcomedMs)} ms`);
    log(`caught up: ${waited.length} of ${clients.length}; slowest after ${((waited.at(-1) ?? 0) / 1000).toFixed(2)} s`);

    // The sender stops; what it sent reaches everyone; then each view is compared with the log.
    sending = false;
    await sending$;
    const last = new Map<string, number>();
    for (const frame of sender.log) {
      const event = frame.event as { room: string; seq: number };
      last.set(event.room, Math.max(last.get(event.room) ?? 0, event.seq));
    }
    const settle = now() + 10_000;
    while (clients.some((client) => client.lastSeq < (last.get(client.room) ?? 0)) && now() < settle) await new Promise((resolve) => setTimeout(resolve, 50));
    // A view is wrong when events are still held past a gap, or it stops short of the log.
    let viewErrors = 0;
    for (const client of clients) {
      const wanted = last.get(client.room) ?? 0;
      if (client.held.size > 0 || client.lastSeq !== wanted) {
        viewErrors++;
        if (viewErrors <= 3) log(`view error in ${client.room}: applied ${client.applied[0]}..${client.lastSeq}, held ${JSON.stringify([...client.held])}, log ends at ${wanted}`);
      }
    }
    const statuses = new Map<string, number>();
    for (const client of clients) statuses.set(String(client.resumeStatus), (statuses.get(String(client.resumeStatus)) ?? 0) + 1);
    log(`resume answers: ${JSON.stringify(Object.fromEntries(statuses))}`);
    sender.ws.close();
    const complete = waited.length === clients.length;
    return {
      options: { nodes: options.nodes, clients: options.clients, rooms: options.rooms, sendEveryMs: options.sendEveryMs, link: options.link ?? 'redis', cold: options.cold ?? false },
      clients: clients.length,
      caughtUpMs: complete ? percentiles(waited) : null,
      closedMs,
      welcomedMs,
      notCaughtUp: clients.length - waited.length,
      failedAttempts: clients.reduce((sum, client) => sum + client.failedAttempts, 0),
      resumesNotOk: clients.filter((client) => client.resumeStatus !== null && client.resumeStatus !== 'ok').length,
      viewErrors,
      duplicatesDropped: clients.reduce((sum, client) => sum + client.duplicates, 0),
      sentDuringStorm,
    };
  } finally {
    for (const client of clients) client.ws?.removeAllListeners('close').close();
    await cluster?.stop();
  }
}
