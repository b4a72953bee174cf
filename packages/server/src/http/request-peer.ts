/**
 * A REST request as the chat logic sees it: a Peer (hub/peer.ts) that is
 * nobody's connection. The handler's one reply — its ack or its error — is the
 * request's answer; nothing is ever delivered to it (it joins no room: the
 * user's WebSocket connections receive the events the request causes).
 */
import type { ServerFrame, UserSummary, WelcomeFrame } from '@parley/protocol';
import type { Peer } from '../hub/peer.js';

/** Ids of request peers count down from -1: never a connection's (those count up). */
let lastId = 0;

export class RequestPeer implements Peer {
  readonly id = --lastId;
  user: UserSummary;
  readonly sessionHash: string | null;
  rooms: readonly string[] = [];
  readonly closed = false;
  readonly backlogBytes = 0;
  /** Settles with the handler's reply: an `ack` or an `error` frame. */
  readonly answer: Promise<ServerFrame>;
  #answer!: (frame: ServerFrame) => void;

  constructor(user: UserSummary, sessionHash: string | null) {
    this.user = user;
    this.sessionHash = sessionHash;
    this.answer = new Promise((resolve) => (this.#answer = resolve));
  }

  reply(frame: ServerFrame): void {
    this.#answer(frame);
  }

  // A request peer is in no room and holds no stream: what a connection is sent does not reach it.
  send(): number {
    return 0;
  }
  drained(): Promise<void> {
    return Promise.resolve();
  }
  welcome(_frame: WelcomeFrame): void {}
  deliver(): void {}
  deliverEvent(): void {}
  hold(): void {}
  release(): void {}
  close(): void {}
}
