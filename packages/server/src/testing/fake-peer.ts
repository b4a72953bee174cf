/**
 * A Peer without a socket, for testing the hub and the chat logic directly:
 * it records every frame it is given, parsed, in the order a socket would
 * write them (holds and the welcome included).
 */
import type { ServerFrame, UserSummary, WelcomeFrame } from '@parley/protocol';
import type { Peer } from '../hub/peer.js';
import type { SharedFrame } from '../hub/shared-frame.js';

let nextId = 1;

export class FakePeer implements Peer {
  readonly id = nextId++;
  user: UserSummary;
  readonly sessionHash: string | null;
  rooms: readonly string[] = [];
  /** Every frame written, parsed. */
  readonly frames: ServerFrame[] = [];
  /** The SharedFrames delivered, to check that recipients share one. */
  readonly shared: SharedFrame[] = [];
  closedWith: { code: number; reason: string } | null = null;
  readonly backlogBytes = 0;
  #beforeWelcome: ServerFrame[] | null = [];
  readonly #held = new Map<string, Array<{ seq: number; frame: ServerFrame }>>();

  /** `welcomed`: as if its welcome were sent (hub tests, which send none). */
  constructor(user: UserSummary, options: { sessionHash?: string; welcomed?: boolean } = {}) {
    this.user = user;
    this.sessionHash = options.sessionHash ?? null;
    if (options.welcomed) this.#beforeWelcome = null;
  }

  get closed(): boolean {
    return this.closedWith !== null;
  }

  /** The seqs of the events received for `room`, in order. */
  seqs(room: string): number[] {
    return this.frames.flatMap((frame) => (frame.type === 'event' && frame.event.room === room ? [frame.event.seq] : []));
  }

  drained(): Promise<void> {
    return Promise.resolve();
  }

  welcome(frame: WelcomeFrame): void {
    const before = this.#beforeWelcome ?? [];
    this.#beforeWelcome = null;
    this.#write(frame);
    for (const earlier of before) this.#write(earlier);
  }

  send(frame: ServerFrame): number {
    this.#write(frame);
    return JSON.stringify(frame).length;
  }

  reply(frame: ServerFrame): void {
    this.#write(frame);
  }

  deliver(frame: SharedFrame): void {
    this.shared.push(frame);
    this.#write(JSON.parse(frame.json) as ServerFrame);
  }

  deliverEvent(room: string, seq: number, frame: SharedFrame): void {
    this.shared.push(frame);
    const parsed = JSON.parse(frame.json) as ServerFrame;
    const held = this.#held.get(room);
    if (held) held.push({ seq, frame: parsed });
    else this.#write(parsed);
  }

  hold(room: string): void {
    if (!this.#held.has(room)) this.#held.set(room, []);
  }

  release(room: string, replayedUpTo: number): void {
    const held = this.#held.get(room);
    this.#held.delete(room);
    for (const { seq, frame } of held ?? []) if (seq > replayedUpTo) this.#write(frame);
  }

  close(code: number, reason: string): void {
    this.closedWith ??= { code, reason };
  }

  #write(frame: ServerFrame): void {
    if (this.closed) return;
    if (this.#beforeWelcome !== null) this.#beforeWelcome.push(frame);
    else this.frames.push(frame);
  }
}
