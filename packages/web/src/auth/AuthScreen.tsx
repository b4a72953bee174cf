/**
 * The first screen: enter as a guest with a display name, sign in, or create
 * an account. Fields are checked with the protocol's own schemas before the
 * request, so the person learns what is wrong without a round trip.
 */
import { useId, useState, type FormEvent } from 'react';
import { ParleyError, displayName as displayNameSchema, username as usernameSchema } from '@parley/protocol';
import type { Credentials } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { errorText } from '../chat/error-text.js';
import { LanguageSwitch } from '../components/LanguageSwitch.js';
import { Logo } from '../components/Logo.js';

type Mode = 'guest' | 'login' | 'register';

export interface AuthScreenProps {
  /** Resolves once signed in; rejects with a ParleyError to show. */
  onEnter(credentials: Credentials): Promise<void>;
  /** Shown above the form, e.g. after a session ended. */
  notice?: string | null;
}

export function AuthScreen({ onEnter, notice }: AuthScreenProps) {
  const { m } = useI18n();
  const [mode, setMode] = useState<Mode>('guest');
  const [name, setName] = useState('');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [invalid, setInvalid] = useState<'name' | 'user' | 'password' | null>(null);
  const ids = { name: useId(), user: useId(), password: useId(), error: useId() };

  const tabs: Array<[Mode, string]> = [
    ['guest', m.tabGuest],
    ['login', m.tabSignIn],
    ['register', m.tabRegister],
  ];

  const fail = (field: typeof invalid, message: string) => {
    setInvalid(field);
    setError(message);
    if (field) document.getElementById(ids[field])?.focus();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    let credentials: Credentials;
    if (mode === 'guest' || (mode === 'register' && name.trim() !== '')) {
      if (!displayNameSchema.safeParse(name).success) return fail('name', m.displayNameHint);
    }
    if (mode === 'guest') {
      credentials = { kind: 'guest', name };
    } else {
      if (mode === 'register' && !usernameSchema.safeParse(user).success) return fail('user', m.usernameHint);
      if (mode === 'login' && user.trim() === '') return fail('user', m.usernameHint);
      if (password.length < (mode === 'register' ? 8 : 1)) return fail('password', m.passwordHint);
      credentials =
        mode === 'login'
          ? { kind: 'password', username: user, password }
          : { kind: 'register', username: user, password, ...(name.trim() ? { name } : {}) };
    }
    setBusy(true);
    setError(null);
    setInvalid(null);
    try {
      await onEnter(credentials);
    } catch (caught) {
      setBusy(false);
      if (caught instanceof ParleyError && caught.code === 'name_taken') fail('user', m.nameTaken);
      else fail(null, errorText(caught, m));
    }
  };

  const submitLabel = mode === 'guest' ? m.continueAsGuest : mode === 'login' ? m.signIn : m.createAccount;
  const describe = (field: typeof invalid, hint?: string) =>
    [invalid === field && error ? ids.error : null, hint].filter(Boolean).join(' ') || undefined;

  return (
    <div className="auth-page">
      <div className="auth-topbar">
        <LanguageSwitch />
      </div>
      <main className="auth-card" aria-labelledby="auth-title">
        <div className="auth-brand">
          <Logo size={44} />
          <div>
            <h1 id="auth-title">Parley</h1>
            <p className="auth-tagline">{m.appTagline}</p>
          </div>
        </div>
        {notice && (
          <p className="form-error" role="status">
            {notice}
          </p>
        )}
        <div className="segmented auth-tabs" role="group" aria-label={m.enterHow}>
          {tabs.map(([value, label]) => (
            <button
              key={value}
              type="button"
              aria-pressed={mode === value}
              onClick={() => {
                setMode(value);
                setError(null);
                setInvalid(null);
              }}
            >
              {label}
            </button>
          ))}
        </div>
        <form className="auth-form" onSubmit={submit} noValidate aria-busy={busy}>
          {mode !== 'guest' && (
            <div className="field">
              <label htmlFor={ids.user}>{m.username}</label>
              <input
                id={ids.user}
                className="input"
                name="username"
                autoComplete="username"
                autoCapitalize="none"
                spellCheck={false}
                autoFocus
                value={user}
                onChange={(e) => setUser(e.target.value)}
                aria-invalid={invalid === 'user'}
                aria-describedby={describe('user', mode === 'register' ? `${ids.user}-hint` : undefined)}
                required
              />
              {mode === 'register' && (
                <span id={`${ids.user}-hint`} className="hint">
                  {m.usernameHint}
                </span>
              )}
            </div>
          )}
          {mode !== 'login' && (
            <div className="field">
              <label htmlFor={ids.name}>{m.displayName}</label>
              <input
                id={ids.name}
                className="input"
                name="name"
                autoComplete="nickname"
                value={name}
                maxLength={64}
                onChange={(e) => setName(e.target.value)}
                aria-invalid={invalid === 'name'}
                aria-describedby={describe('name', `${ids.name}-hint`)}
                required={mode === 'guest'}
                autoFocus={mode === 'guest'}
              />
              <span id={`${ids.name}-hint`} className="hint">
                {m.displayNameHint}
              </span>
            </div>
          )}
          {mode !== 'guest' && (
            <div className="field">
              <label htmlFor={ids.password}>{m.password}</label>
              <input
                id={ids.password}
                className="input"
                type="password"
                name="password"
                autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                aria-invalid={invalid === 'password'}
                aria-describedby={describe('password', mode === 'register' ? `${ids.password}-hint` : undefined)}
                required
              />
              {mode === 'register' && (
                <span id={`${ids.password}-hint`} className="hint">
                  {m.passwordHint}
                </span>
              )}
            </div>
          )}
          {error && (
            <p id={ids.error} className="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="button primary auth-submit" disabled={busy}>
            {busy ? m.working : submitLabel}
          </button>
        </form>
      </main>
    </div>
  );
}
