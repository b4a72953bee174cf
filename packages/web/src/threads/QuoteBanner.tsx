/** Above the composer while a quoted reply is being written: to whom, what, and a way out. */
import type { MessageItem, RoomState } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { Icon } from '../components/Icon.js';
import { excerpt } from './QuotedReply.js';

/** The room's loaded message with `seq`. */
export function findMessage(room: RoomState, seq: number): MessageItem | undefined {
  const item = room.timeline.find((entry) => entry.seq === seq);
  return item?.kind === 'message' ? item : undefined;
}

export function QuoteBanner({ message, nameOf, onCancel }: { message: MessageItem | undefined; nameOf(id: string, fallback?: string): string; onCancel(): void }) {
  const { m } = useI18n();
  const name = message ? nameOf(message.user.id, message.user.name) : m.quotedNotLoaded;
  return (
    <div className="quote-banner" data-testid="quote-banner">
      <Icon name="reply" size={14} />
      <span className="quote-banner-who">{m.replyingTo(name)}</span>
      {message && !message.deleted && <span className="quote-banner-text">{excerpt(message.body)}</span>}
      <button type="button" className="icon-button small" onClick={onCancel} aria-label={m.cancelReply} title={m.cancelReply}>
        <Icon name="close" size={14} />
      </button>
    </div>
  );
}
