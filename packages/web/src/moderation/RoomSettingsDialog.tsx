/**
 * A room's settings: read-only (edit_room), slow mode (slow_mode) and, for its
 * owner, the least role for each permission. Only what changed is sent; each
 * change is an event every member sees and an entry of the audit log.
 */
import { useId, useState } from 'react';
import { DEFAULT_PERMISSIONS, PERMISSIONS, ROLES, rightsIn, type Permission, type Role, type RoomState } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { errorText } from '../chat/error-text.js';
import { useClient } from '../chat/ClientContext.js';
import { Dialog } from '../components/Dialog.js';
import { SLOW_MODE_SECONDS } from './durations.js';
import { WebhooksSection } from '../webhooks/WebhooksSection.js';

/** Permissions a room cannot use yet: file uploads come with their own feature. */
const SHOWN = PERMISSIONS.filter((permission) => permission !== 'upload');

export function RoomSettingsDialog({ room, admin, onClose }: { room: RoomState; admin: boolean; onClose(): void }) {
  const client = useClient();
  const { m, locale } = useI18n();
  const rights = rightsIn(room, admin);
  const owner = rights.level >= ROLES.indexOf('owner');
  const current = { ...DEFAULT_PERMISSIONS, ...room.settings.permissions };
  const [readOnly, setReadOnly] = useState(room.settings.readOnly === true);
  const [slow, setSlow] = useState(room.settings.slowModeSeconds ?? 0);
  const [permissions, setPermissions] = useState<Record<Permission, Role>>(current);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = { readOnly: useId(), slow: useId() };
  const slowChoices = SLOW_MODE_SECONDS.includes(slow as (typeof SLOW_MODE_SECONDS)[number]) ? SLOW_MODE_SECONDS : [...SLOW_MODE_SECONDS, slow].sort((a, b) => a - b);

  const save = async () => {
    const changedPermissions = Object.fromEntries(SHOWN.filter((p) => permissions[p] !== current[p]).map((p) => [p, permissions[p]]));
    const change = {
      ...(readOnly !== (room.settings.readOnly === true) ? { readOnly } : {}),
      ...(slow !== (room.settings.slowModeSeconds ?? 0) ? { slowModeSeconds: slow } : {}),
      ...(Object.keys(changedPermissions).length > 0 ? { permissions: changedPermissions } : {}),
    };
    if (Object.keys(change).length === 0) return onClose();
    setBusy(true);
    setError(null);
    try {
      await client.updateRoomSettings(room.id, change);
      onClose();
    } catch (caught) {
      setBusy(false);
      setError(errorText(caught, m, locale));
    }
  };

  return (
    <Dialog
      title={m.settingsTitle(`#${room.name}`)}
      onClose={onClose}
      onSubmit={() => void save()}
      actions={
        <>
          <button type="button" className="button" onClick={onClose}>
            {m.cancel}
          </button>
          <button type="submit" className="button primary" disabled={busy}>
            {m.save}
          </button>
        </>
      }
    >
      {rights.may('edit_room') && (
        <label className="choice" htmlFor={ids.readOnly}>
          <input id={ids.readOnly} type="checkbox" checked={readOnly} onChange={(event) => setReadOnly(event.target.checked)} />
          <span>
            <strong>{m.readOnlyLabel}</strong>
            <br />
            <span className="hint">{m.readOnlyHint}</span>
          </span>
        </label>
      )}
      {rights.may('slow_mode') && (
        <div className="field">
          <label htmlFor={ids.slow}>{m.slowModeLabel}</label>
          <select id={ids.slow} className="input" value={slow} onChange={(event) => setSlow(Number(event.target.value))}>
            {slowChoices.map((seconds) => (
              <option key={seconds} value={seconds}>
                {seconds === 0 ? m.off : m.secondsShort(seconds)}
              </option>
            ))}
          </select>
          <span className="hint">{m.slowModeHelp}</span>
        </div>
      )}
      {owner && (
        <fieldset className="field permissions">
          <legend className="label">{m.permissionsTitle}</legend>
          <span className="hint">{m.permissionsHelp}</span>
          <div className="permission-grid">
            {SHOWN.map((permission) => (
              <label key={permission} className="permission-row">
                <span>{m.permissionNames[permission]}</span>
                <select
                  className="input small"
                  value={permissions[permission]}
                  onChange={(event) => setPermissions({ ...permissions, [permission]: event.target.value as Role })}
                >
                  {ROLES.map((role) => (
                    <option key={role} value={role}>
                      {m.orAbove(m.roles[role])}
                    </option>
                  ))}
                </select>
              </label>
            ))}
          </div>
        </fieldset>
      )}
      {rights.level >= ROLES.indexOf('admin') && room.kind !== 'dm' && <WebhooksSection room={room} />}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
