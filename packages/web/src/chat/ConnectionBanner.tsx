/**
 * The connection as the person should understand it: a clear banner while
 * the client reconnects (messages written meanwhile wait in the outbox), and a
 * short "Connected" once it is back.
 */
import { useEffect, useRef, useState } from 'react';
import type { ConnectionStatus } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { Icon } from '../components/Icon.js';

const CONNECTED_NOTICE_MS = 2500;

export function ConnectionBanner({ status }: { status: ConnectionStatus }) {
  const { m } = useI18n();
  const [showBack, setShowBack] = useState(false);
  const [online, setOnline] = useState(() => navigator.onLine);
  const wasDown = useRef(false);

  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);

  const down = status === 'reconnecting' || status === 'connecting';
  useEffect(() => {
    if (down) {
      wasDown.current = true;
      setShowBack(false);
      return;
    }
    if (status !== 'open' || !wasDown.current) return;
    wasDown.current = false;
    setShowBack(true);
    const timer = setTimeout(() => setShowBack(false), CONNECTED_NOTICE_MS);
    return () => clearTimeout(timer);
  }, [down, status]);

  return (
    <div className="banner-slot" role="status" aria-live="polite">
      {down && (
        <div className="connection-banner" data-state="reconnecting">
          <Icon name={online ? 'retry' : 'wifiOff'} size={16} className={online ? 'spin-slow' : undefined} />
          <span>{online ? m.reconnecting : m.offlineBrowser}</span>
        </div>
      )}
      {!down && showBack && (
        <div className="connection-banner" data-state="connected">
          <Icon name="check" size={16} />
          <span>{m.backOnline}</span>
        </div>
      )}
    </div>
  );
}
