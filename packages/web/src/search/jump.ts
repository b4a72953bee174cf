/**
 * Showing a search result in its room: the room opens, its timeline loads back to the message
 * and some history before it (ParleyClient.loadAround), and the view scrolls to the message
 * and marks it for a moment.
 */
import type { ParleyClient, SearchResult } from '@parley/client';

/** How long the found message stays marked. */
const MARK_MS = 2500;
/** How long to wait for the message's row to be drawn. */
const DRAW_WAIT_MS = 5000;

/** Resolves with whether the message was shown. */
export async function jumpToResult(client: ParleyClient, result: SearchResult, open: (room: string) => void): Promise<boolean> {
  const { room, seq } = result.event;
  if (!client.room(room)) {
    // A public room the person has not joined and that is not listed: found in the directory, shown as a preview.
    const page = await client.directory({ query: result.roomName, limit: 100 });
    const summary = page.rooms.find((r) => r.id === room);
    if (!summary) return false;
    client.showRoom(summary);
  }
  open(room);
  if (!(await client.loadAround(room, seq))) return false;
  const row = await drawn(room, seq);
  if (!row) return false;
  row.scrollIntoView({ block: 'center' });
  // An attribute React does not manage: a re-render of the row keeps it.
  row.dataset.searchTarget = '';
  row.focus({ preventScroll: true });
  setTimeout(() => delete row.dataset.searchTarget, MARK_MS);
  return true;
}

/** The message's row once the open room draws it; null if it does not in time. */
function drawn(room: string, seq: number): Promise<HTMLElement | null> {
  const started = performance.now();
  return new Promise((resolve) => {
    const look = () => {
      const row = location.pathname.endsWith(encodeURIComponent(room)) ? document.querySelector<HTMLElement>(`.message-scroller [data-seq="${seq}"]`) : null;
      if (row) resolve(row);
      else if (performance.now() - started > DRAW_WAIT_MS) resolve(null);
      else requestAnimationFrame(look);
    };
    look();
  });
}
