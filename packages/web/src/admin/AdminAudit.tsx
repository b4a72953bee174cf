/** The server-wide audit log, newest first, paged. */
import { useCallback, useEffect, useState } from 'react';
import { admin, type AuditEntry } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { errorText } from '../chat/error-text.js';
import { useSnapshot } from '../chat/ClientContext.js';
import { AuditList } from '../moderation/AuditList.js';

const REST = { baseUrl: '' };
const PAGE = 50;

export function AdminAudit() {
  const { m, locale } = useI18n();
  const { rooms } = useSnapshot();
  const [log, setLog] = useState<{ entries: AuditEntry[]; hasMore: boolean } | null>(null);
  const [roomNames, setRoomNames] = useState<ReadonlyMap<string, string>>(new Map());
  const [error, setError] = useState<unknown>(null);
  const fail = useCallback((caught: unknown) => setError(caught), []);
  useEffect(() => {
    admin.audit(REST, { limit: PAGE }).then(setLog, fail);
    // Rooms the admin's client does not list (private ones, public ones made since it connected) are named from here.
    admin.rooms(REST, { limit: 200 }).then((list) => setRoomNames(new Map(list.map((room) => [room.id, `#${room.name}`]))), fail);
  }, [fail]);
  const more = () => {
    const last = log?.entries.at(-1);
    if (last) admin.audit(REST, { limit: PAGE, before: last.id }).then((page) => setLog({ entries: [...log!.entries, ...page.entries], hasMore: page.hasMore }), fail);
  };
  // A room's entries name it by its current name where the admin sees it, else by the name the deletion recorded.
  const names = new Map([...roomNames, ...rooms.map((room): [string, string] => [room.id, room.kind === 'dm' ? room.name : `#${room.name}`])]);
  for (const entry of log?.entries ?? []) if (entry.action === 'delete_room' && entry.room && typeof entry.details?.name === 'string') names.set(entry.room, `#${entry.details.name}`);
  return (
    <section aria-label={m.tabAuditLog}>
      {error !== null && (
        <p className="form-error" role="alert">
          {errorText(error, m, locale)}
        </p>
      )}
      {log && <AuditList entries={log.entries} hasMore={log.hasMore} onMore={more} showRoom roomName={(id) => names.get(id) ?? id} />}
    </section>
  );
}
