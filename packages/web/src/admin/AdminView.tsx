/**
 * The admin view, for server admins (ADMIN_USERS): live figures, users, rooms
 * and the audit log, over the admin API. The API refuses everyone else; this
 * view is only where an admin finds it (the account menu offers it to them).
 */
import { useState } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { Icon, type IconName } from '../components/Icon.js';
import { AdminFigures } from './AdminFigures.js';
import { AdminUsers } from './AdminUsers.js';
import { AdminRooms } from './AdminRooms.js';
import { AdminAudit } from './AdminAudit.js';

type Tab = 'overview' | 'users' | 'rooms' | 'audit';

export function AdminView({ onBack, onOpenNav, toast }: { onBack(): void; onOpenNav(): void; toast(text: string, kind?: 'failed' | 'done'): void }) {
  const { m } = useI18n();
  const [tab, setTab] = useState<Tab>('overview');
  const tabs: Array<[Tab, string, IconName]> = [
    ['overview', m.tabOverview, 'chart'],
    ['users', m.tabUsers, 'users'],
    ['rooms', m.tabRooms, 'hash'],
    ['audit', m.tabAuditLog, 'shield'],
  ];
  return (
    <main className="room admin-view" aria-labelledby="admin-title">
      <header className="room-header">
        <button type="button" className="icon-button nav-toggle" onClick={onOpenNav} aria-label={m.openMenu}>
          <Icon name="menu" />
        </button>
        <div className="room-title">
          <span className="room-title-icon">
            <Icon name="shield" size={20} />
          </span>
          <div className="room-title-text">
            <h1 id="admin-title">{m.adminTitle}</h1>
          </div>
        </div>
        <div className="room-actions">
          <button type="button" className="button small header-button" onClick={onBack} aria-label={m.backToChat}>
            <Icon name="chat" size={16} />
            <span className="label">{m.backToChat}</span>
          </button>
        </div>
      </header>
      <nav className="admin-tabs" aria-label={m.adminTitle}>
        {tabs.map(([value, label, icon]) => (
          <button key={value} type="button" className="admin-tab" aria-current={tab === value ? 'page' : undefined} onClick={() => setTab(value)}>
            <Icon name={icon} size={16} />
            {label}
          </button>
        ))}
      </nav>
      <div className="admin-body">
        {tab === 'overview' && <AdminFigures />}
        {tab === 'users' && <AdminUsers toast={toast} />}
        {tab === 'rooms' && <AdminRooms toast={toast} />}
        {tab === 'audit' && <AdminAudit />}
      </div>
    </main>
  );
}
