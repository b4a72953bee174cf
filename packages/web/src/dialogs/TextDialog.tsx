/**
 * A dialog that asks for one line of text and runs an action with it: a DM by
 * username, an invite, a new display name. The action's error is shown in the
 * dialog, which stays open so the person can correct the input.
 */
import { useId, useState } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { Dialog } from '../components/Dialog.js';

export interface TextDialogProps {
  title: string;
  label: string;
  submitLabel: string;
  initial?: string;
  hint?: string;
  autoComplete?: string;
  maxLength?: number;
  /** Resolves with a success message to show (the dialog stays open), or void to close. Throws a message to show. */
  onSubmit(value: string): Promise<string | void>;
  onClose(): void;
}

export function TextDialog({ title, label, submitLabel, initial = '', hint, autoComplete = 'off', maxLength, onSubmit, onClose }: TextDialogProps) {
  const { m } = useI18n();
  const [value, setValue] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [success, setSuccess] = useState<string | null>(null);
  const id = useId();

  const submit = async () => {
    if (busy || value.trim() === '') return;
    setBusy(true);
    setError(null);
    setSuccess(null);
    try {
      const message = await onSubmit(value.trim());
      if (typeof message === 'string') {
        setSuccess(message);
        setValue('');
        setBusy(false);
      } else {
        onClose();
      }
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={title}
      onClose={onClose}
      onSubmit={() => void submit()}
      actions={
        <>
          <button type="button" className="button" onClick={onClose}>
            {m.cancel}
          </button>
          <button type="submit" className="button primary" disabled={busy || value.trim() === ''}>
            {submitLabel}
          </button>
        </>
      }
    >
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          className="input"
          value={value}
          autoFocus
          autoComplete={autoComplete}
          autoCapitalize="none"
          spellCheck={false}
          maxLength={maxLength}
          aria-invalid={error !== null}
          aria-describedby={`${id}-status`}
          onChange={(event) => setValue(event.target.value)}
        />
        {hint && <span className="hint">{hint}</span>}
      </div>
      <div id={`${id}-status`} aria-live="polite">
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {success && <p className="form-success">{success}</p>}
      </div>
    </Dialog>
  );
}
