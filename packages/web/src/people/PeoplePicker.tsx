/**
 * The people picker: a combobox that finds people by display name or username as one types
 * (usePeopleSearch), with arrow keys, Enter and a click to choose. Used by "new direct message"
 * and "invite". Enter with nothing highlighted chooses the first match; with no match, the text is
 * taken as a username as typed (someone reached by their exact handle).
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { Person } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { useClient, useSnapshot } from '../chat/ClientContext.js';
import { usePeopleSearch } from './usePeopleSearch.js';
import { PersonRow } from './PersonRow.js';

export interface PeoplePickerProps {
  /** Leave the person out of the list (the one choosing, for a DM or an invite). */
  excludeSelf?: boolean;
  busy?: boolean;
  onPick(person: Pick<Person, 'username' | 'name'>): void;
  /** Says why the last choice failed, or what it did. */
  status?: { text: string; error: boolean } | null;
}

export function PeoplePicker({ excludeSelf = true, busy = false, onPick, status }: PeoplePickerProps) {
  const { m } = useI18n();
  const client = useClient();
  const self = useSnapshot().user;
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  // What the last choice's status is about: said until the text changes.
  const [chosenFor, setChosenFor] = useState<string | null>(null);
  const { people, answered, searching } = usePeopleSearch(client, text);
  const list = people.filter((p) => !excludeSelf || p.id !== self?.id);
  const id = useId();
  const listId = `${id}-list`;
  const choose = (person: Pick<Person, 'username' | 'name'>) => {
    if (busy) return;
    setChosenFor(text);
    onPick(person);
  };
  const said = chosenFor === text ? status : null;
  const current = list[Math.min(active, list.length - 1)];
  const stale = answered !== text;
  // Enter pressed while the answer for the text is still on its way counts once it is here: a
  // quick typist's Enter must not fall on the list of what they had typed before.
  const enterPending = useRef(false);
  const enter = (): void => {
    if (stale || searching) {
      enterPending.current = true;
      return;
    }
    if (current) choose(current);
    else if (text.trim() !== '') choose({ username: text.trim(), name: text.trim() });
  };
  useEffect(() => {
    if (!enterPending.current || stale || searching) return;
    enterPending.current = false;
    enter();
  });

  return (
    <div className="people-picker">
      <label htmlFor={id}>{m.peopleSearchLabel}</label>
      <input
        id={id}
        className="input"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={list.length > 0}
        aria-controls={listId}
        aria-activedescendant={current ? `${id}-${current.id}` : undefined}
        aria-describedby={`${id}-status`}
        value={text}
        autoFocus
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        maxLength={64}
        placeholder={m.peopleSearchPlaceholder}
        onChange={(event) => {
          setText(event.target.value);
          setActive(0);
          enterPending.current = false;
        }}
        onKeyDown={(event) => {
          if (event.nativeEvent.isComposing || event.keyCode === 229) return;
          if (event.key === 'ArrowDown' && list.length > 0) {
            event.preventDefault();
            setActive((i) => (i + 1) % list.length);
          } else if (event.key === 'ArrowUp' && list.length > 0) {
            event.preventDefault();
            setActive((i) => (i - 1 + list.length) % list.length);
          } else if (event.key === 'Enter') {
            event.preventDefault();
            enter();
          }
        }}
      />
      <ul id={listId} role="listbox" aria-label={m.peopleResults} className="people-list" data-testid="people-results">
        {list.map((person, i) => (
          <li
            key={person.id}
            id={`${id}-${person.id}`}
            role="option"
            aria-selected={person === current}
            className={person === current ? 'person-option active' : 'person-option'}
            onMouseEnter={() => setActive(i)}
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => choose(person)}
          >
            <PersonRow person={person} />
          </li>
        ))}
      </ul>
      <p id={`${id}-status`} className={said ? (said.error ? 'form-error' : 'form-success') : 'hint'} role="status">
        {said?.text ?? (searching && list.length === 0 ? m.peopleSearching : answered !== null && text.trim() !== '' && list.length === 0 ? m.peopleNoMatch(text.trim()) : '')}
      </p>
    </div>
  );
}
