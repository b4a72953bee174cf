/**
 * Search of messages: words, and optionally a room, a person and a period; results newest
 * first with the matches marked, as you type. Picking one shows it in its room (jump.ts).
 * Full screen on phones.
 */
import { useEffect, useId, useMemo, useState } from 'react';
import type { SearchResult } from '@parley/client';
import { SEARCH_QUERY_MAX } from '@parley/protocol';
import { useClient, useSnapshot } from '../chat/ClientContext.js';
import { errorText } from '../chat/error-text.js';
import { Dialog } from '../components/Dialog.js';
import { useI18n } from '../i18n/i18n.js';
import { formatDateTime, formatMoment } from '../lib/time.js';
import { Highlighted } from './Highlighted.js';
import './search.css';

const PAGE = 20;
/** Typing waits this long before asking the server. */
const SEARCH_DELAY_MS = 250;
const DAY_MS = 86_400_000;
const PERIODS = { any: 0, day: DAY_MS, week: 7 * DAY_MS, month: 30 * DAY_MS, year: 365 * DAY_MS } as const;
type Period = keyof typeof PERIODS;

export interface SearchDialogProps {
  onPick(result: SearchResult): void;
  onClose(): void;
}

export function SearchDialog({ onPick, onClose }: SearchDialogProps) {
  const client = useClient();
  const snapshot = useSnapshot();
  const { m, locale } = useI18n();
  const ids = { query: useId(), room: useId(), from: useId(), when: useId() };
  const [query, setQuery] = useState('');
  const [room, setRoom] = useState('');
  const [author, setAuthor] = useState('');
  const [period, setPeriod] = useState<Period>('any');
  const [results, setResults] = useState<SearchResult[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [searched, setSearched] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const self = snapshot.user!;

  const rooms = useMemo(() => snapshot.rooms.filter((r) => r.joined), [snapshot.rooms]);
  // The messages of people the reader blocked are not shown (the timeline folds them).
  const blocked = useMemo(() => new Set(snapshot.blocked.map((u) => u.id)), [snapshot.blocked]);
  const shown = results.filter((result) => !blocked.has(result.event.user.id));
  const roomLabel = (id: string, fallback: string) => {
    const known = snapshot.rooms.find((r) => r.id === id);
    if (known?.kind === 'dm') return `@${known.name}`;
    return `#${known?.name ?? fallback}`;
  };
  // People the client knows of: the members of the rooms it has loaded.
  const people = useMemo(() => {
    const byId = new Map<string, string>();
    for (const r of snapshot.rooms) for (const member of r.members) if (member.user.id !== self.id) byId.set(member.user.id, member.user.name);
    return [...byId].sort((a, b) => a[1].localeCompare(b[1]));
  }, [snapshot.rooms, self.id]);

  const options = (before?: number) => {
    const since = period === 'any' ? undefined : Date.now() - PERIODS[period];
    return {
      limit: PAGE,
      ...(room ? { room } : {}),
      ...(author ? { author } : {}),
      ...(since !== undefined ? { since } : {}),
      ...(before !== undefined ? { before } : {}),
    };
  };

  useEffect(() => {
    const text = query.trim();
    if (!text) {
      setResults([]);
      setNext(null);
      setSearched(false);
      setError(null);
      return;
    }
    let current = true;
    setLoading(true);
    const timer = setTimeout(() => {
      client.search(text, options()).then(
        (page) => {
          if (!current) return;
          setResults(page.results);
          setNext(page.next);
          setSearched(true);
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
    // options() reads room, author and period, which are listed.
  }, [client, query, room, author, period, m]);

  const loadMore = async () => {
    if (next === null || loading) return;
    setLoading(true);
    try {
      const page = await client.search(query.trim(), options(next));
      setResults((shown) => [...shown, ...page.results]);
      setNext(page.next);
    } catch (caught) {
      setError(errorText(caught, m));
    } finally {
      setLoading(false);
    }
  };

  return (
    <Dialog
      title={m.searchMessages}
      className="search-dialog"
      onClose={onClose}
      actions={
        <button type="button" className="button" onClick={onClose}>
          {m.close}
        </button>
      }
    >
      <div className="field">
        <label htmlFor={ids.query}>{m.searchQueryLabel}</label>
        <input
          id={ids.query}
          className="input"
          type="search"
          value={query}
          autoFocus
          maxLength={SEARCH_QUERY_MAX}
          autoComplete="off"
          placeholder={m.searchPlaceholder}
          data-testid="search-input"
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>
      <div className="search-filters">
        <div className="field">
          <label htmlFor={ids.room}>{m.searchInRoom}</label>
          <select id={ids.room} className="input" value={room} onChange={(e) => setRoom(e.target.value)} data-testid="search-room">
            <option value="">{m.searchAllRooms}</option>
            {rooms.map((r) => (
              <option key={r.id} value={r.id}>
                {roomLabel(r.id, r.name)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.from}>{m.searchFrom}</label>
          <select id={ids.from} className="input" value={author} onChange={(e) => setAuthor(e.target.value)} data-testid="search-author">
            <option value="">{m.searchAnyone}</option>
            <option value={self.id}>{m.searchMe(self.name)}</option>
            {people.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.when}>{m.searchWhen}</label>
          <select id={ids.when} className="input" value={period} onChange={(e) => setPeriod(e.target.value as Period)} data-testid="search-period">
            <option value="any">{m.searchAnyTime}</option>
            <option value="day">{m.searchPastDay}</option>
            <option value="week">{m.searchPastWeek}</option>
            <option value="month">{m.searchPastMonth}</option>
            <option value="year">{m.searchPastYear}</option>
          </select>
        </div>
      </div>
      {!searched && !error && <p className="hint">{m.searchHint}</p>}
      {searched && (
        <p className="search-count" role="status">
          {shown.length === 0 ? m.searchNoResults : m.searchResultsCount(shown.length, next !== null)}
        </p>
      )}
      <ul className="search-results" aria-busy={loading} data-testid="search-results">
        {shown.map((result) => {
          const where = roomLabel(result.event.room, result.roomName);
          return (
            <li key={`${result.event.room}#${result.event.seq}`}>
              <button
                type="button"
                className="search-result"
                aria-label={m.searchOpenResult(where, result.event.user.name)}
                onClick={() => {
                  onPick(result);
                  onClose();
                }}
              >
                <span className="search-result-head">
                  <span className="search-result-room">{where}</span>
                  <span className="search-result-author">{result.event.user.name}</span>
                  <time dateTime={new Date(result.event.ts).toISOString()} title={formatDateTime(result.event.ts, { locale })}>
                    {formatMoment(result.event.ts, Date.now(), { locale })}
                  </time>
                </span>
                <Highlighted result={result} />
              </button>
            </li>
          );
        })}
      </ul>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {next !== null && (
        <button type="button" className="button search-more" disabled={loading} onClick={() => void loadMore()}>
          {m.searchMore}
        </button>
      )}
    </Dialog>
  );
}
