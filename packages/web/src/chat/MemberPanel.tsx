/** Who is in the room, online first. Choosing someone opens a direct message with them. */
import type { Member, RoomState, UserSummary } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { Avatar } from '../components/Avatar.js';
import { Icon } from '../components/Icon.js';

export interface MemberPanelProps {
  room: RoomState;
  self: UserSummary;
  onClose(): void;
  onMessage(username: string): void;
}

export function MemberPanel({ room, self, onClose, onMessage }: MemberPanelProps) {
  const { m, locale } = useI18n();
  const collator = new Intl.Collator(locale, { sensitivity: 'base' });
  const sorted = [...room.members].sort((a, b) => collator.compare(a.user.name, b.user.name));
  const online = sorted.filter((member) => member.online);
  const offline = sorted.filter((member) => !member.online);
  return (
    <aside className="member-panel" aria-label={m.memberList}>
      <header className="member-panel-head">
        <h2>{m.memberList}</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label={m.hideMembers}>
          <Icon name="close" />
        </button>
      </header>
      <div className="member-scroll">
        <MemberGroup title={`${m.online} — ${room.online}`} members={online} self={self} onMessage={onMessage} testId="members-online" />
        {offline.length > 0 && (
          <MemberGroup title={`${m.offline} — ${offline.length}`} members={offline} self={self} onMessage={onMessage} testId="members-offline" />
        )}
      </div>
    </aside>
  );
}

function MemberGroup(props: { title: string; members: Member[]; self: UserSummary; onMessage(username: string): void; testId: string }) {
  const { m } = useI18n();
  return (
    <section className="member-group" aria-label={props.title}>
      <h3>{props.title}</h3>
      <ul data-testid={props.testId}>
        {props.members.map(({ user, role, online }) => {
          const isSelf = user.id === props.self.id;
          const content = (
            <>
              <Avatar id={user.id} name={user.name} size={28} online={online} />
              <span className="member-name">{user.name}</span>
              {isSelf && <span className="tag">{m.you}</span>}
              {!isSelf && user.kind === 'guest' && <span className="tag">{m.guest}</span>}
              {role === 'owner' && <span className="tag accent">{m.owner}</span>}
            </>
          );
          return (
            <li key={user.id} className={online ? 'member online' : 'member'}>
              {isSelf ? (
                <div className="member-row">{content}</div>
              ) : (
                <button type="button" className="member-row" onClick={() => props.onMessage(user.username)} title={m.messageUser(user.name)} aria-label={m.messageUser(user.name)}>
                  {content}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
