/**
 * A room's webhooks, in its settings, for its admins and owner (protocol §29): the webhooks
 * (revoke one), a small form to add one, and the delivery log of the outgoing ones. A new
 * webhook's secret is shown once, here, to be copied.
 */
import { useCallback, useEffect, useId, useState } from 'react';
import type { RoomState, Webhook, WebhookDelivery, WebhookTrigger } from '@parley/client';
import { useI18n } from '../i18n/i18n.js';
import { errorText } from '../chat/error-text.js';
import { useClient } from '../chat/ClientContext.js';
import { formatMoment } from '../lib/time.js';

const TRIGGERS: readonly WebhookTrigger[] = ['message', 'mention', 'command'];

export function WebhooksSection({ room }: { room: RoomState }) {
  const client = useClient();
  const { m, locale } = useI18n();
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [deliveries, setDeliveries] = useState<WebhookDelivery[]>([]);
  const [kind, setKind] = useState<'incoming' | 'outgoing'>('incoming');
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [triggers, setTriggers] = useState<WebhookTrigger[]>(['message']);
  const [command, setCommand] = useState('');
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ids = { kind: useId(), name: useId(), url: useId(), command: useId(), secret: useId() };
  const fail = useCallback((caught: unknown) => setError(errorText(caught, m, locale)), [m, locale]);
  const when = (ts: number) => formatMoment(ts, Date.now(), { locale });

  const load = useCallback(() => {
    client.webhooks(room.id).then(setHooks, fail);
    client.webhookDeliveries(room.id, { limit: 20 }).then(setDeliveries, fail);
  }, [client, room.id, fail]);
  useEffect(load, [load]);

  const create = async () => {
    setError(null);
    try {
      const made =
        kind === 'incoming'
          ? await client.createWebhook(room.id, { kind, name })
          : await client.createWebhook(room.id, { kind, name, url, triggers, ...(triggers.includes('command') ? { command } : {}) });
      // An incoming webhook's URL is a path on this server: shown whole, to paste elsewhere.
      setCreated({ name: made.webhook.name, secret: made.url ? new URL(made.url, window.location.origin).href : made.secret });
      setName('');
      setUrl('');
      load();
    } catch (caught) {
      fail(caught);
    }
  };

  const toggle = (trigger: WebhookTrigger, on: boolean) => setTriggers((list) => (on ? [...list, trigger] : list.filter((t) => t !== trigger)));
  // Enter in a field adds the webhook rather than saving the settings around it.
  const onEnter = (event: React.KeyboardEvent) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    void create();
  };

  return (
    <fieldset className="field webhooks">
      <legend className="label">{m.webhooksTitle}</legend>
      <span className="hint">{m.webhooksHelp}</span>
      {hooks !== null && (
        <ul className="plain-list" aria-label={m.webhooksTitle}>
          {hooks.length === 0 && <li className="empty">{m.noWebhooks}</li>}
          {hooks.map((hook) => (
            <li key={hook.id} className="list-row">
              <div className="list-main">
                <span className="list-title">{hook.name}</span>
                <span className="list-sub">
                  {hook.kind === 'incoming' ? m.webhookIncoming : m.webhookOutgoing(hook.url ?? '', (hook.triggers ?? []).map((t) => (t === 'command' ? `/${hook.command}` : m.webhookTriggers[t])).join(', '))}
                </span>
              </div>
              <button type="button" className="button small" onClick={() => client.revokeWebhook(room.id, hook.id).then(load, fail)}>
                {m.revokeWebhook}
              </button>
            </li>
          ))}
        </ul>
      )}
      {created && (
        <div className="webhook-secret">
          <label htmlFor={ids.secret}>{m.webhookSecretOnce(created.name)}</label>
          <input id={ids.secret} className="input" readOnly value={created.secret} onFocus={(event) => event.target.select()} />
        </div>
      )}
      <div className="webhook-form">
        <select id={ids.kind} className="input small" aria-label={m.webhookKind} value={kind} onChange={(event) => setKind(event.target.value as 'incoming' | 'outgoing')}>
          <option value="incoming">{m.webhookKinds.incoming}</option>
          <option value="outgoing">{m.webhookKinds.outgoing}</option>
        </select>
        <input id={ids.name} className="input small" placeholder={m.webhookName} aria-label={m.webhookName} value={name} maxLength={64} onChange={(event) => setName(event.target.value)} onKeyDown={onEnter} />
        {kind === 'outgoing' && (
          <>
            <input id={ids.url} className="input small" type="url" placeholder="https://…" aria-label={m.webhookUrl} value={url} onChange={(event) => setUrl(event.target.value)} onKeyDown={onEnter} />
            {TRIGGERS.map((trigger) => (
              <label key={trigger} className="webhook-trigger">
                <input type="checkbox" checked={triggers.includes(trigger)} onChange={(event) => toggle(trigger, event.target.checked)} />
                <span>{m.webhookTriggers[trigger]}</span>
              </label>
            ))}
            {triggers.includes('command') && (
              <input id={ids.command} className="input small" placeholder="deploy" aria-label={m.webhookCommand} value={command} onChange={(event) => setCommand(event.target.value.replace(/^\//, ''))} onKeyDown={onEnter} />
            )}
          </>
        )}
        <button type="button" className="button small" disabled={name.trim() === '' || (kind === 'outgoing' && (url === '' || triggers.length === 0))} onClick={() => void create()}>
          {m.addWebhook}
        </button>
      </div>
      {deliveries.length > 0 && (
        <>
          <span className="label">{m.webhookDeliveries}</span>
          <ul className="plain-list deliveries" aria-label={m.webhookDeliveries}>
            {deliveries.map((delivery) => (
              <li key={delivery.id} className="list-row">
                <div className="list-main">
                  <span className="list-title">
                    {m.deliveryStates[delivery.state]} · #{delivery.seq} · {hooks?.find((hook) => hook.id === delivery.webhook)?.name ?? delivery.webhook}
                  </span>
                  <span className="list-sub">
                    {m.deliveryAttempts(delivery.attempts)} · {when(delivery.deliveredAt ?? delivery.createdAt)}
                    {delivery.lastError ? ` · ${delivery.lastError}` : delivery.lastStatus ? ` · HTTP ${delivery.lastStatus}` : ''}
                  </span>
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
