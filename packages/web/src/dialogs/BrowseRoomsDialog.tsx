/**
 * Every public room, by name, a page at a time from the server's directory,
 * with a search as you type; picking one opens it (a preview until joined).
 */
import { useEffect, useId, useState } from 'react';
import type { RoomSummary } from '@parley/client';
import { ROOM_NAME_MAX } from '@parley/protocol';
import { useClient } from '../chat/ClientContext.js';
import { errorText } from '../chat/error-text.js';
import { Dialog } from '../components/Dialog.js';
import { Icon } from '../components/Icon.js';
import { useI18n } from '../i18n/i18n.js';

const PAGE = 30;
/** Typing waits this long before asking the server. */
const SEARCH_DELAY_MS = 250;

export function BrowseRoomsDialog({ onPick, onClose }: { onPick(room: RoomSummary): void; onClose(): void }) {
  const client = useClient();
  const { m } = useI18n();
  const [query, setQuery] = useState('');
  const [rooms, setRooms] = useState<RoomSummary[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const searchId = useId();

  useEffect(() => {
    let current = true;
    setLoading(true);
    const timer = setTimeout(() => {
      client.directory({ query: query.trim(), limit: PAGE }).then(
        (page) => {
          if (!current) return;
          setRooms(page.rooms);
          setNext(page.next);
          setError(null);
          setLoading(false);
        },
        (caught: unknown) => {
          if (!current) return;
          setError(errorText(caught, m));
          setLoading(false);
        },
      );
    }, SEARCH_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, query, m]);

  const loadMore = async () => {
    if (next === null || loading) return;
    setLoading(true);
    try {
      const page = await client.directory({ query: query.trim(), after: next, limit: PAGE });
      setRooms((shown) => [...shown, ...page.rooms]);
      setNext(page.next);
    } catch (caught) {
      setError(errorText(caught, m));
    } finally {
      setLoading(false);
    }
  };

  return (
    <Dialog
      title={m.browseRoomsTitle}
      onClose={onClose}
      actions={
        <button type="button" className="button" onClick={onClose}>
          {m.close}
        </button>
      }
    >
      <div className="field">
        <label htmlFor={searchId}>{m.searchRooms}</label>
        <input id={searchId} className="input" type="search" value={query} autoFocus maxLength={ROOM_NAME_MAX} autoComplete="off" onChange={(e) => setQuery(e.target.value)} />
      </div>
      <ul className="directory" aria-busy={loading}>
        {rooms.map((room) => (
          <li key={room.id}>
            <button
              type="button"
              className="directory-room"
              onClick={() => {
                onPick(room);
                onClose();
              }}
            >
              <span className="room-icon">
                <Icon name="hash" size={16} />
              </span>
              <span className="directory-name">{room.name}</span>
              <span className="directory-meta">
                {room.joined && <span className="tag">{m.joinedRoom}</span>}
                {m.members(room.members)}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {!loading && rooms.length === 0 && !error && <p className="dialog-description">{m.noRoomsFound}</p>}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {next !== null && (
        <button type="button" className="button directory-more" disabled={loading} onClick={() => void loadMore()}>
          {m.loadMoreRooms}
        </button>
      )}
    </Dialog>
  );
}
