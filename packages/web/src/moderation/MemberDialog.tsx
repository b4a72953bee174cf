/**
 * What the person can do about another member of the room: message them, block
 * them, and — when their rank allows — change their role, time them out (or lift
 * it), remove or ban them. Only the actions the room's rules let the person take
 * are offered (rightsIn); the server decides each anyway.
 */
import { useId, useState } from 'react';
import { rightsIn, type Member, type RoomState } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { errorText } from '../chat/error-text.js';
import { useClient } from '../chat/ClientContext.js';
import { Dialog } from '../components/Dialog.js';
import { Icon } from '../components/Icon.js';
import { formatMoment } from '../lib/time.js';
import { BAN_DURATIONS, PURGE_WINDOWS, TIMEOUT_DURATIONS } from './durations.js';

export interface MemberDialogProps {
  room: RoomState;
  member: Member;
  admin: boolean;
  blocked: boolean;
  onMessage(username: string): void;
  onClose(): void;
}

export function MemberDialog({ room, member, admin, blocked, onMessage, onClose }: MemberDialogProps) {
  const client = useClient();
  const { m, locale } = useI18n();
  const rights = rightsIn(room, admin);
  const above = rights.outranks(member.role);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [timeoutFor, setTimeoutFor] = useState<number>(TIMEOUT_DURATIONS[2]);
  const [banFor, setBanFor] = useState<number>(0);
  const [purge, setPurge] = useState<number>(0);
  const ids = { role: useId(), timeout: useId(), ban: useId(), purge: useId() };
  const name = member.user.name;

  /** Runs one action; closes the dialog when it removed the person, else says it is done. */
  const act = (run: () => Promise<unknown>, closes = false) => async () => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await run();
      if (closes) return onClose();
      setDone(m.done);
    } catch (caught) {
      setError(errorText(caught, m, locale));
    } finally {
      setBusy(false);
    }
  };

  const roles = rights.grantable;
  const timedOut = member.timedOutUntil !== undefined && member.timedOutUntil > Date.now();
  return (
    <Dialog
      title={m.memberActions(name)}
      onClose={onClose}
      actions={
        <button type="button" className="button" onClick={onClose}>
          {m.close}
        </button>
      }
    >
      <div className="member-card">
        <span className="member-card-name">{name}</span>
        <span className="member-card-handle">@{member.user.username}</span>
        <span className="tag accent">{m.roles[member.role]}</span>
        {timedOut && <span className="tag warning">{m.timedOutUntil(formatMoment(member.timedOutUntil!, Date.now(), { locale }))}</span>}
      </div>
      <div className="member-actions-row">
        <button type="button" className="button small" onClick={() => onMessage(member.user.username)}>
          <Icon name="chat" size={15} />
          {m.messageUser(name)}
        </button>
        <button
          type="button"
          className="button small"
          disabled={busy}
          onClick={act(() => (blocked ? client.unblock(member.user.id) : client.block(member.user.id)))}
          title={blocked ? undefined : m.blockHint}
        >
          <Icon name="eyeOff" size={15} />
          {blocked ? m.unblock : m.block}
        </button>
      </div>
      {above && roles.length > 0 && (
        <div className="field">
          <label htmlFor={ids.role}>{m.roleLabel}</label>
          <select
            id={ids.role}
            className="input"
            value={member.role}
            disabled={busy}
            onChange={(event) => void act(() => client.setRole(room.id, member.user.id, event.target.value as Member['role']))()}
          >
            {!roles.includes(member.role) && <option value={member.role}>{m.roles[member.role]}</option>}
            {roles.map((role) => (
              <option key={role} value={role}>
                {m.roles[role]}
              </option>
            ))}
          </select>
        </div>
      )}
      {above && rights.may('timeout') && (
        <div className="field">
          <label htmlFor={ids.timeout}>{m.timeOut}</label>
          <div className="inline-controls">
            <select id={ids.timeout} className="input" value={timeoutFor} disabled={busy} onChange={(event) => setTimeoutFor(Number(event.target.value))}>
              {TIMEOUT_DURATIONS.map((ms) => (
                <option key={ms} value={ms}>
                  {m.durations[String(ms)]}
                </option>
              ))}
            </select>
            <button type="button" className="button" disabled={busy} onClick={act(() => client.timeout(room.id, member.user.id, timeoutFor))}>
              <Icon name="clock" size={15} />
              {m.timeOut}
            </button>
            {timedOut && (
              <button type="button" className="button" disabled={busy} onClick={act(() => client.timeout(room.id, member.user.id, 0))}>
                {m.liftTimeout}
              </button>
            )}
          </div>
        </div>
      )}
      {above && rights.may('kick') && (
        <button type="button" className="button" disabled={busy} onClick={act(() => client.kick(room.id, member.user.id), true)}>
          <Icon name="userX" size={15} />
          {m.kick}
        </button>
      )}
      {above && rights.may('ban') && (
        <fieldset className="field ban-box">
          <legend className="label">{m.ban}</legend>
          <div className="inline-controls">
            <label className="visually-hidden" htmlFor={ids.ban}>
              {m.banFor}
            </label>
            <select id={ids.ban} className="input" value={banFor} disabled={busy} onChange={(event) => setBanFor(Number(event.target.value))}>
              <option value={0}>{m.untilUnbanned}</option>
              {BAN_DURATIONS.map((ms) => (
                <option key={ms} value={ms}>
                  {m.durations[String(ms)]}
                </option>
              ))}
            </select>
          </div>
          <label htmlFor={ids.purge} className="hint">
            {m.banDelete}
          </label>
          <select id={ids.purge} className="input" value={purge} disabled={busy} onChange={(event) => setPurge(Number(event.target.value))}>
            <option value={0}>{m.deleteNothing}</option>
            {PURGE_WINDOWS.map((ms) => (
              <option key={ms} value={ms}>
                {m.durations[String(ms)]}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="button danger"
            disabled={busy}
            onClick={act(
              () => client.ban(room.id, member.user.id, { ...(banFor > 0 ? { durationMs: banFor } : {}), ...(purge > 0 ? { deleteMessagesMs: purge } : {}) }),
              true,
            )}
          >
            <Icon name="ban" size={15} />
            {m.ban}
          </button>
        </fieldset>
      )}
      <div aria-live="polite">
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {done && <p className="form-success">{done}</p>}
      </div>
    </Dialog>
  );
}
