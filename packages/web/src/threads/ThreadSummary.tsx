/** Under a thread's root (§25): how many replies, who took part, when the last one came; opens the thread. */
import type { ThreadInfo } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { Avatar } from '../components/Avatar.js';
import { formatDateTime, formatTime } from '../lib/time.js';

/** Faces shown; the rest are counted in the reply count. */
const FACES = 4;

export function ThreadSummary({ info, nameOf, onOpen, tabIndex }: { info: ThreadInfo; nameOf(id: string, fallback?: string): string; onOpen(): void; tabIndex: number }) {
  const { m, locale } = useI18n();
  const sameDay = new Date(info.lastTs).toDateString() === new Date().toDateString();
  const when = sameDay ? formatTime(info.lastTs, { locale }) : formatDateTime(info.lastTs, { locale });
  return (
    <button type="button" className="thread-summary" onClick={onOpen} tabIndex={tabIndex} data-testid="thread-summary">
      <span className="thread-faces" aria-hidden="true">
        {info.participants.slice(0, FACES).map((p) => (
          <Avatar key={p.id} id={p.id} name={nameOf(p.id, p.name)} size={20} />
        ))}
      </span>
      <span className="thread-count">{m.replyCount(info.count)}</span>
      <span className="thread-last">{m.lastReply(when)}</span>
    </button>
  );
}
