/**
 * A guest keeps their identity: a username (theirs to start with) and a password make them an
 * account with the same id, rooms and DMs (POST /api/auth/claim, protocol §27).
 */
import { useId, useState } from 'react';
import { rest, type UserSummary } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { errorText } from '../chat/error-text.js';
import { Dialog } from '../components/Dialog.js';

export function ClaimDialog({ user, onDone, onClose }: { user: UserSummary; onDone(): void; onClose(): void }) {
  const { m } = useI18n();
  const [username, setUsername] = useState(user.username);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await rest.claim({ baseUrl: '' }, { username: username.trim(), password });
      onDone();
    } catch (caught) {
      setError(errorText(caught, m));
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={m.claimTitle}
      description={m.claimBody}
      onClose={onClose}
      onSubmit={() => void submit()}
      actions={
        <>
          <button type="button" className="button" onClick={onClose}>
            {m.cancel}
          </button>
          <button type="submit" className="button primary" disabled={busy || password.length < 8 || username.trim() === ''}>
            {m.claimAction}
          </button>
        </>
      }
    >
      <div className="field">
        <label htmlFor={`${id}-u`}>{m.username}</label>
        <input id={`${id}-u`} className="input" value={username} autoComplete="username" autoCapitalize="none" spellCheck={false} maxLength={32} onChange={(e) => setUsername(e.target.value)} />
        <span className="hint">{m.usernameHint}</span>
      </div>
      <div className="field">
        <label htmlFor={`${id}-p`}>{m.password}</label>
        <input id={`${id}-p`} className="input" type="password" value={password} autoComplete="new-password" autoFocus onChange={(e) => setPassword(e.target.value)} />
        <span className="hint">{m.passwordHint}</span>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
