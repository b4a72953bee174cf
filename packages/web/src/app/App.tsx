/**
 * The page's life cycle: find out whether the session cookie still signs
 * someone in, show the entry screen if not, and run the chat with one
 * ParleyClient until the person logs out or the session ends.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ParleyError, type Credentials, type ParleyClient } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { AuthScreen } from '../auth/AuthScreen.js';
import { ChatShell } from '../chat/ChatShell.js';
import { ClientProvider } from '../chat/ClientContext.js';
import { Splash } from '../components/Splash.js';
import { currentUser, startClient } from './session.js';
import { useTheme } from './theme.js';

type Phase =
  | { kind: 'booting'; unreachable: boolean }
  | { kind: 'signed-out'; notice: 'session-ended' | null }
  | { kind: 'chat'; client: ParleyClient };

const BOOT_RETRY_MS = [1000, 2000, 4000, 8000];

export function App() {
  const { m } = useI18n();
  const [phase, setPhase] = useState<Phase>({ kind: 'booting', unreachable: false });
  const [theme, setTheme] = useTheme();
  const leaving = useRef(false);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const boot = async (attempt: number) => {
      try {
        const user = await currentUser();
        if (cancelled) return;
        if (!user) return setPhase({ kind: 'signed-out', notice: null });
        const client = await startClient({ kind: 'session' });
        if (cancelled) return client.close();
        setPhase({ kind: 'chat', client });
      } catch (error) {
        if (cancelled) return;
        // Refused credentials need the entry screen; an unreachable server gets a few more tries first.
        const refused = error instanceof ParleyError && !error.retryable;
        if (refused || attempt >= BOOT_RETRY_MS.length) return setPhase({ kind: 'signed-out', notice: null });
        setPhase({ kind: 'booting', unreachable: true });
        timer = setTimeout(() => void boot(attempt + 1), BOOT_RETRY_MS[attempt]);
      }
    };
    void boot(0);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, []);

  const client = phase.kind === 'chat' ? phase.client : null;
  useEffect(() => {
    if (!client) return;
    return client.on('status', (status) => {
      if (status === 'closed' && !leaving.current) setPhase({ kind: 'signed-out', notice: 'session-ended' });
    });
  }, [client]);

  const enter = useCallback(async (credentials: Credentials) => {
    const started = await startClient(credentials);
    leaving.current = false;
    setPhase({ kind: 'chat', client: started });
  }, []);

  const logout = useCallback(async () => {
    if (!client) return;
    leaving.current = true;
    try {
      await client.logout();
    } finally {
      setPhase({ kind: 'signed-out', notice: null });
    }
  }, [client]);

  switch (phase.kind) {
    case 'booting':
      return <Splash text={phase.unreachable ? m.reconnecting : m.connecting} />;
    case 'signed-out':
      return <AuthScreen onEnter={enter} notice={phase.notice === 'session-ended' ? m.sessionEnded : null} />;
    case 'chat':
      return (
        <ClientProvider client={phase.client}>
          <ChatShell onLogout={logout} theme={theme} setTheme={setTheme} />
        </ClientProvider>
      );
  }
}
