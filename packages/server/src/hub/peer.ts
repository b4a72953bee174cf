/**
 * A client connection as the hub and the chat logic know it: who it is, which
 * rooms it receives, and ways to queue frames for it. The WebSocket gateway's
 * Connection is one; tests use a fake. Nothing here knows of sockets.
 */
import type { ServerFrame, UserSummary, WelcomeFrame } from '@parley/protocol';
import type { SharedFrame } from './shared-frame.js';

export interface Peer {
  readonly id: number;
  /** Who it is; the hub updates the name when the user renames themself. */
  user: UserSummary;
  /** The session it signed in with (null for a JWT), so that a logout closes exactly its connections. */
  readonly sessionHash: string | null;
  /** The rooms whose live frames it receives: its user's memberships, kept by the hub (ask `Hub.has`). */
  rooms: readonly string[];
  readonly closed: boolean;
  /** Bytes queued for it or on their way that the network has not taken yet. */
  readonly backlogBytes: number;
  /** Writes what is queued, and resolves once the network has taken it all, or the peer closed. */
  drained(): Promise<void>;
  /** Sends `welcome`, its first frame, then whatever the hub delivered before it. */
  welcome(frame: WelcomeFrame): void;
  /** Queues one frame for this peer only; returns its size in bytes (what a replay counts). */
  send(frame: ServerFrame): number;
  /** Queues the answer to one of its own requests and has it written without waiting for the next round of writes. */
  reply(frame: ServerFrame): void;
  /** Queues a frame shared by many peers (the hub serialized it once). */
  deliver(frame: SharedFrame): void;
  /** Queues a room's event, or holds it back while that room is being resumed. */
  deliverEvent(room: string, seq: number, frame: SharedFrame): void;
  /** Holds back the room's live events while a resume reads its replay… */
  hold(room: string): void;
  /** …and delivers the held ones newer than `replayedUpTo`, in order. */
  release(room: string, replayedUpTo: number): void;
  /** Flushes what is queued (unless it is a slow consumer's close), then closes with `code`. */
  close(code: number, reason: string): void;
}
