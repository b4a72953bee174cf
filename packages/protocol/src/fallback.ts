/**
 * The HTTP fallback transport (protocol.md §30): for networks that break
 * WebSockets. What the server sends comes as server-sent events on one
 * long-lived GET (the stream, which is the connection); what the client sends
 * goes in POSTs naming that stream. The frames are the same as on the
 * WebSocket, byte for byte.
 */
import { z } from 'zod';

/** `GET` here opens a stream (text/event-stream). */
export const FALLBACK_STREAM_PATH = '/fallback/stream';
/** `POST` here carries client frames to a stream. */
export const FALLBACK_FRAMES_PATH = '/fallback/frames';

/**
 * The SSE event names of a stream. A server frame is a plain `message` event
 * (no `event:` line) whose data is the frame's JSON; the first event is
 * `stream` (its data: the stream id); the last is `close`, unless the
 * connection simply drops (then the client acts as on WebSocket close 1006).
 */
export const FALLBACK_EVENT = { stream: 'stream', close: 'close' } as const;

/** Most frames one POST carries; a client with more sends them in the next POST. */
export const FALLBACK_POST_MAX_FRAMES = 64;

/** A stream id: 16 random bytes, base64url. It is a capability, with the credentials: never logged. */
export const fallbackStreamId = z.string().regex(/^[A-Za-z0-9_-]{22}$/);

/** Body of `POST /fallback/frames`: client frames (each validated as on the WebSocket, by the stream's session). */
export const fallbackPost = z.strictObject({
  stream: fallbackStreamId,
  frames: z.array(z.unknown()).min(1).max(FALLBACK_POST_MAX_FRAMES),
});
export type FallbackPost = z.infer<typeof fallbackPost>;

/** Answer of an accepted POST (202): its frames were taken, in order, by the stream's session. */
export interface FallbackAccepted {
  accepted: number;
}

/** Data of the `close` event: what a WebSocket's close frame would carry. */
export const fallbackClose = z.object({ code: z.number().int(), reason: z.string() });
export type FallbackClose = z.infer<typeof fallbackClose>;
