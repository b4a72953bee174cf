/** Naming a new room and choosing whether anyone may find it. */
import { useId, useState } from 'react';
import { ParleyError, roomName as roomNameSchema } from '@parley/protocol';
import { useI18n } from '../i18n/i18n.js';
import { errorText } from '../chat/error-text.js';
import { Dialog } from '../components/Dialog.js';

export function CreateRoomDialog({ onCreate, onClose }: { onCreate(name: string, kind: 'public' | 'private'): Promise<void>; onClose(): void }) {
  const { m } = useI18n();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'public' | 'private'>('public');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const submit = async () => {
    if (busy) return;
    const parsed = roomNameSchema.safeParse(name);
    if (!parsed.success) return setError(m.roomNameInvalid);
    setBusy(true);
    setError(null);
    try {
      await onCreate(parsed.data, kind);
      onClose();
    } catch (caught) {
      setBusy(false);
      setError(caught instanceof ParleyError && caught.code === 'name_taken' ? m.roomNameTaken : errorText(caught, m));
    }
  };

  return (
    <Dialog
      title={m.createRoomTitle}
      onClose={onClose}
      onSubmit={() => void submit()}
      actions={
        <>
          <button type="button" className="button" onClick={onClose}>
            {m.cancel}
          </button>
          <button type="submit" className="button primary" disabled={busy || name.trim() === ''}>
            {m.create}
          </button>
        </>
      }
    >
      <div className="field">
        <label htmlFor={id}>{m.roomName}</label>
        <input id={id} className="input" value={name} autoFocus maxLength={64} autoComplete="off" onChange={(e) => setName(e.target.value)} aria-invalid={error !== null} />
      </div>
      <fieldset className="field choices">
        <legend className="label">{m.roomVisibility}</legend>
        <label className="choice">
          <input type="radio" name="kind" value="public" checked={kind === 'public'} onChange={() => setKind('public')} />
          <span>{m.visibilityPublic}</span>
        </label>
        <label className="choice">
          <input type="radio" name="kind" value="private" checked={kind === 'private'} onChange={() => setKind('private')} />
          <span>{m.visibilityPrivate}</span>
        </label>
      </fieldset>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
