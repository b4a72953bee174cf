/** The sidebar's entry to the followed threads (§25), with how many have new replies. */
import { useI18n } from '../i18n/i18n.js';
import { Icon } from '../components/Icon.js';

export function ThreadsLink({ unread, open, onOpen }: { unread: number; open: boolean; onOpen(): void }) {
  const { m } = useI18n();
  const classes = ['room-link', 'threads-link'];
  if (open) classes.push('active');
  if (unread > 0) classes.push('unread');
  return (
    <button type="button" className={classes.join(' ')} aria-pressed={open} aria-label={m.openThreads(unread)} onClick={onOpen} data-testid="threads-link">
      <span className="room-icon">
        <Icon name="thread" size={16} />
      </span>
      <span className="room-link-name">{m.threadsTitle}</span>
      {unread > 0 && <span className="badge">{unread > 99 ? '99+' : unread}</span>}
    </button>
  );
}
