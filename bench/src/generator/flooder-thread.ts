/**
 * S6's flooder, in a thread of its own at the lowest CPU priority: reading a
 * flood's replies (hundreds of megabytes) is the generator's heaviest work, and
 * the bystander's probes on the main thread must not wait behind it — their
 * delay would count as the server's. The thread opens the connection, writes
 * the flood in one write when asked, and reports how its frames were answered.
 */
import { readlinkSync } from 'node:fs';
import { constants, setPriority } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { RawWsClient } from '../wire/raw-client.js';
import { CONNECT_TIMEOUT_MS } from './bench-connection.js';

interface FlooderData {
  role: 'flooder';
  host: string;
  port: number;
  path: string;
  headers: Record<string, string>;
  localAddress: string;
}

/** How the flood was answered: replies whose ref starts with `flood-`. */
export interface FloodReplies {
  answered: number;
  refused: number;
  /** The close code if the server closed the connection first. */
  closed: number | null;
}

type FromFlooder = { type: 'ready' } | { type: 'failed'; message: string } | ({ type: 'answered' } & FloodReplies);

const REPLY_HEAD = /^\{"type":"(ack|error)","ref":"flood-/;

export class FlooderThread {
  readonly #worker: Worker;
  #listener: ((message: FromFlooder) => void) | null = null;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (message: FromFlooder) => this.#listener?.(message));
  }

  static open(data: Omit<FlooderData, 'role'>): Promise<FlooderThread> {
    const thread = new FlooderThread(new Worker(new URL(import.meta.url), { workerData: { role: 'flooder', ...data } satisfies FlooderData }));
    return new Promise((resolve, reject) => {
      thread.#worker.once('error', reject);
      thread.#listener = (message) => {
        if (message.type === 'ready') resolve(thread);
        else if (message.type === 'failed') reject(new Error(`the flooder: ${message.message}`));
      };
    });
  }

  /** Writes `frames` in one write; resolves once each is answered, the connection closed, or `timeoutMs` passed. */
  flood(frames: readonly string[], timeoutMs: number): Promise<FloodReplies> {
    return new Promise((resolve) => {
      let last: FloodReplies = { answered: 0, refused: 0, closed: null };
      const timer = setTimeout(() => resolve(last), timeoutMs);
      this.#listener = (message) => {
        if (message.type !== 'answered') return;
        last = { answered: message.answered, refused: message.refused, closed: message.closed };
        if (last.answered >= frames.length || last.closed !== null) {
          clearTimeout(timer);
          resolve(last);
        }
      };
      this.#worker.postMessage(frames);
    });
  }

  close(): Promise<number> {
    return this.#worker.terminate();
  }
}

function runFlooder(data: FlooderData): void {
  const port = parentPort!;
  // Nice values are per thread on Linux (/proc/thread-self names this one); elsewhere it stays as it is.
  try {
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), constants.priority.PRIORITY_LOW);
  } catch {
    // No /proc: the figures may then include the generator's own delays (see its send lag).
  }
  const replies: FloodReplies = { answered: 0, refused: 0, closed: null };
  const report = () => port.postMessage({ type: 'answered', ...replies } satisfies FromFlooder);
  let welcomed = false;
  let client: RawWsClient | null = null;
  RawWsClient.open({
    host: data.host,
    port: data.port,
    path: data.path,
    headers: data.headers,
    localAddress: data.localAddress,
    timeoutMs: CONNECT_TIMEOUT_MS,
    onUpgrade: (upgraded) => (client = upgraded),
    onText(frame, start, end) {
      const head = frame.toString('latin1', start, Math.min(end, start + 64));
      if (!welcomed) {
        welcomed = head.startsWith('{"type":"welcome"');
        if (welcomed) port.postMessage({ type: 'ready' } satisfies FromFlooder);
        return;
      }
      const reply = REPLY_HEAD.exec(head);
      if (!reply) return;
      replies.answered++;
      if (reply[1] === 'error') replies.refused++;
      report();
    },
    onClose(code, error) {
      if (!welcomed) port.postMessage({ type: 'failed', message: error?.message ?? `closed (${code})` } satisfies FromFlooder);
      replies.closed = code ?? 1006;
      report();
    },
  }).catch((error: unknown) => port.postMessage({ type: 'failed', message: String(error) } satisfies FromFlooder));
  port.on('message', (frames: string[]) => client?.sendTexts(frames));
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === 'flooder') runFlooder(workerData as FlooderData);
