/**
 * A thread beside the room (§25): its root, its replies, a composer that answers in the thread
 * ("also send to the room" as an option), and Follow. Beside the conversation on wide screens,
 * over it on medium ones, the whole screen on phones. While it is open and the page is seen,
 * the thread is marked read up to its newest reply. A thread longer than a page opens at its
 * start and reads on a page at a time where its loaded replies end; replies that arrive
 * meanwhile show after that point.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { OutboxFullError, rightsIn, type Attachment, type MessageItem, type PendingMessage, type RoomState, type UserSummary } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { useClient } from '../chat/ClientContext.js';
import { errorText } from '../chat/error-text.js';
import { Icon } from '../components/Icon.js';
import { Composer } from '../composer/Composer.js';
import { MessageRow, type MessageHandlers } from '../messages/MessageRow.js';
import { buildRows } from '../lib/timeline-rows.js';
import { mentions } from '../lib/rooms.js';
import { MoreReplies } from './MoreReplies.js';
import { useThread } from './useThread.js';

const READ_DEBOUNCE_MS = 400;

export interface ThreadPanelProps {
  room: RoomState;
  root: number;
  self: UserSummary;
  maxChars: number;
  maxFileBytes: number;
  maxAttachments: number;
  admin: boolean;
  blocked: ReadonlySet<string>;
  requestDelete(seq: number): void;
  requestRemove(seq: number): void;
  requestReport(seq: number): void;
  toast(text: string): void;
  onClose(): void;
}

export function ThreadPanel(props: ThreadPanelProps) {
  const { room, root, self, blocked, toast, onClose } = props;
  const client = useClient();
  const { m, locale } = useI18n();
  const thread = useThread(client, room.id, root);
  const state = client.thread(room.id, root);
  const [alsoInRoom, setAlsoInRoom] = useState(false);
  const [editing, setEditing] = useState<number | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const opened = useRef(false);
  /** After "more": the newest reply seq before the page, whose next reply takes the focus. */
  const focusAfter = useRef<number | null>(null);
  const latest = useRef({ props, m });
  latest.current = { props, m };
  const rights = useMemo(() => rightsIn(room, props.admin), [room, props.admin]);
  const roles = useMemo(() => new Map(room.members.map((member) => [member.user.id, member.role])), [room.members]);
  const label = room.kind === 'dm' ? room.name : `#${room.name}`;
  // Read up to the newest reply loaded without a gap: live ones past unloaded replies wait for them.
  const lastSeq = thread.replies.at(-1)?.seq ?? root;
  const pending = room.pending.filter((p: PendingMessage) => p.thread === root);

  // Seen: read up to the newest reply.
  useEffect(() => {
    if (!thread.loaded || thread.replies.length === 0 || document.visibilityState !== 'visible') return;
    if (state && state.readSeq >= lastSeq) return;
    const timer = setTimeout(() => client.markThreadRead(room.id, root, lastSeq).catch(() => undefined), READ_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [client, room.id, root, lastSeq, thread.loaded, thread.replies.length, state]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && !event.defaultPrevented && latest.current.props.onClose();
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    // Longer than a page, the thread is read from its start; shorter, it opens at its newest reply.
    if (thread.loaded && !opened.current) {
      opened.current = true;
      if (thread.notLoaded > 0) stick.current = false;
    }
    const first = focusAfter.current === null ? undefined : thread.replies.find((reply) => reply.seq > focusAfter.current!);
    if (first) {
      focusAfter.current = null;
      el.querySelector<HTMLElement>(`article[data-seq="${first.seq}"]`)?.focus();
    }
    if (stick.current) el.scrollTop = el.scrollHeight;
  }, [thread.replies, thread.later, thread.loaded, thread.notLoaded, pending.length]);

  const more = () => {
    // The page goes where the reader is: keep the view, and put the focus on its first reply.
    stick.current = false;
    focusAfter.current = thread.replies.at(-1)?.seq ?? root;
    thread.more();
  };

  const handlers = useMemo<MessageHandlers>(
    () => ({
      react: (seq, emoji, on) => {
        client.react(room.id, seq, emoji, on).catch((error: unknown) => latest.current.props.toast(errorText(error, latest.current.m)));
      },
      edit: async (seq, body) => {
        await client.edit(room.id, seq, body);
      },
      remove: (seq) => latest.current.props.requestDelete(seq),
      removeOthers: (seq) => latest.current.props.requestRemove(seq),
      report: (seq) => latest.current.props.requestReport(seq),
      retry: (id) => void client.retry(id).catch(() => undefined),
      discard: (id) => void client.discard(id),
      nameOf: (id, fallback) => latest.current.props.room.members.find((member) => member.user.id === id)?.user.name ?? fallback ?? id,
    }),
    [client, room.id],
  );

  const send = (body: string, attachments: Attachment[]) => {
    stick.current = true;
    client
      .send(room.id, body, { thread: root, alsoInRoom, ...(attachments.length > 0 ? { attachments } : {}) })
      .catch((error: unknown) => error instanceof OutboxFullError && toast(errorText(error, m)));
  };

  const following = state?.following ?? false;
  const replyTotal = Math.max(thread.root?.replies?.count ?? 0, thread.replies.length + thread.later.length);
  // Replies past the ones not loaded yet start their own run of rows, after the "more" button.
  const rows = buildRows({ entries: thread.replies, pending: thread.notLoaded > 0 ? [] : pending, selfId: self.id, time: { locale } });
  const laterRows = thread.notLoaded > 0 ? buildRows({ entries: thread.later, pending, selfId: self.id, time: { locale } }) : [];
  const row = (message: MessageItem | null, p: PendingMessage | null, key: string, startsGroup: boolean) => {
    const authorId = message ? message.user.id : self.id;
    return (
      <MessageRow
        key={key}
        rowKey={key}
        message={message}
        pending={p}
        authorId={authorId}
        authorName={message ? handlers.nameOf(authorId, message.user.name) : self.name}
        selfId={self.id}
        startsGroup={startsGroup}
        mentionsSelf={message ? mentions(message.body, self) : false}
        editing={message !== null && editing === message.seq}
        active={false}
        readOnly={false}
        canRemove={message !== null && message.user.id !== self.id && rights.may('delete_others') && rights.outranks(roles.get(message.user.id) ?? 'member')}
        hidden={blocked.has(authorId)}
        setEditing={setEditing}
        handlers={handlers}
      />
    );
  };

  const rowOf = (r: (typeof rows)[number]) =>
    r.type === 'message' ? row(r.entry, null, r.key, r.startsGroup) : r.type === 'pending' ? row(null, r.pending, r.key, r.startsGroup) : null;

  return (
    <aside className="thread-panel" aria-label={m.threadTitle} data-testid="thread-panel">
      <header className="thread-panel-head">
        <div className="thread-panel-title">
          <h2>{m.threadTitle}</h2>
          <span className="thread-panel-room">{m.threadIn(label)}</span>
        </div>
        <button
          type="button"
          className={following ? 'button small thread-follow on' : 'button small thread-follow'}
          aria-pressed={following}
          title={following ? m.unfollowHint : m.followHint}
          onClick={() => client.follow(room.id, root, !following).catch((error: unknown) => toast(errorText(error, m)))}
        >
          {following ? m.followingThread : m.followThread}
        </button>
        <button type="button" className="icon-button" onClick={onClose} aria-label={m.closeThread} title={m.closeThread}>
          <Icon name="close" />
        </button>
      </header>
      <div
        ref={scroller}
        className="thread-scroller"
        onScroll={(event) => {
          const el = event.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight <= 32;
        }}
      >
        {thread.root ? row(thread.root, null, `root-${root}`, true) : thread.loaded && <p className="thread-note">{m.rootDeleted}</p>}
        {!thread.loaded && !thread.error && <p className="thread-note">{m.loadingThread}</p>}
        {!thread.loaded && thread.error !== null && <p className="thread-note error">{errorText(thread.error, m)}</p>}
        {replyTotal > 0 && (
          <div className="thread-divider" role="separator">
            <span>{m.replyCount(replyTotal)}</span>
          </div>
        )}
        {rows.map(rowOf)}
        {thread.notLoaded > 0 && <MoreReplies notLoaded={thread.notLoaded} loading={thread.loading} error={thread.error} onMore={more} />}
        {laterRows.map(rowOf)}
      </div>
      {rights.mayPost(Date.now()) && (
        <Composer
          key={`${room.id}#${root}`}
          room={room.id}
          roomLabel={label}
          inputId="thread-composer"
          draftKey={`${room.id}#${root}`}
          placeholder={m.replyPlaceholder}
          label={m.threadComposerLabel(label)}
          maxChars={props.maxChars}
          maxFileBytes={props.maxFileBytes}
          maxAttachments={props.maxAttachments}
          mayUpload={rights.may('upload')}
          slowModeSeconds={rights.moderator ? undefined : room.settings.slowModeSeconds}
          onSend={send}
          onProblem={toast}
          onTyping={() => client.typing(room.id)}
          onEditLast={() => {
            const own = [...thread.replies, ...thread.later].reverse().find((r) => r.user.id === self.id && !r.deleted);
            if (own) setEditing(own.seq);
          }}
          above={
            <label className="thread-also">
              <input type="checkbox" checked={alsoInRoom} onChange={(event) => setAlsoInRoom(event.target.checked)} />
              <span>{m.alsoSendToRoom(label)}</span>
            </label>
          }
        />
      )}
    </aside>
  );
}
