/** Users: search by name or username; disable or enable, sign out everywhere, delete a guest. */
import { useCallback, useState } from 'react';
import { admin, type AdminUser } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { errorText } from '../chat/error-text.js';
import { ConfirmDialog } from '../dialogs/ConfirmDialog.js';
import { Avatar } from '../components/Avatar.js';
import { Icon } from '../components/Icon.js';
import { formatMoment } from '../lib/time.js';
import { useAdminList } from './useAdminList.js';

const REST = { baseUrl: '' };
const LIMIT = 100;

type Pending = { kind: 'disable' | 'signOut' | 'delete'; user: AdminUser } | null;

export function AdminUsers({ toast }: { toast(text: string, kind?: 'failed' | 'done'): void }) {
  const { m, locale } = useI18n();
  const load = useCallback((q: string) => admin.users(REST, { q, limit: LIMIT }), []);
  const { query, setQuery, items, error, reload } = useAdminList(load);
  const [pending, setPending] = useState<Pending>(null);

  const enable = (user: AdminUser) => admin.setDisabled(REST, user.id, false).then(reload, (caught: unknown) => toast(errorText(caught, m, locale)));

  const confirm = () => {
    if (!pending) return null;
    const { user } = pending;
    const close = () => setPending(null);
    switch (pending.kind) {
      case 'disable':
        return (
          <ConfirmDialog
            title={m.confirmDisableTitle(user.name)}
            body={m.confirmDisableBody}
            confirmLabel={m.disable}
            onClose={close}
            onConfirm={async () => {
              await admin.setDisabled(REST, user.id, true);
              reload();
            }}
          />
        );
      case 'signOut':
        return (
          <ConfirmDialog
            title={m.confirmSignOutTitle(user.name)}
            body={m.confirmSignOutBody}
            confirmLabel={m.signOutEverywhere}
            onClose={close}
            onConfirm={async () => {
              const sessions = await admin.signOut(REST, user.id);
              toast(m.signedOutCount(user.name, sessions), 'done');
              reload();
            }}
          />
        );
      case 'delete':
        return (
          <ConfirmDialog
            title={m.confirmDeleteGuestTitle(user.name)}
            body={m.confirmDeleteGuestBody}
            confirmLabel={m.deleteGuest}
            onClose={close}
            onConfirm={async () => {
              await admin.deleteGuest(REST, user.id);
              reload();
            }}
          />
        );
    }
  };

  return (
    <section aria-label={m.tabUsers}>
      <input className="input admin-search" type="search" value={query} placeholder={m.searchUsers} aria-label={m.searchUsers} onChange={(event) => setQuery(event.target.value)} />
      {error !== null && (
        <p className="form-error" role="alert">
          {errorText(error, m, locale)}
        </p>
      )}
      <ul className="plain-list admin-list" aria-label={m.tabUsers} data-testid="admin-users">
        {items?.length === 0 && <li className="empty">{m.nothingFound}</li>}
        {items?.map((user) => (
          <li key={user.id} className="list-row admin-row" data-user={user.username}>
            <Avatar id={user.id} name={user.name} size={32} online={user.online} />
            <div className="list-main">
              <span className="list-title">
                {user.name}
                {user.admin && <span className="tag accent">{m.statusAdmin}</span>}
                {user.disabled && <span className="tag danger">{m.statusDisabled}</span>}
              </span>
              <span className="list-sub">
                @{user.username} · {m.kinds[user.kind]} · {user.online ? m.statusOnline : m.statusOffline} · {formatMoment(user.createdAt, Date.now(), { locale })}
              </span>
            </div>
            {!user.admin && (
              <div className="row-actions">
                {user.disabled ? (
                  <button type="button" className="button small" onClick={() => void enable(user)}>
                    {m.enable}
                  </button>
                ) : (
                  <button type="button" className="button small" onClick={() => setPending({ kind: 'disable', user })}>
                    <Icon name="ban" size={14} />
                    {m.disable}
                  </button>
                )}
                <button type="button" className="button small" onClick={() => setPending({ kind: 'signOut', user })}>
                  <Icon name="logOut" size={14} />
                  {m.signOutEverywhere}
                </button>
                {user.kind === 'guest' && (
                  <button type="button" className="button small danger" onClick={() => setPending({ kind: 'delete', user })}>
                    <Icon name="trash" size={14} />
                    {m.deleteGuest}
                  </button>
                )}
              </div>
            )}
          </li>
        ))}
      </ul>
      {confirm()}
    </section>
  );
}
