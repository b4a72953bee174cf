/** Opens a person's profile card from anywhere below the chat shell (a name in the timeline, the member list). */
import { createContext, useContext } from 'react';
import { useI18n } from '../i18n/i18n.js';

export type OpenProfile = (userId: string, name: string) => void;

export const ProfileContext = createContext<OpenProfile | null>(null);

/** A person's name that opens their card when there is a shell to open it in; plain text otherwise (a preview). */
export function PersonName({ id, name, className }: { id: string; name: string; className: string }) {
  const open = useContext(ProfileContext);
  const { m } = useI18n();
  if (!open) return <span className={className}>{name}</span>;
  return (
    <button type="button" className={`${className} person-link`} onClick={() => open(id, name)} title={m.showProfile(name)}>
      {name}
    </button>
  );
}

export function useOpenProfile(): OpenProfile | null {
  return useContext(ProfileContext);
}
