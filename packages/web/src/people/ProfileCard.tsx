/**
 * A person's card, from a name in the timeline or the member list: name, @username, online or
 * not, a guest tag, and a button that opens a direct message with them. Read from the server
 * (`profile`), which answers only about people who share a room with the reader.
 */
import { useEffect, useState } from 'react';
import type { Person } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { useClient, useSnapshot } from '../chat/ClientContext.js';
import { Dialog } from '../components/Dialog.js';
import { Avatar } from '../components/Avatar.js';
import { Icon } from '../components/Icon.js';

export interface ProfileCardProps {
  userId: string;
  /** The name the timeline showed, while the card loads. */
  name: string;
  onMessage(username: string): void;
  onClose(): void;
}

export function ProfileCard({ userId, name, onMessage, onClose }: ProfileCardProps) {
  const { m } = useI18n();
  const client = useClient();
  const self = useSnapshot().user;
  const [person, setPerson] = useState<Person | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    client.profile(userId).then(
      (p) => live && setPerson(p),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [client, userId]);
  const isSelf = self?.id === userId;
  const shown = person?.name ?? name;
  return (
    <Dialog
      title={m.profileTitle}
      onClose={onClose}
      actions={
        <>
          <button type="button" className="button" onClick={onClose}>
            {m.close}
          </button>
          {person && !isSelf && (
            <button type="button" className="button primary" onClick={() => onMessage(person.username)}>
              <Icon name="chat" size={16} />
              {m.sendDm}
            </button>
          )}
        </>
      }
    >
      <div className="profile-card" data-testid="profile-card">
        <Avatar id={userId} name={shown} size={64} {...(person ? { online: person.online } : {})} />
        <div className="profile-names">
          <strong className="profile-name">{shown}</strong>
          {person && <span className="profile-username">@{person.username}</span>}
          {person && (
            <span className="profile-tags">
              <span className={person.online ? 'tag online' : 'tag'}>{person.online ? m.online : m.offline}</span>
              {person.kind === 'guest' && <span className="tag">{m.guest}</span>}
              {isSelf && <span className="tag">{m.you}</span>}
            </span>
          )}
          {failed && <span className="form-error">{m.profileLoadFailed}</span>}
        </div>
      </div>
    </Dialog>
  );
}
