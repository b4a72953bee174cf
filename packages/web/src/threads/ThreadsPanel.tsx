/** The threads the reader follows (§25), unread first, then by newest reply; choosing one opens it. */
import { useEffect } from 'react';
import type { RoomState, ThreadView } from '@parley/client';
import { useClient } from '../chat/ClientContext.js';
import { findMessage } from './QuoteBanner.js';
import { useI18n } from '../i18n/i18n.js';
import { Icon } from '../components/Icon.js';
import { Avatar } from '../components/Avatar.js';
import { formatDateTime, formatTime } from '../lib/time.js';
import { excerpt } from './QuotedReply.js';

export interface ThreadsPanelProps {
  threads: readonly ThreadView[];
  rooms: readonly RoomState[];
  onOpen(room: string, root: number): void;
  onClose(): void;
}

export function ThreadsPanel({ threads, rooms, onOpen, onClose }: ThreadsPanelProps) {
  const { m, locale } = useI18n();
  const client = useClient();
  // Read again on opening: the list held may lack the roots of threads followed since the connection began.
  useEffect(() => {
    client.loadThreads().catch(() => undefined);
  }, [client]);
  const today = new Date().toDateString();
  return (
    <aside className="thread-panel threads-list" aria-label={m.threadsTitle} data-testid="threads-panel">
      <header className="thread-panel-head">
        <div className="thread-panel-title">
          <h2>{m.threadsTitle}</h2>
        </div>
        <button type="button" className="icon-button" onClick={onClose} aria-label={m.closeThread} title={m.closeThread}>
          <Icon name="close" />
        </button>
      </header>
      <div className="thread-scroller">
        {threads.length === 0 && <p className="thread-note">{m.noThreads}</p>}
        <ul className="threads-items">
          {threads.map((thread) => {
            const room = rooms.find((r) => r.id === thread.room);
            const where = room ? (room.kind === 'dm' ? room.name : `#${room.name}`) : thread.room;
            const root = thread.message ?? (room ? findMessage(room, thread.root) : undefined);
            const when = new Date(thread.info.lastTs).toDateString() === today ? formatTime(thread.info.lastTs, { locale }) : formatDateTime(thread.info.lastTs, { locale });
            return (
              <li key={`${thread.room}#${thread.root}`}>
                <button
                  type="button"
                  className={thread.unread > 0 ? 'threads-item unread' : 'threads-item'}
                  onClick={() => onOpen(thread.room, thread.root)}
                  data-testid="threads-item"
                >
                  {root && <Avatar id={root.user.id} name={root.user.name} size={28} />}
                  <span className="threads-item-main">
                    <span className="threads-item-head">
                      <span className="threads-item-room">{where}</span>
                      <time className="threads-item-time">{when}</time>
                    </span>
                    <span className="threads-item-text">
                      {root ? <b>{root.user.name}</b> : null} {root ? (root.deleted ? m.quotedDeleted : excerpt(root.body)) : ''}
                    </span>
                    <span className="threads-item-foot">
                      {m.replyCount(thread.info.count)}
                      {thread.unread > 0 && <span className="badge">{m.threadUnread(thread.unread)}</span>}
                    </span>
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      </div>
    </aside>
  );
}
