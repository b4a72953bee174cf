/**
 * Collects connections that have queued frames and flushes them all once, at
 * the end of the current turn of the event loop, so that every frame queued
 * for one connection in one turn leaves in one socket write.
 */
export interface Flushable {
  flush(): void;
}

const dirty = new Set<Flushable>();
let scheduled = false;

function flushAll(): void {
  scheduled = false;
  for (const connection of dirty) connection.flush();
  dirty.clear();
}

export function scheduleFlush(connection: Flushable): void {
  dirty.add(connection);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flushAll);
  }
}
