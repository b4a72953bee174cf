/**
 * Carries POSTed frames to the node that holds their stream, for clusters
 * with no sticky sessions (protocol.md §30.4).
 *
 * Why this is sound. The stream is the connection: it lives on one node, like
 * a WebSocket, and everything a connection holds in memory (its rooms, the
 * holds of a resume, its queue, the order of its frames) lives there with it;
 * whatever must outlive it (the log, read markers, seqs to resume from,
 * client message ids that dedupe re-sends) is in the store. A POST may reach
 * any node: that node checks its credentials and publishes its frames on the
 * stream's topic, which only the stream's node subscribes to, and subscribed
 * before the client was told the stream's id. The stream's node feeds them to
 * the stream's session in order and answers on the POST node's own topic; the
 * POST is answered then. A client sends its next POST only after the last one
 * was answered, so frames reach the session in the order the client wrote
 * them, whichever nodes the POSTs reached. The bus delivers at most once: the
 * POST's node publishes its forward again every RESEND_MS until answered, and
 * the stream's node takes each forward once (by its node and number) and
 * answers every copy, so a forward or an answer lost in a short gap of the bus
 * costs a delay. After `timeoutMs` without an answer the POST fails (503) and
 * the client drops the stream and reconnects, as after a WebSocket cut — it
 * resumes from the store and re-sends its unacknowledged messages, which the
 * store stores once (by client id). Nothing is lost or reordered; nothing
 * depends on which node a request hits.
 *
 * Payloads are cut into parts of at most PAYLOAD_SAFE_BYTES (PostgreSQL's
 * NOTIFY takes 8,000 bytes); parts from one publisher arrive in order, and a
 * copy missing a part is dropped (the next copy may arrive whole).
 */
import type { Bus } from '../bus/bus.js';
import { PAYLOAD_SAFE_BYTES } from '../bus/bus.js';

/** What a POST carries to a stream: who sent it (checked again by the stream's node) and the frames' texts. */
export interface Forward {
  user: string;
  frames: string[];
}

/** The stream's node's answer: taken (all the frames, in order), no such stream there, or not this user's stream. */
export type Receipt = { status: 'accepted'; accepted: number } | { status: 'not_found' } | { status: 'forbidden' };

export type StreamHandler = (forward: Forward) => Promise<Receipt>;

const STREAM = 'fallback:';
const NODE = 'fallback-node:';
/** UTF-16 units per part: at most 3 bytes each in UTF-8, with room for the header. */
const PART_UNITS = Math.floor((PAYLOAD_SAFE_BYTES - 200) / 3);
/** An incomplete forward is dropped after this long, and a taken one forgotten (its POST is over by then). */
const PARTS_TTL_MS = 60_000;
/** A forward not answered in this long is published again. */
const RESEND_MS = 1000;

interface Parts {
  parts: string[];
  got: number;
  timer: NodeJS.Timeout;
}

/** Cuts `text` into slices of at most PART_UNITS, never between the two halves of a surrogate pair. */
export function cutIntoParts(text: string): string[] {
  const parts: string[] = [];
  for (let at = 0; at < text.length; ) {
    let end = Math.min(text.length, at + PART_UNITS);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    parts.push(text.slice(at, end));
    at = end;
  }
  return parts.length > 0 ? parts : [''];
}

export class FallbackRelay {
  readonly #bus: Bus;
  readonly #node: string;
  readonly #timeoutMs: number;
  readonly #streams = new Map<string, StreamHandler>();
  readonly #assembling = new Map<string, Parts>();
  /** Forwards taken here, by `<node> <post>`: their answer, or null while their frames are being taken. */
  readonly #taken = new Map<string, Receipt | null>();
  readonly #waiting = new Map<number, (receipt: Receipt | null) => void>();
  readonly #onError: (error: Error) => void;
  #nextPost = 1;

  /** `node`: this node's id in the cluster; `timeoutMs`: how long a forwarded POST waits for its answer. */
  constructor(options: { bus: Bus; node: string; timeoutMs: number; onError: (error: Error) => void }) {
    this.#bus = options.bus;
    this.#node = options.node;
    this.#timeoutMs = options.timeoutMs;
    this.#onError = options.onError;
  }

