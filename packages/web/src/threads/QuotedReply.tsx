/**
 * What a message in the main timeline answers (§25): a quoted reply names the message it replies
 * to, with its current text when loaded (a click scrolls to it); a thread reply also sent to the
 * room names its thread's root (a click opens the thread).
 */
import type { MessageItem } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { Icon } from '../components/Icon.js';
import type { MessageHandlers } from '../messages/MessageRow.js';

const EXCERPT_CHARS = 120;

export function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS - 1)}…` : flat;
}

export function QuotedReply({ message, handlers }: { message: MessageItem; handlers: MessageHandlers }) {
  const { m } = useI18n();
  const inRoomReply = message.thread !== undefined && handlers.openThread !== undefined;
  const target = message.replyTo ?? (inRoomReply ? message.thread : undefined);
  if (target === undefined) return null;
  const quoted = handlers.findMessage?.(target);
  const author = quoted ? handlers.nameOf(quoted.user.id, quoted.user.name) : null;
  const text = !quoted ? m.quotedNotLoaded : quoted.deleted ? m.quotedDeleted : excerpt(quoted.body);
  const open = () => {
    if (inRoomReply) return handlers.openThread!(target);
    const row = document.querySelector<HTMLElement>(`.message-scroller [data-seq="${target}"]`);
    row?.scrollIntoView({ block: 'center' });
    row?.focus();
  };
  return (
    <button type="button" className="quoted-reply" onClick={open} data-testid="quoted-reply">
      <Icon name={inRoomReply ? 'thread' : 'reply'} size={14} />
      {inRoomReply && <span className="quoted-label">{m.repliedToThread}</span>}
      {author && <span className="quoted-author">{author}</span>}
      <span className={quoted && !quoted.deleted ? 'quoted-text' : 'quoted-text muted'}>{text}</span>
    </button>
  );
}
