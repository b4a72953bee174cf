/**
 * The scrolling list of a room's messages.
 *
 * Scrolling contract:
 * - While the person is at the bottom the view stays pinned to the newest row,
 *   whatever changes (new messages, the composer growing, a resize).
 * - When they have scrolled up nothing moves under them: before every change
 *   the first visible row and its offset are remembered, and restored after,
 *   so older pages loading above and edits or reactions above do not shift
 *   the view. New messages then raise the "new messages" button instead.
 * - Near the top, older history loads (infinite scroll back).
 *
 * Keyboard: rows use a roving tab stop; ArrowUp/ArrowDown/Home/End move
 * between messages, Escape returns to the composer.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { inThreadOnly, type RoomRights, type RoomState, type TimelineItem, type PendingMessage, type UserSummary, type MessageItem, type NoticeItem } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { buildRows, type Row } from '../lib/timeline-rows.js';
import { formatDay, formatTime } from '../lib/time.js';
import { mentions } from '../lib/rooms.js';
import { Icon } from '../components/Icon.js';
import { MessageRow, type MessageHandlers } from './MessageRow.js';
import { Notice } from './Notice.js';

/** Within this many pixels of the end counts as "at the bottom". */
const BOTTOM_SLACK = 32;
/** Older history starts loading when the view is this close to the top. */
const LOAD_OLDER_MARGIN = 600;
const PAGE_SIZE = 50;

export interface MessageListProps {
  room: RoomState;
  self: UserSummary;
  editing: number | null;
  setEditing(seq: number | null): void;
  handlers: MessageHandlers;
  loadOlder(): Promise<boolean>;
  /** Changes whenever the person sent a message: the view jumps to the bottom. */
  sentTick: number;
  onAtBottomChange(atBottom: boolean): void;
  onEscape(): void;
  /** A room previewed before joining: messages are shown, never acted on. */
  readOnly?: boolean;
  /** What the reader may do here (moderators remove others' messages). */
  rights?: RoomRights;
  /** Ids of the people the reader blocked: their messages are folded. */
  blocked?: ReadonlySet<string>;
}

type RoomRow = Row<TimelineItem, PendingMessage>;

