/** One person in a list of people: avatar with presence, display name, @username, a guest tag. */
import type { Person } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { Avatar } from '../components/Avatar.js';

export function PersonRow({ person, self }: { person: Person; self?: boolean }) {
  const { m } = useI18n();
  return (
    <>
      <Avatar id={person.id} name={person.name} size={28} online={person.online} />
      <span className="person-names">
        <span className="person-name">{person.name}</span>
        <span className="person-username">@{person.username}</span>
      </span>
      {self && <span className="tag">{m.you}</span>}
      {person.kind === 'guest' && <span className="tag">{m.guest}</span>}
    </>
  );
}
