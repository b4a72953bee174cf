/** Short-lived messages: about things that failed in the background (a reaction refused, a DM not opened), or that were done (a report sent). */
import { useCallback, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { Icon } from '../components/Icon.js';

export interface Toast {
  id: number;
  text: string;
  /** `done`: something the person asked for happened; otherwise a failure. */
  kind: 'failed' | 'done';
}

const TOAST_MS = 6000;

export function useToasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const toast = useCallback(
    (text: string, kind: Toast['kind'] = 'failed') => {
      const id = next.current++;
      setToasts((list) => [...list.filter((t) => t.text !== text), { id, text, kind }].slice(-3));
      setTimeout(() => dismiss(id), TOAST_MS);
    },
    [dismiss],
  );
  return { toasts, toast, dismiss };
}

export function Toasts({ toasts, dismiss }: { toasts: Toast[]; dismiss(id: number): void }) {
  const { m } = useI18n();
  return (
    <div className="toasts" role="alert" aria-live="assertive">
      {toasts.map((t) => (
        <div key={t.id} className="toast">
          <Icon name={t.kind === 'done' ? 'check' : 'alert'} size={16} />
          <span>{t.text}</span>
          <button type="button" className="icon-button small" onClick={() => dismiss(t.id)} aria-label={m.close}>
            <Icon name="close" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
