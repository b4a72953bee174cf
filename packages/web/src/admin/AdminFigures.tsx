/** The node's live figures, asked for again every few seconds while shown. */
import { useEffect, useState } from 'react';
import { admin, type AdminStats } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { errorText } from '../chat/error-text.js';

const REFRESH_MS = 3000;
const REST = { baseUrl: '' };

export function AdminFigures() {
  const { m, locale } = useI18n();
  const [stats, setStats] = useState<AdminStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stopped = false;
    const load = () =>
      admin.stats(REST).then(
        (next) => !stopped && (setStats(next), setError(null)),
        (caught: unknown) => !stopped && setError(errorText(caught, m, locale)),
      );
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [m, locale]);
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const figures: Array<[string, string]> = stats
    ? [
        [m.figureConnections, number.format(stats.connections)],
        [m.figureMessages, number.format(stats.messagesPerSecond)],
        [m.figureLatency, stats.deliveryLatencyMs ? m.figureLatencyValue(stats.deliveryLatencyMs.p50, stats.deliveryLatencyMs.p99) : m.noFigure],
        [m.figureStore, m.bytes(stats.storeBytes)],
        [m.figureUsers, number.format(stats.users)],
        [m.figureRooms, number.format(stats.rooms)],
        [m.figureUptime, m.uptime(stats.uptimeSeconds)],
      ]
    : [];
  return (
    <section aria-label={m.tabOverview}>
      <dl className="figures" data-testid="admin-figures">
        {figures.map(([label, value]) => (
          <div key={label} className="figure">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p className="hint">{m.figuresNote}</p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
