/**
 * The open room's conversation: messages, who is typing, and the composer
 * (or, for a public room not joined yet, a read-only preview with a Join button).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { OutboxFullError, inThreadOnly, rightsIn, type Attachment, type RoomState, type UserSummary } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { errorText } from './error-text.js';
import { useClient } from './ClientContext.js';
import { MessageList } from '../messages/MessageList.js';
import { TypingIndicator } from '../messages/TypingIndicator.js';
import type { MessageHandlers } from '../messages/MessageRow.js';
import { Composer, type ComposerHandle } from '../composer/Composer.js';
import { RoomPreview } from './RoomPreview.js';
import { ComposerClosed, useNow } from './ComposerClosed.js';
import { QuoteBanner, findMessage } from '../threads/QuoteBanner.js';

/** Read markers move at most this often while messages stream in. */
const READ_DEBOUNCE_MS = 400;

export interface RoomViewProps {
  room: RoomState;
  self: UserSummary;
  maxChars: number;
  maxFileBytes: number;
  maxAttachments: number;
  /** The reader is a server admin (their rank in every room). */
  admin: boolean;
  /** Ids of the people the reader blocked. */
  blocked: ReadonlySet<string>;
  requestDelete(seq: number): void;
  /** A moderator asks to remove someone else's message. */
  requestRemove(seq: number): void;
  requestReport(seq: number): void;
  toast(text: string): void;
  /** Threads (§25): opens a message's thread beside the room. */
  onOpenThread(seq: number): void;
}

export function RoomView({ room, self, maxChars, maxFileBytes, maxAttachments, admin, blocked, requestDelete, requestRemove, requestReport, toast, onOpenThread }: RoomViewProps) {
  const client = useClient();
  const { m } = useI18n();
  const [editing, setEditing] = useState<number | null>(null);
  const [sentTick, setSentTick] = useState(0);
  const [atBottom, setAtBottom] = useState(true);
  const [dropping, setDropping] = useState(false);
  const [quoting, setQuoting] = useState<number | null>(null);
  const visible = useDocumentVisible();
  const composer = useRef<ComposerHandle>(null);
  const latest = useRef({ room, m, toast, requestDelete, requestRemove, requestReport, onOpenThread });
  latest.current = { room, m, toast, requestDelete, requestRemove, requestReport, onOpenThread };
  const rights = useMemo(() => rightsIn(room, admin), [room, admin]);
  // Re-rendered when a time-out ends, so that the composer comes back on its own.
  const now = useNow(room.timedOutUntil);
  const roomId = room.id;

  useEffect(() => {
    if (!room.joined || !atBottom || !visible || room.syncedSeq <= room.readSeq) return;
    const timer = setTimeout(() => {
      client.markRead(roomId).catch(() => undefined);
    }, READ_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [client, roomId, room.joined, atBottom, visible, room.syncedSeq, room.readSeq]);

  const handlers = useMemo<MessageHandlers>(
    () => ({
      react: (seq, emoji, on) => {
        client.react(roomId, seq, emoji, on).catch((error: unknown) => latest.current.toast(errorText(error, latest.current.m)));
      },
      edit: async (seq, body) => {
        await client.edit(roomId, seq, body);
      },
      remove: (seq) => latest.current.requestDelete(seq),
      removeOthers: (seq) => latest.current.requestRemove(seq),
      report: (seq) => latest.current.requestReport(seq),
      retry: (id) => {
        client.retry(id).catch(() => undefined);
      },
      discard: (id) => {
        client.discard(id);
      },
      nameOf: (id, fallback) => latest.current.room.members.find((member) => member.user.id === id)?.user.name ?? fallback ?? id,
      openThread: (seq) => latest.current.onOpenThread(seq),
      quote: (seq) => {
        setQuoting(seq);
        composer.current?.focus();
      },
      findMessage: (seq) => findMessage(latest.current.room, seq),
    }),
    [client, roomId],
  );

  const send = useCallback(
    (body: string, attachments: Attachment[]) => {
      setSentTick((tick) => tick + 1);
      // A refused message stays in the list as "failed — retry"; only a full outbox has nowhere to show.
      client.send(roomId, body, { ...(attachments.length > 0 ? { attachments } : {}), ...(quoting !== null ? { replyTo: quoting } : {}) }).catch((error: unknown) => {
        if (error instanceof OutboxFullError) latest.current.toast(errorText(error, latest.current.m));
      });
      setQuoting(null);
    },
    [client, roomId, quoting],
  );

  const editLast = useCallback(() => {
    const timeline = latest.current.room.timeline;
    for (let i = timeline.length - 1; i >= 0; i--) {
      const item = timeline[i]!;
      if (item.kind === 'message' && item.user.id === self.id && !item.deleted && !inThreadOnly(item)) return setEditing(item.seq);
    }
  }, [self.id]);

  const setEditingAndRefocus = useCallback((seq: number | null) => {
    setEditing(seq);
    if (seq === null) composer.current?.focus();
  }, []);

  if (!room.joined) return <RoomPreview room={room} self={self} toast={toast} />;

  const label = room.kind === 'dm' ? room.name : `#${room.name}`;
  return (
    <section
      className={dropping ? 'conversation dropping' : 'conversation'}
      aria-label={label}
      onDragOver={(event) => {
        if (!event.dataTransfer.types.includes('Files')) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setDropping(true);
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDropping(false);
      }}
      onDrop={(event) => {
        if (event.dataTransfer.files.length === 0) return;
        event.preventDefault();
        setDropping(false);
        composer.current?.addFiles([...event.dataTransfer.files]);
      }}
    >
      {dropping && (
        <div className="drop-hint" aria-hidden="true">
          {m.dropFiles}
        </div>
      )}
      <MessageList
        room={room}
        self={self}
        editing={editing}
        setEditing={setEditingAndRefocus}
        handlers={handlers}
        loadOlder={() => client.loadOlder(roomId)}
        sentTick={sentTick}
        onAtBottomChange={setAtBottom}
        onEscape={() => composer.current?.focus()}
        rights={rights}
        blocked={blocked}
      />
      <TypingIndicator users={room.typing} />
      {rights.mayPost(now) ? (
        <Composer
          ref={composer}
          key={roomId}
          room={roomId}
          roomLabel={label}
          maxChars={maxChars}
          maxFileBytes={maxFileBytes}
          maxAttachments={maxAttachments}
          mayUpload={rights.may('upload')}
          slowModeSeconds={rights.moderator ? undefined : room.settings.slowModeSeconds}
          onSend={send}
          onProblem={toast}
          onTyping={() => client.typing(roomId)}
          onEditLast={editLast}
          above={quoting !== null ? <QuoteBanner message={findMessage(room, quoting)} nameOf={handlers.nameOf} onCancel={() => setQuoting(null)} /> : undefined}
        />
      ) : (
        <ComposerClosed room={room} />
      )}
    </section>
  );
}

function useDocumentVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState === 'visible');
  useEffect(() => {
    const update = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, []);
  return visible;
}
