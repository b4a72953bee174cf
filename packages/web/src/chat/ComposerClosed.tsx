/**
 * Where the composer would be, when the person may not post in the room: it is
 * archived, they are timed out (until when), it is read-only, or their role may
 * not post. Their client keeps them from writing; the server refuses it anyway.
 */
import { useEffect, useState } from 'react';
import type { RoomState } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { Icon, type IconName } from '../components/Icon.js';
import { formatMoment } from '../lib/time.js';

export function ComposerClosed({ room }: { room: RoomState }) {
  const { m, locale } = useI18n();
  const now = Date.now();
  let icon: IconName;
  let text: string;
  if (room.settings.archived) {
    icon = 'lock';
    text = m.composerArchived;
  } else if (room.timedOutUntil !== undefined && room.timedOutUntil > now) {
    icon = 'clock';
    text = m.composerTimedOut(formatMoment(room.timedOutUntil, now, { locale }));
  } else if (room.settings.readOnly) {
    icon = 'megaphone';
    text = m.composerReadOnly;
  } else {
    icon = 'lock';
    text = m.composerNoPost;
  }
  return (
    <div className="composer-closed" role="status" data-testid="composer-closed">
      <Icon name={icon} size={18} />
      <span>{text}</span>
    </div>
  );
}

/** The time now, rendered again when `until` (a deadline in the future) passes. */
export function useNow(until: number | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === undefined || until <= Date.now()) return;
    const timer = setTimeout(() => setNow(Date.now()), until - Date.now() + 50);
    return () => clearTimeout(timer);
  }, [until]);
  return Math.max(now, Date.now());
}
