/**
 * Asking before a moderation step (removing a message, reporting one), with an
 * optional reason for the moderators and the audit log. The step's error stays
 * in the dialog.
 */
import { useId, useState } from 'react';
import { MODERATION_LIMITS } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { errorText } from '../chat/error-text.js';
import { Dialog } from '../components/Dialog.js';

export interface ReasonDialogProps {
  title: string;
  body: string;
  confirmLabel: string;
  danger?: boolean;
  onConfirm(reason: string | undefined): Promise<void>;
  onClose(): void;
}

export function ReasonDialog({ title, body, confirmLabel, danger = false, onConfirm, onClose }: ReasonDialogProps) {
  const { m, locale } = useI18n();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm(reason.trim() || undefined);
      onClose();
    } catch (caught) {
      setBusy(false);
      setError(errorText(caught, m, locale));
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
          <button type="button" className="button" onClick={onClose}>
            {m.cancel}
          </button>
          <button type="submit" className={danger ? 'button danger' : 'button primary'} disabled={busy}>
            {confirmLabel}
          </button>
        </>
      }
    >
      <div className="field">
        <label htmlFor={id}>{m.reasonOptional}</label>
        <input id={id} className="input" value={reason} maxLength={MODERATION_LIMITS.reasonMax} autoFocus onChange={(event) => setReason(event.target.value)} />
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
