/**
 * Outgoing webhooks' deliveries, from the durable outbox (store/sql/webhooks.ts). Every node runs
 * one; each round it
 * 1. turns the new messages of each watched room into deliveries: from the webhook's cursor, one
 *    row per (webhook, message) that fires it, with a stable id (`<webhook id>_<seq>`), then
 *    moves the cursor. Both steps are idempotent, so two nodes, or a crash between them, enqueue
 *    each delivery once; and nothing is lost, since the cursor moves only after the rows are in.
 * 2. claims the deliveries that are due (a lease: one node makes a given attempt) and POSTs each,
 *    signed in the Standard Webhooks format with the stock library. A 2xx delivers it; anything
 *    else is retried with exponential backoff (and jitter) until `retryForMs` after the message,
 *    then marked failed. A command's 2xx answer with `{"text": …}` is posted in the room as the
 *    webhook's reply, idempotently (its client id is the delivery's), before the delivery is
 *    recorded: a retry after a crash there cannot post it twice.
 *
 * Delivery is at least once: an attempt whose outcome was not recorded (a crash, a lease that
 * ran out) is made again, with the same id and body, for the receiver to deduplicate.
 */
import { randomUUID } from 'node:crypto';
import { Webhook as Signer } from 'standardwebhooks';
import { isStorableText, type MessageEvent, type RoomEvent } from '@parley/protocol';
import type { Store } from '../store/store.js';
import type { DeliveryRow, WebhookRow } from '../store/sql/webhooks.js';
import type { WebhooksConfig } from '../config.js';
import type { Logger } from '../log.js';
import { RefusedAddressError, type GuardedFetcher } from '../outbound/guarded-fetch.js';
import { triggerOf } from './triggers.js';

/** Events read per webhook per round. */
const SCAN_PAGE = 200;
/** Deliveries claimed at once (and sent in parallel) per round. */
const CLAIM_BATCH = 16;
/** The most of an answer read (a command's reply is a message). */
const MAX_ANSWER_BYTES = 64 * 1024;

export interface OutboxOptions {
  store: Store;
  fetcher: GuardedFetcher;
  config: WebhooksConfig;
  /** The longest message body: a reply is cut to it. */
  maxBodyChars: number;
  log: Logger;
  /** Tells the room of a reply the outbox stored. */
  published: (event: RoomEvent) => void;
  onError: (where: string, error: Error) => void;
}

export class WebhookOutbox {
  readonly #o: OutboxOptions;
  #timer: NodeJS.Timeout | null = null;
  #round: Promise<void> | null = null;
  #closed = false;
  readonly #abort = new AbortController();

  constructor(options: OutboxOptions) {
    this.#o = options;
  }

  start(): void {
    this.#schedule(0);
  }

