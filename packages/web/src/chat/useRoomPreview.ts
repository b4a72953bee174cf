/**
 * The recent messages of a public room the person has not joined: pages of its
 * history (which the server serves to non-members of public rooms), read into a
 * timeline of their own. Not kept live — non-members get no events — but read
 * afresh each time the room is opened.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { timelineOf, type ParleyClient, type TimelineItem } from '@parley/client';

/** Events per page: the newest page first, older ones as the reader scrolls up. */
const PAGE = 50;

export interface RoomPreview {
  /** null while the first page loads. */
  timeline: readonly TimelineItem[] | null;
  hasOlder: boolean;
  failed: boolean;
  /** Loads the page before the oldest shown; resolves with whether older ones remain. */
  loadOlder(): Promise<boolean>;
}

export function useRoomPreview(client: ParleyClient, roomId: string): RoomPreview {
  const [state, setState] = useState<{ events: Map<number, TimelineItem> | null; oldest: number; hasOlder: boolean; failed: boolean }>({
    events: null,
    oldest: 0,
    hasOlder: false,
    failed: false,
  });
  const latest = useRef(state);
  latest.current = state;

  useEffect(() => {
    let cancelled = false;
    client.history(roomId, { limit: PAGE }).then(
      (page) => {
        if (cancelled) return;
        const items = timelineOf(page.events);
        setState({ events: new Map(items.map((item) => [item.seq, item])), oldest: page.events[0]?.seq ?? 0, hasOlder: page.hasBefore, failed: false });
      },
      () => !cancelled && setState((previous) => ({ ...previous, failed: true })),
    );
    return () => {
      cancelled = true;
    };
  }, [client, roomId]);

  const loadOlder = useCallback(async () => {
    const { events, oldest, hasOlder } = latest.current;
    if (!events || !hasOlder) return false;
    const page = await client.history(roomId, { before: oldest, limit: PAGE });
    // The page's later edits and reactions are already in the messages shown: what is new here is older items.
    const older = timelineOf(page.events).filter((item) => !events.has(item.seq));
    setState((previous) => ({
      events: new Map([...older.map((item): [number, TimelineItem] => [item.seq, item]), ...(previous.events ?? [])]),
      oldest: page.events[0]?.seq ?? previous.oldest,
      hasOlder: page.hasBefore,
      failed: false,
    }));
    return page.hasBefore;
  }, [client, roomId]);

  // The same array until a page arrives: the message list re-lays itself out when its timeline changes.
  const timeline = useMemo(() => (state.events ? [...state.events.values()].sort((a, b) => a.seq - b.seq) : null), [state.events]);
  return { timeline, hasOlder: state.hasOlder, failed: state.failed, loadOlder };
}
