/** The people the person blocked, each with a way to unblock them. */
import { useState } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { errorText } from '../chat/error-text.js';
import { useClient, useSnapshot } from '../chat/ClientContext.js';
import { Dialog } from '../components/Dialog.js';

export function BlockedDialog({ onClose }: { onClose(): void }) {
  const client = useClient();
  const { blocked } = useSnapshot();
  const { m, locale } = useI18n();
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog
      title={m.blockedTitle}
      onClose={onClose}
      actions={
        <button type="button" className="button" onClick={onClose}>
          {m.close}
        </button>
      }
    >
      <ul className="plain-list">
        {blocked.length === 0 && <li className="empty">{m.noBlocked}</li>}
        {blocked.map((user) => (
          <li key={user.id} className="list-row">
            <div className="list-main">
              <span className="list-title">{user.name}</span>
              <span className="list-sub">@{user.username}</span>
            </div>
            <button type="button" className="button small" onClick={() => client.unblock(user.id).catch((caught: unknown) => setError(errorText(caught, m, locale)))}>
              {m.unblock}
            </button>
          </li>
        ))}
      </ul>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
