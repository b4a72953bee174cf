/**
 * @-mention autocomplete for the composer: typing "@" and part of a name or username lists the
 * room's members who match (asked of the server, usePeopleSearch); Arrow keys move, Enter or Tab
 * puts "@username " in place of what was typed, Escape closes the list. "@username" is what a
 * mention is (lib/rooms.ts `mentions`), whatever the display name.
 */
import { useState, type KeyboardEvent, type ReactElement, type RefObject } from 'react';
import type { ParleyClient, Person } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { usePeopleSearch } from './usePeopleSearch.js';
import { PersonRow } from './PersonRow.js';

/** "@" at the start or after a space, then up to 32 characters that are not spaces, ending at the caret. */
const TYPED_MENTION = /(?:^|\s)@([^\s@]{0,32})$/u;
const SHOWN = 8;

export interface Mentions {
  /** Handles the key when the list is open (then returns true: the composer does nothing more). */
  onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): boolean;
  /** The caret moved or the text changed. */
  onSelect(): void;
  onBlur(): void;
  menu: ReactElement | null;
}

export function useMentions(options: {
  client: ParleyClient;
  room: string;
  area: RefObject<HTMLTextAreaElement | null>;
  value: string;
  update(next: string): void;
}): Mentions {
  const { client, room, area, value, update } = options;
  const { m } = useI18n();
  const [caret, setCaret] = useState<number | null>(null);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const typed = caret === null ? null : TYPED_MENTION.exec(value.slice(0, caret));
  const query = typed ? typed[1]! : null;
  const search = usePeopleSearch(client, query !== null && query !== dismissed ? query : null, { room, limit: SHOWN });
  const open = query !== null && query !== dismissed && search.people.length > 0;
  const current = open ? search.people[Math.min(active, search.people.length - 1)] : undefined;

  const insert = (person: Person) => {
    if (caret === null || query === null) return;
    const start = caret - query.length - 1;
    const text = `@${person.username} `;
    update(value.slice(0, start) + text + value.slice(caret));
    const at = start + text.length;
    setCaret(null);
    setActive(0);
    requestAnimationFrame(() => {
      area.current?.focus();
      area.current?.setSelectionRange(at, at);
      setCaret(at);
    });
  };

  return {
    onKeyDown(event) {
      if (!open || !current) return false;
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const n = search.people.length;
        setActive((i) => (event.key === 'ArrowDown' ? i + 1 : i - 1 + n) % n);
        return true;
      }
      if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
        event.preventDefault();
        insert(current);
        return true;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        setDismissed(query);
        return true;
      }
      return false;
    },
    onSelect() {
      const el = area.current;
      const next = el && el.selectionStart === el.selectionEnd ? el.selectionStart : null;
      if (next !== caret) {
        setCaret(next);
        setActive(0);
      }
    },
    onBlur() {
      setCaret(null);
    },
    menu: open ? (
      <ul className="mention-menu" role="listbox" aria-label={m.mentionSuggestions} data-testid="mention-menu">
        {search.people.map((person) => (
          <li
            key={person.id}
            role="option"
            aria-selected={person === current}
            className={person === current ? 'person-option active' : 'person-option'}
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => insert(person)}
          >
            <PersonRow person={person} />
          </li>
        ))}
      </ul>
    ) : null,
  };
}
