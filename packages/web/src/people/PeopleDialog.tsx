/**
 * "New direct message" and "Invite to #room": a dialog around the people picker. A DM opens and
 * the dialog closes; an invite says who was added and stays open for the next.
 */
import { useState } from 'react';
import type { Person } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { Dialog } from '../components/Dialog.js';
import { PeoplePicker } from './PeoplePicker.js';

export interface PeopleDialogProps {
  title: string;
  /** Resolves with a message to show (the dialog stays open), or void to close; throws a message to show. */
  onPick(person: Pick<Person, 'username' | 'name'>): Promise<string | void>;
  onClose(): void;
}

export function PeopleDialog({ title, onPick, onClose }: PeopleDialogProps) {
  const { m } = useI18n();
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const pick = async (person: Pick<Person, 'username' | 'name'>) => {
    setBusy(true);
    setStatus(null);
    try {
      const message = await onPick(person);
      if (typeof message !== 'string') return onClose();
      setStatus({ text: message, error: false });
    } catch (caught) {
      setStatus({ text: caught instanceof Error ? caught.message : String(caught), error: true });
    }
    setBusy(false);
  };
  return (
    <Dialog
      title={title}
      onClose={onClose}
      actions={
        <button type="button" className="button" onClick={onClose}>
          {m.close}
        </button>
      }
    >
      <PeoplePicker busy={busy} status={status} onPick={(person) => void pick(person)} />
    </Dialog>
  );
}