  /** Subscribes to this node's answers. */
  start(): Promise<void> {
    return this.#bus.subscribe(NODE + this.#node);
  }

  /** Takes the bus payloads of the relay's topics; true when `topic` was one of them. */
  received(topic: string, payload: string): boolean {
    if (topic.startsWith(STREAM)) {
      this.#part(topic.slice(STREAM.length), payload);
      return true;
    }
    if (topic === NODE + this.#node) {
      this.#answer(payload);
      return true;
    }
    return topic.startsWith(NODE);
  }

  /** Makes POSTs on other nodes reach `handler`; resolves once they can (before the client learns the id). */
  async register(stream: string, handler: StreamHandler): Promise<void> {
    this.#streams.set(stream, handler);
    await this.#bus.subscribe(STREAM + stream);
  }

  unregister(stream: string): void {
    this.#streams.delete(stream);
    void this.#bus.unsubscribe(STREAM + stream);
  }

  /** Sends a POST's frames to the stream's node; null when no answer came in time. */
  forward(stream: string, forward: Forward): Promise<Receipt | null> {
    const post = this.#nextPost++;
    const text = JSON.stringify(forward);
    const parts = cutIntoParts(text);
    let copy = 0;
    const publish = (): void => {
      const head = `${this.#node} ${post} ${copy++}`;
      parts.forEach((part, i) => this.#bus.publish(STREAM + stream, `${head} ${i} ${parts.length}\n${part}`));
    };
    return new Promise((resolve) => {
      const resend = setInterval(publish, RESEND_MS);
      const done = (receipt: Receipt | null): void => {
        clearInterval(resend);
        clearTimeout(timer);
        this.#waiting.delete(post);
        resolve(receipt);
      };
      const timer = setTimeout(() => done(null), this.#timeoutMs);
      this.#waiting.set(post, done);
      publish();
    });
  }

  close(): void {
    for (const done of [...this.#waiting.values()]) done(null);
    for (const parts of this.#assembling.values()) clearTimeout(parts.timer);
    this.#assembling.clear();
    this.#taken.clear();
  }

  #part(stream: string, payload: string): void {
    const newline = payload.indexOf('\n');
    const [from, post, copy, index, count] = payload.slice(0, newline).split(' ');
    const i = Number(index);
    const n = Number(count);
    if (newline < 0 || !from || !post || !copy || !(i >= 0 && i < n && n <= 10_000)) return;
    const key = `${stream} ${from} ${post} ${copy}`;
    let parts = this.#assembling.get(key);
    if (!parts) {
      const timer = setTimeout(() => this.#assembling.delete(key), PARTS_TTL_MS);
      timer.unref();
      parts = { parts: [], got: 0, timer };
      this.#assembling.set(key, parts);
    }
    // In publish order: a gap means a part was lost, and the forward with it.
    if (i !== parts.got) {
      clearTimeout(parts.timer);
      this.#assembling.delete(key);
      return;
    }
    parts.parts.push(payload.slice(newline + 1));
    if (++parts.got < n) return;
    clearTimeout(parts.timer);
    this.#assembling.delete(key);
    void this.#deliver(stream, from, Number(post), parts.parts.join(''));
  }

  /** Takes a forward's frames once, whatever the copies; answers each copy once it has an answer. */
  async #deliver(stream: string, from: string, post: number, text: string): Promise<void> {
    const key = `${from} ${post}`;
    const earlier = this.#taken.get(key);
    if (earlier === null) return;
    let receipt: Receipt = earlier ?? { status: 'not_found' };
    if (earlier === undefined) {
      this.#taken.set(key, null);
      setTimeout(() => this.#taken.delete(key), PARTS_TTL_MS).unref();
      try {
        const handler = this.#streams.get(stream);
        if (handler) receipt = await handler(JSON.parse(text) as Forward);
      } catch (error) {
        this.#onError(error as Error);
      }
      this.#taken.set(key, receipt);
    }
    this.#bus.publish(NODE + from, JSON.stringify({ post, receipt }));
  }

  #answer(payload: string): void {
    try {
      const { post, receipt } = JSON.parse(payload) as { post: number; receipt: Receipt };
      this.#waiting.get(post)?.(receipt);
    } catch (error) {
      this.#onError(error as Error);
    }
  }
}