export function MessageList(props: MessageListProps) {
  const { room, self, editing, setEditing, handlers, loadOlder, sentTick, onAtBottomChange, onEscape, readOnly = false, rights, blocked } = props;
  const roles = useMemo(() => new Map(room.members.map((member) => [member.user.id, member.role])), [room.members]);
  const mayRemove = rights?.may('delete_others') ?? false;
  const { m, locale } = useI18n();
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const anchor = useRef<{ key: string; top: number } | null>(null);
  const loading = useRef(false);
  const latest = useRef({ hasOlder: room.hasOlder, syncedSeq: room.syncedSeq, loadOlder, onAtBottomChange });
  latest.current = { hasOlder: room.hasOlder, syncedSeq: room.syncedSeq, loadOlder, onAtBottomChange };
  const [atBottom, setAtBottom] = useState(true);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [activeKey, setActiveKey] = useState<string | null>(null);
  // Frozen when the room opens, so the divider stays put while the room is being read.
  const [unreadAfter] = useState(() => (room.unread > 0 ? room.readSeq : undefined));
  // The newest seq when the reader left the bottom: what came after it is "new".
  const [leftAtSeq, setLeftAtSeq] = useState(room.syncedSeq);

  const isDm = room.kind === 'dm';
  const rows = useMemo(() => {
    // A DM's "created" and "joined" lines say nothing its heading does not.
    // Replies kept in their thread show there, not here (§25).
    const entries = room.timeline.filter((item) => (isDm ? item.kind !== 'created' && item.kind !== 'join' : true) && !(item.kind === 'message' && inThreadOnly(item)));
    const pending = room.pending.filter((p) => !inThreadOnly(p));
    return buildRows({ entries, pending, selfId: self.id, unreadAfter, time: { locale } });
  }, [isDm, room.timeline, room.pending, self.id, unreadAfter, locale]);
  const messageKeys = useMemo(() => rows.filter((r) => r.type === 'message' || r.type === 'pending').map((r) => r.key), [rows]);
  const currentActive = activeKey && messageKeys.includes(activeKey) ? activeKey : (messageKeys.at(-1) ?? null);

  const captureAnchor = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const top = el.getBoundingClientRect().top;
    // Dividers are not anchors: the day divider's key stays while older rows of that day arrive above it.
    for (const row of el.querySelectorAll<HTMLElement>('[data-row]:not([role="separator"])')) {
      const rect = row.getBoundingClientRect();
      if (rect.bottom > top) {
        anchor.current = { key: row.dataset.row!, top: rect.top - top };
        return;
      }
    }
    anchor.current = null;
  }, []);

  const maybeLoadOlder = useCallback(() => {
    const el = scroller.current;
    if (!el || loading.current || !latest.current.hasOlder || el.scrollTop > LOAD_OLDER_MARGIN) return;
    loading.current = true;
    setLoadingOlder(true);
    latest.current
      .loadOlder()
      .catch(() => undefined)
      .finally(() => {
        loading.current = false;
        setLoadingOlder(false);
      });
  }, []);

  const setBottom = useCallback((value: boolean) => {
    stick.current = value;
    setAtBottom(value);
    if (!value) setLeftAtSeq(latest.current.syncedSeq);
    latest.current.onAtBottomChange(value);
  }, []);

  const onScroll = useCallback(() => {
    const el = scroller.current!;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK;
    if (bottom !== stick.current) setBottom(bottom);
    captureAnchor();
    maybeLoadOlder();
  }, [captureAnchor, maybeLoadOlder, setBottom]);

  // After every change of rows: stay pinned, or keep the remembered row where it was.
  useLayoutEffect(() => {
    const el = scroller.current!;
    if (stick.current) {
      el.scrollTop = el.scrollHeight;
    } else if (anchor.current) {
      const row = el.querySelector<HTMLElement>(`[data-row="${CSS.escape(anchor.current.key)}"]`);
      if (row) el.scrollTop += row.getBoundingClientRect().top - el.getBoundingClientRect().top - anchor.current.top;
    }
    captureAnchor();
    maybeLoadOlder();
  }, [rows, loadingOlder, room.hasOlder, captureAnchor, maybeLoadOlder]);

  // Size changes that are not row changes (window, composer height, fonts): only the pinned view reacts.
  useEffect(() => {
    const el = scroller.current!;
    const observer = new ResizeObserver(() => {
      if (stick.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    observer.observe(content.current!);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (sentTick === 0) return;
    setBottom(true);
    scroller.current!.scrollTop = scroller.current!.scrollHeight;
  }, [sentTick, setBottom]);

  const newCount = atBottom ? 0 : countNewFromOthers(room.timeline, leftAtSeq, self.id);

  const jumpToBottom = () => {
    setBottom(true);
    const el = scroller.current!;
    el.scrollTop = el.scrollHeight;
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onEscape();
      return;
    }
    if (!['ArrowUp', 'ArrowDown', 'Home', 'End'].includes(event.key)) return;
    const target = event.target as HTMLElement;
    if (!target.matches('[data-row]')) return;
    const index = messageKeys.indexOf(target.dataset.row!);
    if (index < 0) return;
    const next =
      event.key === 'ArrowUp' ? index - 1 : event.key === 'ArrowDown' ? index + 1 : event.key === 'Home' ? 0 : messageKeys.length - 1;
    const key = messageKeys[Math.max(0, Math.min(messageKeys.length - 1, next))]!;
    event.preventDefault();
    setActiveKey(key);
    scroller.current!.querySelector<HTMLElement>(`[data-row="${CSS.escape(key)}"]`)?.focus();
  };

  return (
    <div className="message-area">
      <div
        ref={scroller}
        className="message-scroller"
        role="log"
        aria-label={m.messages(room.name)}
        aria-busy={loadingOlder}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
        onFocus={(event) => {
          const key = (event.target as HTMLElement).dataset?.row;
          if (key && messageKeys.includes(key)) setActiveKey(key);
        }}
        data-testid="message-scroller"
      >
        <div ref={content} className="message-content">
          {room.hasOlder ? (
            <div className="history-loading" aria-hidden={!loadingOlder}>
              {loadingOlder && (
                <>
                  <span className="spinner" />
                  <span>{m.loadingOlder}</span>
                </>
              )}
            </div>
          ) : (
            <div className="room-beginning">
              <p>{room.kind === 'dm' ? m.beginningOfDm(room.name) : m.beginningOfRoom(`#${room.name}`)}</p>
            </div>
          )}
          {rows.map((row) => renderRow(row))}
        </div>
      </div>
      {!atBottom && (
        <button type="button" className="jump-button" onClick={jumpToBottom} data-testid="jump-to-new">
          <Icon name="arrowDown" size={16} />
          {newCount > 0 ? m.jumpToNew(newCount) : m.jumpToLatest}
        </button>
      )}
    </div>
  );

  function renderRow(row: RoomRow) {
    switch (row.type) {
      case 'day':
        return (
          <div key={row.key} className="day-divider" role="separator" data-row={row.key}>
            <span>{formatDay(row.ts, Date.now(), { today: m.today, yesterday: m.yesterday }, { locale })}</span>
          </div>
        );
      case 'unread':
        return (
          <div key={row.key} className="unread-divider" role="separator" data-row={row.key}>
            <span>{m.newMessagesDivider}</span>
          </div>
        );
      case 'notice':
        return <Notice key={row.key} rowKey={row.key} item={row.entry as NoticeItem} time={formatTime(row.entry.ts, { locale })} />;
      case 'message': {
        const message = row.entry as MessageItem;
        return (
          <MessageRow
            key={row.key}
            rowKey={row.key}
            message={message}
            pending={null}
            authorId={message.user.id}
            authorName={handlers.nameOf(message.user.id, message.user.name)}
            selfId={self.id}
            startsGroup={row.startsGroup}
            mentionsSelf={mentions(message.body, self)}
            editing={editing === message.seq}
            active={currentActive === row.key}
            readOnly={readOnly}
            canRemove={mayRemove && message.user.id !== self.id && rights!.outranks(roles.get(message.user.id) ?? 'member')}
            hidden={blocked?.has(message.user.id) ?? false}
            setEditing={setEditing}
            handlers={handlers}
          />
        );
      }
      case 'pending':
        return (
          <MessageRow
            key={row.key}
            rowKey={row.key}
            message={null}
            pending={row.pending}
            authorId={self.id}
            authorName={self.name}
            selfId={self.id}
            startsGroup={row.startsGroup}
            mentionsSelf={false}
            editing={false}
            active={currentActive === row.key}
            readOnly={readOnly}
            canRemove={false}
            hidden={false}
            setEditing={setEditing}
            handlers={handlers}
          />
        );
    }
  }
}

function countNewFromOthers(timeline: readonly TimelineItem[], afterSeq: number, selfId: string): number {
  let count = 0;
  for (let i = timeline.length - 1; i >= 0 && timeline[i]!.seq > afterSeq; i--) {
    const item = timeline[i]!;
    if (item.kind === 'message' && item.user.id !== selfId && !item.deleted && !inThreadOnly(item)) count++;
  }
  return count;
}
