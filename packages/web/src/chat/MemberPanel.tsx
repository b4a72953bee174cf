/** Who is in the room, online first. Choosing someone opens their profile card (with a button to message them). */
import type { Member, RoomState, UserSummary } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { Avatar } from '../components/Avatar.js';
import { Icon } from '../components/Icon.js';
import { useOpenProfile } from '../people/ProfileContext.js';

export interface MemberPanelProps {
  room: RoomState;
  self: UserSummary;
  /** Ids of the people the reader blocked. */
  blocked: ReadonlySet<string>;
  onClose(): void;
  onMessage(username: string): void;
  /** Opens what the reader can do about a member (block them; as a moderator, more). */
  onActions(userId: string): void;
}

export function MemberPanel({ room, self, blocked, onClose, onMessage, onActions }: MemberPanelProps) {
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
        <MemberGroup title={`${m.online} — ${room.online}`} members={online} self={self} blocked={blocked} onMessage={onMessage} onActions={onActions} testId="members-online" />
        {offline.length > 0 && (
          <MemberGroup
            title={`${m.offline} — ${offline.length}`}
            members={offline}
            self={self}
            blocked={blocked}
            onMessage={onMessage}
            onActions={onActions}
            testId="members-offline"
          />
        )}
      </div>
    </aside>
  );
}

interface MemberGroupProps {
  title: string;
  members: Member[];
  self: UserSummary;
  blocked: ReadonlySet<string>;
  onMessage(username: string): void;
  onActions(userId: string): void;
  testId: string;
}

function MemberGroup(props: MemberGroupProps) {
  const { m } = useI18n();
  const openProfile = useOpenProfile();
  const now = Date.now();
  return (
    <section className="member-group" aria-label={props.title}>
      <h3>{props.title}</h3>
      <ul data-testid={props.testId}>
        {props.members.map(({ user, role, online, timedOutUntil }) => {
          const isSelf = user.id === props.self.id;
          const content = (
            <>
              <Avatar id={user.id} name={user.name} size={28} online={online} />
              <span className="member-name">{user.name}</span>
              {isSelf && <span className="tag">{m.you}</span>}
              {user.kind === 'bot' && (
                <span className="bot-badge" title={m.botBadgeTitle}>
                  {m.botBadge}
                </span>
              )}
              {role !== 'member' && <span className="tag accent">{m.roleTags[role]}</span>}
              {timedOutUntil !== undefined && timedOutUntil > now && <span className="tag warning">{m.timedOutTag}</span>}
              {props.blocked.has(user.id) && <span className="tag">{m.blockedTag}</span>}
              {/* Said only when nothing more telling is: a row has room for a name and a tag or two. */}
              {!isSelf && user.kind === 'guest' && role === 'member' && !(timedOutUntil !== undefined && timedOutUntil > now) && (
                <span className="tag">{m.guest}</span>
              )}
            </>
          );
          return (
            <li key={user.id} className={online ? 'member online' : 'member'}>
              {isSelf ? (
                <div className="member-row">{content}</div>
              ) : (
                <>
                  <button
                    type="button"
                    className="member-row"
                    onClick={() => (openProfile ? openProfile(user.id, user.name) : props.onMessage(user.username))}
                    title={openProfile ? m.showProfile(user.name) : m.messageUser(user.name)}
                  >
                    {content}
                  </button>
                  <button
                    type="button"
                    className="icon-button small member-more"
                    onClick={() => props.onActions(user.id)}
                    aria-label={m.memberActions(user.name)}
                    title={m.memberActions(user.name)}
                  >
                    <Icon name="more" size={18} />
                  </button>
                </>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
