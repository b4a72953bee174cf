/** Asking before something that cannot be undone (deleting a message, leaving a room). */
import { useState } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { errorText } from '../chat/error-text.js';
import { Dialog } from '../components/Dialog.js';

export interface ConfirmDialogProps {
  title: string;
  body: string;
  confirmLabel: string;
  onConfirm(): Promise<void>;
  onClose(): void;
}

export function ConfirmDialog({ title, body, confirmLabel, onConfirm, onClose }: ConfirmDialogProps) {
  const { m } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
      onClose();
    } catch (caught) {
      setBusy(false);
      setError(errorText(caught, m));
    }
  };
  return (
    <Dialog
      title={title}
      description={body}
      onClose={onClose}
      onSubmit={() => void confirm()}
      actions={
        <>
          <button type="button" className="button" onClick={onClose} autoFocus>
            {m.cancel}
          </button>
          <button type="submit" className="button danger" disabled={busy}>
            {confirmLabel}
          </button>
        </>
      }
    >
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
