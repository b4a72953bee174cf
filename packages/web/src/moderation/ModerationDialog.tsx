/**
 * A room's moderation, for its moderators: open reports (resolve them, or go to
 * the message), bans in force (lift them), and the room's audit log (who did
 * what to whom, when and why), newest first, paged.
 */
import { useCallback, useEffect, useState } from 'react';
import type { AuditEntry, Ban, Report, RoomState } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { errorText } from '../chat/error-text.js';
import { useClient } from '../chat/ClientContext.js';
import { Dialog } from '../components/Dialog.js';
import { formatMoment } from '../lib/time.js';
import { AuditList } from './AuditList.js';

type Tab = 'reports' | 'bans' | 'log';

export function ModerationDialog({ room, onClose }: { room: RoomState; onClose(): void }) {
  const client = useClient();
  const { m, locale } = useI18n();
  const [tab, setTab] = useState<Tab>('reports');
  const [reports, setReports] = useState<Report[] | null>(null);
  const [bans, setBans] = useState<Ban[] | null>(null);
  const [log, setLog] = useState<{ entries: AuditEntry[]; hasMore: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const when = (ts: number) => formatMoment(ts, Date.now(), { locale });
  const fail = useCallback((caught: unknown) => setError(errorText(caught, m, locale)), [m, locale]);

  useEffect(() => {
    setError(null);
    if (tab === 'reports') client.reports(room.id).then(setReports, fail);
    if (tab === 'bans') client.bans(room.id).then(setBans, fail);
    if (tab === 'log') client.auditLog(room.id, { limit: 50 }).then(setLog, fail);
  }, [client, room.id, tab, fail]);

  const more = () => {
    const last = log?.entries.at(-1);
    if (!last) return;
    client.auditLog(room.id, { before: last.id, limit: 50 }).then((page) => setLog({ entries: [...log!.entries, ...page.entries], hasMore: page.hasMore }), fail);
  };

  const tabs: Array<[Tab, string]> = [
    ['reports', m.tabReports],
    ['bans', m.tabBans],
    ['log', m.tabLog],
  ];
  return (
    <Dialog
      title={m.moderationTitle(`#${room.name}`)}
      onClose={onClose}
      actions={
        <button type="button" className="button" onClick={onClose}>
          {m.close}
        </button>
      }
    >
      <div className="segmented tabs" role="group" aria-label={m.moderation}>
        {tabs.map(([value, label]) => (
          <button key={value} type="button" aria-pressed={tab === value} onClick={() => setTab(value)}>
            {label}
          </button>
        ))}
      </div>
      <div className="moderation-pane">
        {tab === 'reports' && reports !== null && (
          <ul className="plain-list" aria-label={m.tabReports}>
            {reports.length === 0 && <li className="empty">{m.noReports}</li>}
            {reports.map((report) => (
              <li key={report.id} className="list-row">
                <div className="list-main">
                  <span className="list-title">{m.reportedMessage(report.author.name, report.target)}</span>
                  <span className="list-sub">{m.reportedBy(report.reporter.name, when(report.ts))}</span>
                  {report.reason && <span className="list-quote">{m.auditReason(report.reason)}</span>}
                </div>
                <button
                  type="button"
                  className="button small"
                  onClick={() => client.resolveReport(room.id, report.id).then(() => setReports((list) => list!.filter((r) => r.id !== report.id)), fail)}
                >
                  {m.resolve}
                </button>
              </li>
            ))}
          </ul>
        )}
        {tab === 'bans' && bans !== null && (
          <ul className="plain-list" aria-label={m.tabBans}>
            {bans.length === 0 && <li className="empty">{m.noBans}</li>}
            {bans.map((ban) => (
              <li key={ban.user.id} className="list-row">
                <div className="list-main">
                  <span className="list-title">{ban.user.name}</span>
                  <span className="list-sub">
                    @{ban.user.username} · {ban.until === undefined ? m.bannedForever : m.bannedUntil(when(ban.until))}
                  </span>
                </div>
                <button
                  type="button"
                  className="button small"
                  onClick={() => client.unban(room.id, ban.user.id).then(() => setBans((list) => list!.filter((b) => b.user.id !== ban.user.id)), fail)}
                >
                  {m.unban}
                </button>
              </li>
            ))}
          </ul>
        )}
        {tab === 'log' && log !== null && <AuditList entries={log.entries} hasMore={log.hasMore} onMore={more} showRoom={false} />}
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
