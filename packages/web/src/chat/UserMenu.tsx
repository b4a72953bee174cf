/**
 * The signed-in person and their settings: display name, language, theme,
 * notifications, log out. A disclosure panel above the button; Escape or a
 * click elsewhere closes it.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { UserSummary } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import type { ThemeChoice } from '../app/theme.js';
import { Avatar } from '../components/Avatar.js';
import { Icon } from '../components/Icon.js';
import { LanguageSwitch } from '../components/LanguageSwitch.js';
import type { NotificationControl } from './notifications.js';

export interface UserMenuProps {
  user: UserSummary;
  theme: ThemeChoice;
  setTheme(theme: ThemeChoice): void;
  notifications: NotificationControl;
  /** How many people the user blocks. */
  blockedCount: number;
  onRename(): void;
  onBlocked(): void;
  /** For server admins: opens the admin view. */
  onAdmin?: (() => void) | undefined;
  onLogout(): void;
  /** For guests: keep the identity as an account (people/ClaimDialog). */
  onClaim?: (() => void) | undefined;
}

export function UserMenu({ user, theme, setTheme, notifications, blockedCount, onRename, onBlocked, onAdmin, onLogout, onClaim }: UserMenuProps) {
  const { m } = useI18n();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const themes: Array<[ThemeChoice, string]> = [
    ['system', m.themeSystem],
    ['light', m.themeLight],
    ['dark', m.themeDark],
  ];

  return (
    <div
      className="user-menu"
      ref={root}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && open) {
          event.stopPropagation();
          close();
        }
      }}
    >
      {open && (
        <div id={panelId} className="user-panel" role="group" aria-label={m.userMenu}>
          <button type="button" className="menu-item" onClick={() => { setOpen(false); onRename(); }}>
            <Icon name="edit" size={16} />
            {m.changeName}
          </button>
          <button type="button" className="menu-item" onClick={() => { setOpen(false); onBlocked(); }}>
            <Icon name="eyeOff" size={16} />
            {m.blockedPeople(blockedCount)}
          </button>
          {onClaim && (
            <button type="button" className="menu-item" onClick={() => { setOpen(false); onClaim(); }}>
              <Icon name="lock" size={16} />
              {m.claimMenu}
            </button>
          )}
          {onAdmin && (
            <button type="button" className="menu-item" onClick={() => { setOpen(false); onAdmin(); }}>
              <Icon name="shield" size={16} />
              {m.adminView}
            </button>
          )}
          <div className="menu-setting">
            <span className="menu-label">
              <Icon name="globe" size={16} />
              {m.language}
            </span>
            <LanguageSwitch />
          </div>
          <div className="menu-setting">
            <span className="menu-label">
              <Icon name="sun" size={16} />
              {m.theme}
            </span>
            <div className="segmented" role="group" aria-label={m.theme}>
              {themes.map(([value, label]) => (
                <button key={value} type="button" aria-pressed={theme === value} onClick={() => setTheme(value)}>
                  {label}
                </button>
              ))}
            </div>
          </div>
          {notifications.supported && (
            <div className="menu-setting column">
              <span className="menu-label">
                <Icon name="bell" size={16} />
                {m.notifications}
                <span className="menu-value">
                  {notifications.permission === 'granted' ? m.notificationsOn : notifications.permission === 'denied' ? m.notificationsBlocked : m.notificationsOff}
                </span>
              </span>
              <span className="hint">{m.notificationsHelp}</span>
              {notifications.permission === 'default' && (
                <button type="button" className="button small" onClick={() => void notifications.request()}>
                  {m.notificationsEnable}
                </button>
              )}
            </div>
          )}
          <button type="button" className="menu-item danger" onClick={() => { setOpen(false); onLogout(); }}>
            <Icon name="logOut" size={16} />
            {m.logOut}
          </button>
        </div>
      )}
      <button
        ref={button}
        type="button"
        className="user-button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={`${m.userMenu}: ${user.name}`}
        onClick={() => setOpen((value) => !value)}
      >
        <Avatar id={user.id} name={user.name} size={32} online />
        <span className="user-names">
          <span className="user-name">{user.name}</span>
          <span className="user-handle">
            @{user.username}
            {user.kind === 'guest' && ` · ${m.guest}`}
          </span>
        </span>
        <Icon name="chevronDown" size={16} className="user-chevron" />
      </button>
    </div>
  );
}
