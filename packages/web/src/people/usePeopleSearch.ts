/**
 * People matching a text, asked of the server as the person types (protocol §27: only people who
 * share a room with them, or the members of `room`). Answers that arrive after a newer question
 * are dropped, so the list always matches the text shown.
 */
import { useEffect, useRef, useState } from 'react';
import type { ParleyClient, Person } from '@parley/client';

/** Wait this long after the last keystroke before asking. */
const DEBOUNCE_MS = 120;

export interface PeopleSearch {
  people: Person[];
  /** The query the list answers (null before the first answer). */
  answered: string | null;
  searching: boolean;
}

export function usePeopleSearch(client: ParleyClient, query: string | null, options: { room?: string; limit?: number } = {}): PeopleSearch {
  const [state, setState] = useState<PeopleSearch>({ people: [], answered: null, searching: false });
  const latest = useRef(0);
  const { room, limit } = options;
  useEffect(() => {
    if (query === null) {
      setState({ people: [], answered: null, searching: false });
      return;
    }
    const asked = ++latest.current;
    setState((s) => ({ ...s, searching: true }));
    const timer = setTimeout(() => {
      client
        .people(query.trim(), { ...(room !== undefined ? { room } : {}), ...(limit !== undefined ? { limit } : {}) })
        .then(
          (people) => {
            if (asked === latest.current) setState({ people, answered: query, searching: false });
          },
          () => {
            if (asked === latest.current) setState({ people: [], answered: query, searching: false });
          },
        );
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [client, query, room, limit]);
  return state;
}
