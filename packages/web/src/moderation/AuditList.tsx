/** Entries of the audit log as lines: what happened (in the reader's language), when, why, and where. */
import type { AuditEntry } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { formatDateTime, formatMoment } from '../lib/time.js';
import { auditLine } from './texts.js';

export interface AuditListProps {
  entries: readonly AuditEntry[];
  hasMore: boolean;
  onMore(): void;
  /** Name each entry's room (the server-wide log); `roomName` turns a room id into what to show. */
  showRoom: boolean;
  roomName?: (id: string) => string;
}

export function AuditList({ entries, hasMore, onMore, showRoom, roomName }: AuditListProps) {
  const { m, locale } = useI18n();
  return (
    <>
      <ol className="plain-list audit-list" aria-label={m.tabLog}>
        {entries.length === 0 && <li className="empty">{m.noLog}</li>}
        {entries.map((entry) => (
          <li key={entry.id} className="audit-row" data-action={entry.action}>
            <span className="audit-text">{auditLine(entry, m)}</span>
            {entry.reason && <span className="list-quote">{m.auditReason(entry.reason)}</span>}
            <span className="list-sub">
              <time dateTime={new Date(entry.ts).toISOString()} title={formatDateTime(entry.ts, { locale })}>
                {formatMoment(entry.ts, Date.now(), { locale })}
              </time>
              {showRoom && entry.room !== null && <> · {m.inRoom(roomName?.(entry.room) ?? entry.room)}</>}
            </span>
          </li>
        ))}
      </ol>
      {hasMore && (
        <button type="button" className="button small" onClick={onMore}>
          {m.loadMore}
        </button>
      )}
    </>
  );
}
