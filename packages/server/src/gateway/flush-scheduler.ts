/**
 * Collects connections that have queued frames and flushes them all once, at
 * the end of the current turn of the event loop, so that every frame queued
 * for one connection in one turn leaves in one socket write.
 *
 * Contract: a connection calls `scheduleFlush` when its queue goes from empty
 * to non-empty, so it is listed at most once per turn unless it flushed early
 * (on close); a second `flush` of an empty queue does nothing.
 */
export interface Flushable {
  flush(): void;
}

let dirty: Flushable[] = [];
let spare: Flushable[] = [];

function flushAll(): void {
  // Swap lists first: a flush may queue frames for the next turn (close → error frames).
  const list = dirty;
  dirty = spare;
  spare = list;
  for (let i = 0; i < list.length; i++) list[i]!.flush();
  list.length = 0;
  lastParts.length = 0;
  lastJoined = null;
}

/** The last `joinFrames` result, kept for the rest of this flush: the members of a room get the same frames. */
const lastParts: Buffer[] = [];
let lastJoined: Buffer | null = null;

/**
 * The frames of one connection's turn as one buffer. In a busy room every
 * member queued the very same frame buffers in the same order, so when the
 * parts are identical (same objects) to the previous connection's, the bytes
 * already joined are reused: one copy per turn instead of one per recipient.
 * Queued frames are never modified, so equal references mean equal bytes.
 */
export function joinFrames(parts: readonly Buffer[], totalBytes: number): Buffer {
  if (lastJoined !== null && parts.length === lastParts.length) {
    let same = true;
    for (let i = 0; i < parts.length && same; i++) same = parts[i] === lastParts[i];
    if (same) return lastJoined;
  }
  lastJoined = Buffer.concat(parts, totalBytes);
  lastParts.length = 0;
  for (let i = 0; i < parts.length; i++) lastParts.push(parts[i]!);
  return lastJoined;
}

export function scheduleFlush(connection: Flushable): void {
  if (dirty.push(connection) === 1) setImmediate(flushAll);
}
