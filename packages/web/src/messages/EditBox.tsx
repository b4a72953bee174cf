/** Editing a message in place: Enter saves, Shift+Enter adds a line, Escape cancels. */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { errorText } from '../chat/error-text.js';
import { autosize } from '../composer/autosize.js';

export function EditBox({ initial, onSave, onCancel }: { initial: string; onSave(body: string): Promise<void>; onCancel(): void }) {
  const { m } = useI18n();
  const [value, setValue] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const area = ref.current!;
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
  }, []);
  useLayoutEffect(() => autosize(ref.current!), [value]);
  const save = async () => {
    if (busy) return;
    if (value.trim() === '') return;
    setBusy(true);
    try {
      await onSave(value);
    } catch (caught) {
      setBusy(false);
      setError(errorText(caught, m));
    }
  };
  return (
    <div className="edit-box">
      <textarea
        ref={ref}
        className="input edit-input"
        value={value}
        aria-label={m.edit}
        rows={1}
        onChange={(event) => setValue(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            event.stopPropagation();
            onCancel();
          } else if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
            event.preventDefault();
            void save();
          }
        }}
      />
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="edit-actions">
        <span className="hint">{m.editHint}</span>
        <button type="button" className="button small" onClick={onCancel}>
          {m.cancel}
        </button>
        <button type="button" className="button small primary" disabled={busy || value.trim() === ''} onClick={() => void save()}>
          {m.save}
        </button>
      </div>
    </div>
  );
}