  /** Stops after the current round; attempts in flight are abandoned (their leases run out and they are made again). */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#abort.abort();
    await this.#round;
  }

  #schedule(delayMs: number): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#round = this.#runRound().finally(() => this.#schedule(this.#o.config.pollMs));
    }, delayMs);
    this.#timer.unref();
  }

  async #runRound(): Promise<void> {
    try {
      const hooks = await this.#o.store.webhooks.activeOutgoing();
      await this.#enqueue(hooks);
      await this.#deliverDue(new Map(hooks.map((hook) => [hook.id, hook])));
    } catch (error) {
      if (!this.#closed) this.#o.onError('webhook outbox', error as Error);
    }
  }

  async #enqueue(hooks: readonly WebhookRow[]): Promise<void> {
    if (hooks.length === 0) return;
    const latest = await this.#o.store.latestSeqs([...new Set(hooks.map((hook) => hook.room_id))]);
    for (const hook of hooks) {
      if ((latest.get(hook.room_id) ?? 0) <= hook.cursor) continue;
      const events = await this.#o.store.eventsAfter(hook.room_id, hook.cursor, SCAN_PAGE);
      if (events.length === 0) continue;
      const rows: DeliveryRow[] = [];
      for (const event of events) {
        if (event.kind !== 'message') continue;
        const payload = triggerOf(hook, event as MessageEvent);
        if (!payload) continue;
        rows.push({
          id: `${hook.id}_${event.seq}`,
          webhook_id: hook.id,
          room_id: hook.room_id,
          seq: event.seq,
          event: payload.type,
          payload: JSON.stringify(payload),
          state: 'pending',
          attempts: 0,
          next_at: event.ts,
          claimed_until: 0,
          claim: null,
          last_status: null,
          last_error: null,
          created_at: event.ts,
          delivered_at: null,
        });
      }
      await this.#o.store.webhooks.enqueue(rows);
      await this.#o.store.webhooks.advanceCursor(hook.id, hook.cursor, events.at(-1)!.seq);
    }
  }

  async #deliverDue(hooks: Map<string, WebhookRow>): Promise<void> {
    while (!this.#closed && (await this.#o.store.webhooks.anyDue(Date.now()))) {
      const claim = randomUUID();
      const leaseMs = this.#o.config.timeoutMs + 30_000;
      const due = await this.#o.store.webhooks.claimDue({ now: Date.now(), leaseMs, claim, limit: CLAIM_BATCH });
      await Promise.all(due.map((row) => this.#attempt(row, claim, hooks)));
      if (due.length < CLAIM_BATCH) return;
    }
  }

  async #attempt(row: DeliveryRow, claim: string, hooks: Map<string, WebhookRow>): Promise<void> {
    const hook = hooks.get(row.webhook_id) ?? (await this.#o.store.webhooks.webhook(row.webhook_id));
    const now = Date.now();
    if (!hook || hook.revoked_at !== null || hook.url === null || hook.signing_secret === null) {
      await this.#o.store.webhooks.recordAttempt(row.id, claim, { delivered: false, status: null, error: 'webhook revoked', nextAt: null, at: now });
      return;
    }
    let status: number | null = null;
    let error: string;
    try {
      const sentAt = new Date();
      const signature = new Signer(hook.signing_secret).sign(row.id, sentAt, row.payload);
      const response = await this.#o.fetcher.fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': row.id,
          'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body: row.payload,
        timeoutMs: this.#o.config.timeoutMs,
        maxBytes: MAX_ANSWER_BYTES,
        truncate: true,
        maxRedirects: 0,
        signal: this.#abort.signal,
      });
      status = response.status;
      if (status >= 200 && status < 300) {
        if (row.event === 'command') await this.#reply(hook, row, response.body);
        await this.#o.store.webhooks.recordAttempt(row.id, claim, { delivered: true, status, at: Date.now() });
        return;
      }
      error = `HTTP ${status}`;
    } catch (failure) {
      if (this.#closed) return;
      error = failure instanceof RefusedAddressError ? failure.message : `${(failure as Error).name}: ${(failure as Error).message}`;
    }
    const at = Date.now();
    const nextAt = at + this.#backoff(row.attempts);
    const giveUp = nextAt > row.created_at + this.#o.config.retryForMs;
    await this.#o.store.webhooks.recordAttempt(row.id, claim, { delivered: false, status, error: error.slice(0, 500), nextAt: giveUp ? null : nextAt, at });
  }

  /** The wait before the attempt after `attempts` failed ones: base × 2^attempts, at most the maximum, ±20 %. */
  #backoff(attempts: number): number {
    const { retryBaseMs, retryMaxMs } = this.#o.config;
    const wait = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(attempts, 30));
    return Math.round(wait * (0.8 + Math.random() * 0.4));
  }

  /** Posts a command's answer `{"text": …}` in the room as the webhook's message; any other answer posts nothing. */
  async #reply(hook: WebhookRow, row: DeliveryRow, body: Buffer): Promise<void> {
    let text: unknown;
    try {
      text = (JSON.parse(body.toString('utf8')) as { text?: unknown }).text;
    } catch {
      return;
    }
    if (typeof text !== 'string' || text.trim() === '') return;
    // Cut to the longest body, never inside a surrogate pair.
    let reply = text.slice(0, this.#o.maxBodyChars);
    if (/[\ud800-\udbff]$/.test(reply)) reply = reply.slice(0, -1);
    if (!isStorableText(reply)) return;
    const { event, duplicate } = await this.#o.store.appendWebhookMessage({
      room: row.room_id,
      webhook: { id: hook.id, name: hook.name },
      clientId: `reply_${row.id}`,
      body: reply,
    });
    if (!duplicate) this.#o.published(event);
  }
}
