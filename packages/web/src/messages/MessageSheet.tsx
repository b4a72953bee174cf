/**
 * A message's actions as a sheet from the bottom of the screen, for touch
 * screens (opened by a long press): reactions, copying the text, for one's
 * own messages edit and delete, for others' reporting (and removing, for a
 * moderator). A modal <dialog>: Escape, a tap outside or
 * Cancel closes it, and focus returns to the message (not to the composer,
 * which would bring up the phone's keyboard).
 */
import { useEffect, useId, useRef, type RefObject } from 'react';
import type { MessageItem } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { Icon } from '../components/Icon.js';
import { ALL_REACTIONS } from './EmojiPicker.js';

export interface MessageSheetProps {
  message: MessageItem;
  authorName: string;
  selfId: string;
  onReact(emoji: string, on: boolean): void;
  onEdit(): void;
  onDelete(): void;
  /** Someone else's message: report it. */
  onReport(): void;
  /** Threads (§25): answer in the message's thread. */
  onReplyInThread?: (() => void) | undefined;
  /** Someone else's message, for a moderator who outranks its author. */
  onRemove?(): void;
  onClose(): void;
  /** The message's row: where focus goes when the sheet closes. */
  row: RefObject<HTMLElement | null>;
}

export function MessageSheet({ message, authorName, selfId, onReact, onEdit, onDelete, onReport, onRemove, onReplyInThread, onClose, row }: MessageSheetProps) {
  const { m } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  /** Whether a press began on the sheet (or its backdrop) since it opened. */
  const pressed = useRef(false);
  const quoteId = useId();
  const own = message.user.id === selfId;
  useEffect(() => {
    const dialog = ref.current!;
    const returnTo = row.current;
    if (!dialog.open) dialog.showModal();
    return () => {
      dialog.close();
      returnTo?.focus({ preventScroll: true });
    };
  }, [row]);
  // Each action closes the sheet first, so that what it opens (the edit box, a dialog) gets the focus.
  const then = (action: () => void) => () => {
    onClose();
    action();
  };
  const copy = navigator.clipboard ? then(() => void navigator.clipboard.writeText(message.body).catch(() => undefined)) : null;
  return (
    <dialog
      ref={ref}
      className="sheet"
      aria-label={m.messageActions}
      aria-describedby={quoteId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onPointerDownCapture={() => {
        pressed.current = true;
      }}
      onClickCapture={(event) => {
        // The long press that opened the sheet can end in a click (Chromium sends one when the
        // finger lifts), at the finger, which is now over the sheet or its backdrop: not meant for
        // them. A click from a pointer needs a press of its own; keyboard and assistive-technology
        // clicks come with no pointer type and pass.
        if (!pressed.current && (event.nativeEvent as PointerEvent).pointerType) {
          event.preventDefault();
          event.stopPropagation();
        }
      }}
      onClick={(event) => {
        // A tap on the backdrop lands on the <dialog> element itself.
        if (event.target === ref.current) onClose();
      }}
    >
      <p id={quoteId} className="sheet-quote">
        <span className="sheet-author">{authorName}</span> {message.body}
      </p>
      <div className="sheet-reactions" role="group" aria-label={m.react}>
        {ALL_REACTIONS.map((emoji) => {
          const mine = message.reactions[emoji]?.includes(selfId) ?? false;
          return (
            <button key={emoji} type="button" aria-label={m.reactWith(emoji)} aria-pressed={mine} onClick={then(() => onReact(emoji, !mine))}>
              {emoji}
            </button>
          );
        })}
      </div>
      <div className="sheet-actions">
        {onReplyInThread && (
          <button type="button" className="sheet-action" onClick={then(onReplyInThread)}>
            <Icon name="thread" size={18} />
            {m.replyInThread}
          </button>
        )}
        {copy && (
          <button type="button" className="sheet-action" onClick={copy}>
            <Icon name="copy" size={18} />
            {m.copyText}
          </button>
        )}
        {own && (
          <>
            <button type="button" className="sheet-action" onClick={then(onEdit)}>
              <Icon name="edit" size={18} />
              {m.edit}
            </button>
            <button type="button" className="sheet-action danger" onClick={then(onDelete)}>
              <Icon name="trash" size={18} />
              {m.delete}
            </button>
          </>
        )}
        {!own && (
          <button type="button" className="sheet-action" onClick={then(onReport)}>
            <Icon name="flag" size={18} />
            {m.report}
          </button>
        )}
        {!own && onRemove && (
          <button type="button" className="sheet-action danger" onClick={then(onRemove)}>
            <Icon name="trash" size={18} />
            {m.removeMessage}
          </button>
        )}
      </div>
      <button type="button" className="button sheet-cancel" onClick={onClose}>
        {m.cancel}
      </button>
    </dialog>
  );
}
