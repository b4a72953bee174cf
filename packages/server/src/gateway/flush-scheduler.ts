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

/**
 * The connections to flush at the end of this turn, and a spare list for the
 * next. Both are reused with a count and never shrunk: `length = 0` would drop
 * a 1,000-slot backing store every turn and grow it again slot by slot.
 */
let dirty: Array<Flushable | null> = [];
let dirtyCount = 0;
let spare: Array<Flushable | null> = [];

function flushAll(): void {
  // Swap lists first: a flush may queue frames for the next turn (close → error frames).
  const list = dirty;
  const count = dirtyCount;
  dirty = spare;
  dirtyCount = 0;
  spare = list;
  for (let i = 0; i < count; i++) {
    const connection = list[i]!;
    list[i] = null;
    connection.flush();
  }
  for (let i = 0; i < lastCount; i++) lastParts[i] = null;
  lastCount = 0;
  lastJoined = null;
}

/** The parts of the last `joinFrames` result (first `lastCount` slots), kept for the rest of this flush. */
const lastParts: Array<Buffer | null> = [];
let lastCount = 0;
let lastJoined: Buffer | null = null;

/**
 * The frames of one connection's turn — `first`, then `more[0 .. moreCount)` —
 * as one buffer. In a busy room every member queued the very same frame
 * buffers in the same order, so when the parts are identical (same objects)
 * to the previous connection's, the bytes already joined are reused: one copy
 * per turn instead of one per recipient. Queued frames are never modified, so
 * equal references mean equal bytes.
 */
export function joinFrames(first: Buffer, more: readonly Buffer[], moreCount: number, totalBytes: number): Buffer {
  if (lastJoined !== null && lastCount === moreCount + 1 && lastParts[0] === first) {
    let same = true;
    for (let i = 0; i < moreCount && same; i++) same = more[i] === lastParts[i + 1];
    if (same) return lastJoined;
  }
  const joined = Buffer.allocUnsafe(totalBytes);
  joined.set(first, 0);
  lastParts[0] = first;
  let offset = first.length;
  for (let i = 0; i < moreCount; i++) {
    const part = more[i]!;
    joined.set(part, offset);
    offset += part.length;
    lastParts[i + 1] = part;
  }
  lastCount = moreCount + 1;
  lastJoined = joined;
  return joined;
}

export function scheduleFlush(connection: Flushable): void {
  if (dirtyCount === 0) setImmediate(flushAll);
  dirty[dirtyCount++] = connection;
}
