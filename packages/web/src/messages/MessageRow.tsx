/**
 * One message in the list: the author header when it starts a group, the
 * body as safe markdown, reactions, and a toolbar (react, edit, delete) that
 * shows on hover and on keyboard focus; on touch screens, which have no hover,
 * a long press opens the same actions as a sheet. Pending messages carry their state.
 */
import { memo, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { MessageItem, PendingMessage } from '@parley/client';
import { Markdown } from '../markdown/Markdown.js';
import { useI18n } from '../i18n/i18n.js';
import { formatDateTime, formatTime } from '../lib/time.js';
import { Avatar } from '../components/Avatar.js';
import { PersonName } from '../people/ProfileContext.js';
import { Icon } from '../components/Icon.js';
import { Reactions } from './Reactions.js';
import { EmojiPicker, QUICK_REACTIONS } from './EmojiPicker.js';
import { EditBox } from './EditBox.js';
import { MessageSheet } from './MessageSheet.js';
import { useLongPress } from './useLongPress.js';
import { Attachments } from './Attachments.js';
import { QuotedReply } from '../threads/QuotedReply.js';
import { ThreadSummary } from '../threads/ThreadSummary.js';
import { LinkPreviewCard } from './LinkPreviewCard.js';

export interface MessageHandlers {
  react(seq: number, emoji: string, on: boolean): void;
  edit(seq: number, body: string): Promise<void>;
  remove(seq: number): void;
  /** A moderator removes someone else's message. */
  removeOthers(seq: number): void;
  report(seq: number): void;
  retry(id: string): void;
  discard(id: string): void;
  /** The person's current display name; `fallback` is the name the event carried. */
  nameOf(id: string, fallback?: string): string;
  /** Threads (§25): opens a message's thread; absent where threads are not offered (a preview, inside a thread). */
  openThread?(seq: number): void;
  /** Starts a quoted reply to the message in the room. */
  quote?(seq: number): void;
  /** A message of the room, when loaded: what a quoted reply shows. */
  findMessage?(seq: number): MessageItem | undefined;
}

export interface MessageRowProps {
  rowKey: string;
  /** A stored message, or one still on its way. */
  message: MessageItem | null;
  pending: PendingMessage | null;
  authorId: string;
  /** The author's current display name. */
  authorName: string;
  selfId: string;
  startsGroup: boolean;
  mentionsSelf: boolean;
  editing: boolean;
  /** Roving focus: only the active row is in the tab order. */
  active: boolean;
  /** Shown in a room previewed before joining: no reacting, editing or deleting. */
  readOnly: boolean;
  /** The reader moderates the room and outranks the author: they may remove the message. */
  canRemove: boolean;
  /** The author is someone the reader blocked: the message stays folded until asked for. */
  hidden: boolean;
  setEditing(seq: number | null): void;
  handlers: MessageHandlers;
}

export const MessageRow = memo(function MessageRow(props: MessageRowProps) {
  const { rowKey, message, pending, authorId, authorName, selfId, startsGroup, mentionsSelf, editing, active, readOnly, canRemove, hidden, setEditing, handlers } = props;
  const { m, locale } = useI18n();
  const [picking, setPicking] = useState(false);
  const [sheet, setSheet] = useState(false);
  const [revealed, setRevealed] = useState(false);
  const row = useRef<HTMLElement>(null);
  const ts = message ? message.ts : pending!.createdAt;
  const body = message ? message.body : pending!.body;
  const own = authorId === selfId;
  const deleted = message?.deleted ?? false;
  const canAct = message !== null && !deleted && !readOnly;
  const time = formatTime(ts, { locale });
  const fullTime = formatDateTime(ts, { locale });
  const tab = active ? 0 : -1;
  const folded = hidden && !revealed && !deleted;
  const longPress = useLongPress(() => setSheet(true), canAct && !editing && !folded);

  const classes = ['msg'];
  if (startsGroup) classes.push('group-start');
  if (mentionsSelf && !own) classes.push('mention');
  if (pending) classes.push(`pending-${pending.state}`);
  if (editing) classes.push('editing');

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.target !== event.currentTarget || !canAct || !own) return;
    if (event.key === 'e' || event.key === 'F2') {
      event.preventDefault();
      setEditing(message.seq);
    }
  };

  return (
    <>
      <article
        ref={row}
        className={classes.join(' ')}
        data-seq={message?.seq}
        data-id={message?.id ?? pending?.id}
        data-row={rowKey}
        tabIndex={tab}
        aria-label={`${authorName}, ${fullTime}`}
        onKeyDown={onKeyDown}
        {...longPress}
      >
        <div className="msg-gutter">
          {startsGroup ? (
            <Avatar id={authorId} name={authorName} />
          ) : (
            <time className="msg-hover-time" dateTime={new Date(ts).toISOString()} title={fullTime}>
              {time}
            </time>
          )}
        </div>
        <div className="msg-main">
          {startsGroup && (
            <header className="msg-header">
              {/* A webhook is no person: its name opens no profile card. */}
              {message?.webhook ? (
                <span className="msg-author">{authorName}</span>
              ) : (
                <PersonName id={authorId} name={authorName} className="msg-author" />
              )}
              {message?.bot && (
                <span className="bot-badge" title={m.botBadgeTitle}>
                  {m.botBadge}
                </span>
              )}
              {message?.webhook && <span className="msg-webhook-badge" title={m.webhookBadgeTitle}>{m.webhookBadge}</span>}
              <time className="msg-time" dateTime={new Date(ts).toISOString()} title={fullTime}>
                {time}
              </time>
            </header>
          )}
          {message && !deleted && !folded && <QuotedReply message={message} handlers={handlers} />}
          {editing && message ? (
            <EditBox
              initial={message.body}
              onSave={async (next) => {
                if (next !== message.body) await handlers.edit(message.seq, next);
                setEditing(null);
              }}
              onCancel={() => setEditing(null)}
            />
          ) : deleted ? (
            <p className="msg-deleted">{message?.moderated ? m.deletedByModerator : m.deletedMessage}</p>
          ) : folded ? (
            <p className="msg-hidden">
              <Icon name="eyeOff" size={15} />
              <span>{m.blockedMessage}</span>
              <button type="button" className="link-button" onClick={() => setRevealed(true)}>
                {m.show}
              </button>
            </p>
          ) : body === '' ? null : (
            <div className="msg-body">
              <Markdown
                source={body}
                trailing={
                  message?.editedTs !== undefined ? (
                    <span className="msg-edited" title={formatDateTime(message.editedTs, { locale })}>
                      {m.edited}
                    </span>
                  ) : undefined
                }
              />
            </div>
          )}
          {!deleted && !folded && <Attachments files={(message ? message.attachments : pending!.attachments) ?? []} readOnly={readOnly} />}
          {!deleted && !folded && message?.preview && <LinkPreviewCard preview={message.preview} />}
          {message && !deleted && !folded && (
            <Reactions
              reactions={message.reactions}
              selfId={selfId}
              nameOf={handlers.nameOf}
              onToggle={(emoji, on) => handlers.react(message.seq, emoji, on)}
              readOnly={readOnly}
              tabIndex={tab}
            />
          )}
          {message?.replies && handlers.openThread && !folded && (
            <ThreadSummary info={message.replies} nameOf={handlers.nameOf} onOpen={() => handlers.openThread!(message.seq)} tabIndex={tab} />
          )}
          {pending && <PendingStatus pending={pending} onRetry={handlers.retry} onDiscard={handlers.discard} />}
        </div>
        {canAct && !editing && !folded && (
          <div className={picking ? 'msg-actions open' : 'msg-actions'} role="toolbar" aria-label={m.messageActions}>
            {QUICK_REACTIONS.map((emoji) => {
              const mine = message.reactions[emoji]?.includes(selfId) ?? false;
              return (
                <button
                  key={emoji}
                  type="button"
                  className="icon-button emoji"
                  tabIndex={tab}
                  aria-label={m.reactWith(emoji)}
                  title={m.reactWith(emoji)}
                  aria-pressed={mine}
                  onClick={() => handlers.react(message.seq, emoji, !mine)}
                >
                  {emoji}
                </button>
              );
            })}
            {handlers.openThread && message.thread === undefined && (
              <button type="button" className="icon-button" tabIndex={tab} aria-label={m.replyInThread} title={m.replyInThread} onClick={() => handlers.openThread!(message.seq)}>
                <Icon name="thread" />
              </button>
            )}
            {handlers.quote && message.thread === undefined && (
              <button type="button" className="icon-button" tabIndex={tab} aria-label={m.quoteReply} title={m.quoteReply} onClick={() => handlers.quote!(message.seq)}>
                <Icon name="reply" />
              </button>
            )}
            <button
              type="button"
              className="icon-button"
              tabIndex={tab}
              aria-label={m.react}
              title={m.react}
              aria-expanded={picking}
              onClick={() => setPicking((open) => !open)}
            >
              <Icon name="smile" />
            </button>
            {own && (
              <>
                <button type="button" className="icon-button" tabIndex={tab} aria-label={m.edit} title={m.edit} onClick={() => setEditing(message.seq)}>
                  <Icon name="edit" />
                </button>
                <button
                  type="button"
                  className="icon-button danger"
                  tabIndex={tab}
                  aria-label={m.delete}
                  title={m.delete}
                  onClick={() => handlers.remove(message.seq)}
                >
                  <Icon name="trash" />
                </button>
              </>
            )}
            {!own && (
              <button type="button" className="icon-button" tabIndex={tab} aria-label={m.report} title={m.report} onClick={() => handlers.report(message.seq)}>
                <Icon name="flag" />
              </button>
            )}
            {!own && canRemove && (
              <button
                type="button"
                className="icon-button danger"
                tabIndex={tab}
                aria-label={m.removeMessage}
                title={m.removeMessage}
                onClick={() => handlers.removeOthers(message.seq)}
              >
                <Icon name="trash" />
              </button>
            )}
            {picking && (
              <EmojiPicker
                onClose={() => setPicking(false)}
                onPick={(emoji) => {
                  setPicking(false);
                  if (!message.reactions[emoji]?.includes(selfId)) handlers.react(message.seq, emoji, true);
                }}
              />
            )}
          </div>
        )}
      </article>
      {/* Beside the row, not in it: the row's press handlers must not see presses on the sheet. */}
      {sheet && message && (
        <MessageSheet
          message={message}
          authorName={authorName}
          selfId={selfId}
          row={row}
          onReact={(emoji, on) => handlers.react(message.seq, emoji, on)}
          onEdit={() => setEditing(message.seq)}
          onDelete={() => handlers.remove(message.seq)}
          onReport={() => handlers.report(message.seq)}
          {...(canRemove ? { onRemove: () => handlers.removeOthers(message.seq) } : {})}
          onReplyInThread={handlers.openThread && message.thread === undefined ? () => handlers.openThread!(message.seq) : undefined}
          onClose={() => setSheet(false)}
        />
      )}
    </>
  );
});

function PendingStatus({ pending, onRetry, onDiscard }: { pending: PendingMessage; onRetry(id: string): void; onDiscard(id: string): void }) {
  const { m } = useI18n();
  if (pending.state === 'failed') {
    return (
      <p className="msg-status failed" role="alert">
        <Icon name="alert" size={15} />
        <span>{m.failed}</span>
        <span aria-hidden="true">—</span>
        <button type="button" className="link-button" onClick={() => onRetry(pending.id)}>
          {m.retry}
        </button>
        <button type="button" className="link-button muted" onClick={() => onDiscard(pending.id)}>
          {m.discard}
        </button>
      </p>
    );
  }
  if (pending.state === 'queued' && pending.waiting) return <WaitingStatus code={pending.waiting.code} until={pending.waiting.until} />;
  return <p className="msg-status">{pending.state === 'queued' ? m.queued : m.sending}</p>;
}

/** A message held back for a while (slow mode, a rate limit), with the seconds left, counting down. */
function WaitingStatus({ code, until }: { code: string; until: number }) {
  const { m } = useI18n();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(1, Math.ceil((until - now) / 1000));
  return <p className="msg-status waiting">{code === 'slow_mode' ? m.waitingSlowMode(seconds) : m.waitingRateLimited}</p>;
}
