/**
 * A thread's messages for its panel (§25): the root and its replies as the server pages them,
 * kept current by the room's live events (new replies, and edits, deletions and reactions of
 * the thread's messages), applied as the SDK applies a page (`timelineOf`).
 */
import { useEffect, useMemo, useState } from 'react';
import { timelineOf, type MessageItem, type ParleyClient, type RoomEvent } from '@parley/client';

/** Replies the panel loads at most (a thread longer than this shows its first ones). */
const THREAD_PAGE = 500;

export interface ThreadMessages {
  root: MessageItem | null;
  replies: MessageItem[];
  loaded: boolean;
  error: unknown;
}

function touches(event: RoomEvent, root: number, known: ReadonlyMap<number, RoomEvent>): boolean {
  switch (event.kind) {
    case 'message':
      return event.seq === root || event.thread === root;
    case 'edit':
    case 'delete':
    case 'reaction':
      return known.has(event.target);
    case 'ban':
      return (event.deleted ?? []).some((seq) => known.has(seq));
    default:
      return false;
  }
}

export function useThread(client: ParleyClient, room: string, root: number): ThreadMessages {
  const [events, setEvents] = useState<ReadonlyMap<number, RoomEvent>>(() => new Map());
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    setEvents(new Map());
    setLoaded(false);
    setError(null);
    // Live events first, so that none is missed between the page's read and its answer.
    const off = client.on('event', (event) => {
      if (event.room !== room) return;
      setEvents((held) => (touches(event, root, held) ? new Map(held).set(event.seq, event) : held));
    });
    client.replies(room, root, { limit: THREAD_PAGE }).then(
      (page) => {
        if (!live) return;
        setEvents((held) => {
          const next = new Map(held);
          // The page's messages are in their current state: they win over the live copies.
          for (const message of [page.root, ...page.replies]) next.set(message.seq, message);
          return next;
        });
        setLoaded(true);
      },
      (failure: unknown) => live && setError(failure),
    );
    return () => {
      live = false;
      off();
    };
  }, [client, room, root]);

  return useMemo(() => {
    const items = timelineOf([...events.values()]).filter((item): item is MessageItem => item.kind === 'message');
    return {
      root: items.find((item) => item.seq === root) ?? null,
      replies: items.filter((item) => item.thread === root),
      loaded,
      error,
    };
  }, [events, root, loaded, error]);
}
