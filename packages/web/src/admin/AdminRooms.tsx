/** Rooms (public and private): search; archive or unarchive, delete. */
import { useCallback, useState } from 'react';
import { admin, type AdminRoom } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { errorText } from '../chat/error-text.js';
import { ConfirmDialog } from '../dialogs/ConfirmDialog.js';
import { Icon } from '../components/Icon.js';
import { LOBBY_ID } from '../lib/rooms.js';
import { useAdminList } from './useAdminList.js';

const REST = { baseUrl: '' };
const LIMIT = 200;

export function AdminRooms({ toast }: { toast(text: string): void }) {
  const { m, locale } = useI18n();
  const load = useCallback((q: string) => admin.rooms(REST, { q, limit: LIMIT }), []);
  const { query, setQuery, items, error, reload } = useAdminList(load);
  const [deleting, setDeleting] = useState<AdminRoom | null>(null);
  const number = new Intl.NumberFormat(locale);

  const archive = (room: AdminRoom, archived: boolean) =>
    admin.setArchived(REST, room.id, archived).then(reload, (caught: unknown) => toast(errorText(caught, m, locale)));

  return (
    <section aria-label={m.tabRooms}>
      <input className="input admin-search" type="search" value={query} placeholder={m.adminSearchRooms} aria-label={m.adminSearchRooms} onChange={(event) => setQuery(event.target.value)} />
      {error !== null && (
        <p className="form-error" role="alert">
          {errorText(error, m, locale)}
        </p>
      )}
      <ul className="plain-list admin-list" aria-label={m.tabRooms} data-testid="admin-rooms">
        {items?.length === 0 && <li className="empty">{m.nothingFound}</li>}
        {items?.map((room) => (
          <li key={room.id} className="list-row admin-row" data-room={room.id}>
            <span className="room-title-icon">
              <Icon name={room.kind === 'private' ? 'lock' : 'hash'} size={18} />
            </span>
            <div className="list-main">
              <span className="list-title">
                {room.name}
                {room.settings?.archived && <span className="tag state">{m.statusArchived}</span>}
              </span>
              <span className="list-sub">
                {room.kind === 'private' ? m.privateRoom : m.publicRoom} · {m.members(room.members)} · {m.onlineCount(room.online)} · {m.columnEvents} {number.format(room.latestSeq)}
              </span>
            </div>
            {room.id !== LOBBY_ID && (
              <div className="row-actions">
                <button type="button" className="button small" onClick={() => void archive(room, !room.settings?.archived)}>
                  <Icon name="lock" size={14} />
                  {room.settings?.archived ? m.unarchive : m.archive}
                </button>
                <button type="button" className="button small danger" onClick={() => setDeleting(room)}>
                  <Icon name="trash" size={14} />
                  {m.deleteRoom}
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
      {deleting && (
        <ConfirmDialog
          title={m.confirmDeleteRoomTitle(deleting.name)}
          body={m.confirmDeleteRoomBody}
          confirmLabel={m.deleteRoom}
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await admin.deleteRoom(REST, deleting.id);
            reload();
          }}
        />
      )}
    </section>
  );
}
