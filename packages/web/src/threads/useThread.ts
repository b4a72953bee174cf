/** A thread's messages for its panel, read a page at a time (`ThreadPager`), and what reads the next page. */
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { ParleyClient } from '@parley/client';
import { ThreadPager, type ThreadMessages } from './thread-pager.js';

export function useThread(client: ParleyClient, room: string, root: number): ThreadMessages & { more(): void } {
  const pager = useMemo(() => new ThreadPager(client, room, root), [client, room, root]);
  useEffect(() => pager.open(), [pager]);
  const thread = useSyncExternalStore(pager.subscribe, pager.snapshot);
  return useMemo(() => ({ ...thread, more: pager.more }), [thread, pager]);
}
