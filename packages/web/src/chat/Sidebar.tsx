/**
 * Rooms, direct messages and rooms to join, with unread badges, and the
 * signed-in person at the bottom. On phones it is a drawer over the room.
 */
import type { ReactNode } from 'react';
import type { RoomState, UserSummary } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { groupRooms } from '../lib/rooms.js';
import { Avatar } from '../components/Avatar.js';
import { Icon } from '../components/Icon.js';
import { Logo } from '../components/Logo.js';
import { UserMenu, type UserMenuProps } from './UserMenu.js';
import { ThreadsLink } from '../threads/ThreadsLink.js';

export interface SidebarProps {
  rooms: readonly RoomState[];
  activeId: string | null;
  user: UserSummary;
  onOpen(room: string): void;
  onCreateRoom(): void;
  onNewDm(): void;
  onBrowse(): void;
  onClose(): void;
  menu: Omit<UserMenuProps, 'user'>;
  /** Threads (§25): the followed threads' entry, with how many have new replies. */
  threads: { unread: number; open: boolean; onOpen(): void };
}

export function Sidebar({ rooms, activeId, user, onOpen, onCreateRoom, onNewDm, onBrowse, onClose, menu, threads }: SidebarProps) {
  const { m, locale } = useI18n();
  const groups = groupRooms(rooms, locale);
  return (
    <nav className="sidebar" aria-label={m.mainNavigation}>
      <div className="sidebar-head">
        <Logo size={28} />
        <span className="sidebar-title">Parley</span>
        <button type="button" className="icon-button sidebar-close" onClick={onClose} aria-label={m.closeMenu}>
          <Icon name="close" />
        </button>
      </div>
      <div className="sidebar-scroll">
        <ThreadsLink {...threads} />
        <Section title={m.rooms} action={{ label: m.createRoom, onClick: onCreateRoom }}>
          {groups.rooms.map((room) => (
            <RoomLink key={room.id} room={room} active={room.id === activeId} onOpen={onOpen} />
          ))}
        </Section>
        <Section title={m.directMessages} action={{ label: m.newDm, onClick: onNewDm }}>
          {groups.dms.length === 0 && <li className="sidebar-empty">{m.noDms}</li>}
          {groups.dms.map((room) => (
            <RoomLink key={room.id} room={room} active={room.id === activeId} onOpen={onOpen} />
          ))}
        </Section>
        <Section title={m.moreRooms}>
          {groups.joinable.map((room) => (
            <RoomLink key={room.id} room={room} active={room.id === activeId} onOpen={onOpen} />
          ))}
          <li>
            <button type="button" className="sidebar-browse" onClick={onBrowse}>
              <Icon name="search" size={16} />
              <span>{m.browseRooms}</span>
            </button>
          </li>
        </Section>
      </div>
      <UserMenu user={user} {...menu} />
    </nav>
  );
}

function Section({ title, action, children }: { title: string; action?: { label: string; onClick(): void }; children: ReactNode }) {
  return (
    <section className="sidebar-section" aria-label={title}>
      <div className="sidebar-section-head">
        <h2>{title}</h2>
        {action && (
          <button type="button" className="icon-button small" onClick={action.onClick} aria-label={action.label} title={action.label}>
            <Icon name="plus" size={16} />
          </button>
        )}
      </div>
      <ul className="room-list">{children}</ul>
    </section>
  );
}

function RoomLink({ room, active, onOpen }: { room: RoomState; active: boolean; onOpen(room: string): void }) {
  const { m } = useI18n();
  const unread = active ? 0 : room.unread;
  const peerOnline = room.kind === 'dm' && peerIsOnline(room);
  const classes = ['room-link'];
  if (active) classes.push('active');
  if (unread > 0) classes.push('unread');
  if (!room.joined) classes.push('not-joined');
  return (
    <li>
      <a
        className={classes.join(' ')}
        href={`/r/${encodeURIComponent(room.id)}`}
        aria-current={active ? 'page' : undefined}
        data-room={room.id}
        onClick={(event) => {
          if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
          event.preventDefault();
          onOpen(room.id);
        }}
      >
        {room.kind === 'dm' ? (
          <Avatar id={room.peer?.id ?? room.id} name={room.name} size={22} online={peerOnline} />
        ) : (
          <span className="room-icon" aria-label={room.kind === 'private' ? m.privateRoom : undefined}>
            <Icon name={room.kind === 'private' ? 'lock' : 'hash'} size={16} />
          </span>
        )}
        <span className="room-link-name">{room.name}</span>
        {unread > 0 && (
          <span className="badge" aria-label={m.unreadCount(unread)}>
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </a>
    </li>
  );
}

/** A DM's other person is online when the member list says so, or (before it loads) when two members are. */
export function peerIsOnline(room: RoomState): boolean {
  const peer = room.peer;
  const member = peer ? room.members.find((m) => m.user.id === peer.id) : undefined;
  return member ? member.online : room.online > 1;
}
