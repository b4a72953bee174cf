/**
 * What a connection writes its frames to and what a session reads them from:
 * a WebSocket (ws-wire.ts) or an HTTP fallback stream (sse-wire.ts). The
 * outbound queue, slow-consumer detection, frame validation and scheduling
 * (connection.ts, socket-session.ts) are the same whatever the wire.
 */
import type { FrameEncoder } from '../hub/shared-frame.js';

export interface Wire {
  /** How a frame's JSON goes on this wire. One function per transport: SharedFrame keeps one encoding per encoder. */
  readonly encode: FrameEncoder;
  /** Still open for frames both ways. */
  readonly open: boolean;
  /** The transport underneath is gone: writes go nowhere. */
  readonly destroyed: boolean;
  /** Bytes written that the network has not taken yet. */
  readonly writableLength: number;
  /** Writes encoded frames (whole frames only: frames never interleave). */
  write(chunk: Buffer): void;
  /** Resolves once every written byte is taken, or the wire is gone. */
  drained(): Promise<void>;
  /** Sends a frame before authentication, outside any connection's queue (an error answering the `auth` frame). */
  sendText(text: string): void;
  /** Ends with a close code (WebSocket close frame; SSE `close` event) after what was written. */
  close(code: number, reason: string): void;
  /** Drops the transport at once. */
  terminate(): void;
  /** Stops reading frames until `resume` (too many wait to be handled). */
  pause(): void;
  resume(): void;
}

/** Resolves once `stream` has no bytes waiting, or closed. */
export function drainedStream(stream: NodeJS.EventEmitter & { readonly writableLength: number; readonly destroyed: boolean }): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}
