/** The open room's name, member and online counts, and what can be done with it. */
import { rightsIn, type RoomState } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { LOBBY_ID } from '../lib/rooms.js';
import { Avatar } from '../components/Avatar.js';
import { Icon } from '../components/Icon.js';
import { peerIsOnline } from './Sidebar.js';

export interface RoomHeaderProps {
  room: RoomState;
  totalUnread: number;
  membersOpen: boolean;
  /** The reader is a server admin. */
  admin: boolean;
  /** Open reports of this room the reader has received and not resolved. */
  openReports: number;
  onOpenNav(): void;
  onToggleMembers(): void;
  onInvite(): void;
  onLeave(): void;
  onSettings(): void;
  onModeration(): void;
  /** Opens the search of messages. */
  onSearch(): void;
}

export function RoomHeader(props: RoomHeaderProps) {
  const { room, totalUnread, membersOpen, admin, openReports, onOpenNav, onToggleMembers, onInvite, onLeave, onSettings, onModeration, onSearch } = props;
  const { m } = useI18n();
  const isDm = room.kind === 'dm';
  const rights = rightsIn(room, admin);
  const mayConfigure = rights.may('edit_room') || rights.may('slow_mode') || rights.grantable.includes('admin');
  const { settings } = room;
  return (
    <header className="room-header">
      <button type="button" className="icon-button nav-toggle" onClick={onOpenNav} aria-label={m.openMenu}>
        <Icon name="menu" />
        {totalUnread > 0 && <span className="nav-dot" aria-hidden="true" />}
      </button>
      <div className="room-title">
        {isDm ? (
          <Avatar id={room.peer?.id ?? room.id} name={room.name} size={28} online={peerIsOnline(room)} />
        ) : (
          <span className="room-title-icon">
            <Icon name={room.kind === 'private' ? 'lock' : 'hash'} size={20} />
          </span>
        )}
        <div className="room-title-text">
          <h1 id="room-title">{room.name}</h1>
          <p className="room-subtitle">
            {isDm ? (
              <>
                {room.peer ? `@${room.peer.username}` : m.directMessage}
              </>
            ) : (
              <>
                <span>{room.kind === 'private' ? m.privateRoom : m.publicRoom}</span>
                <span aria-hidden="true"> · </span>
                <span>{m.members(room.memberCount)}</span>
                {settings.archived && <span className="tag state">{m.archivedBadge}</span>}
                {settings.readOnly && <span className="tag state">{m.readOnlyBadge}</span>}
                {settings.slowModeSeconds ? <span className="tag state">{m.slowModeBadge(settings.slowModeSeconds)}</span> : null}
              </>
            )}
          </p>
        </div>
      </div>
      <div className="room-actions">
        <button type="button" className="icon-button" onClick={onSearch} aria-label={m.searchMessages} title={m.searchMessages} data-testid="open-search">
          <Icon name="search" />
        </button>
        {rights.moderator && (
          <button
            type="button"
            className="icon-button with-count"
            onClick={onModeration}
            aria-label={openReports > 0 ? m.moderationWithReports(openReports) : m.moderation}
            title={openReports > 0 ? m.moderationWithReports(openReports) : m.moderation}
          >
            <Icon name="shield" />
            {openReports > 0 && (
              <span className="count-dot" aria-hidden="true">
                {openReports > 9 ? '9+' : openReports}
              </span>
            )}
          </button>
        )}
        {mayConfigure && (
          <button type="button" className="icon-button" onClick={onSettings} aria-label={m.roomSettings} title={m.roomSettings}>
            <Icon name="gear" />
          </button>
        )}
        {room.joined && room.kind === 'private' && (
          <button type="button" className="button small header-button" onClick={onInvite}>
            <Icon name="userPlus" size={16} />
            <span className="label">{m.invite}</span>
          </button>
        )}
        {room.joined && (
          <button
            type="button"
            className="online-toggle"
            onClick={onToggleMembers}
            aria-pressed={membersOpen}
            aria-label={`${membersOpen ? m.hideMembers : m.showMembers} (${m.onlineCount(room.online)})`}
            title={membersOpen ? m.hideMembers : m.showMembers}
          >
            <span className="online-dot" aria-hidden="true" />
            <span className="online-count" data-testid="online-count">
              {room.online}
            </span>
            <Icon name="users" size={18} />
          </button>
        )}
        {room.joined && room.id !== LOBBY_ID && !isDm && (
          <button type="button" className="icon-button" onClick={onLeave} aria-label={m.leaveRoom} title={m.leaveRoom}>
            <Icon name="door" />
          </button>
        )}
      </div>
    </header>
  );
}
