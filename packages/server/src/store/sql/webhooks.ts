/**
 * The webhooks and their delivery outbox (issue 23), in one set of Kysely queries that both
 * stores run on their own connection (SQLite's main-thread connection, PostgreSQL's pool).
 *
 * Every write here is a single statement, atomic on its own, so that no transaction is held
 * open across an await (on SQLite that would hold the file's write lock against the writer).
 * What must hold across several statements is made idempotent instead:
 * - a delivery's id is `<webhook id>_<seq>`, inserted with ON CONFLICT DO NOTHING, so turning
 *   the same events into deliveries twice (two nodes, or a crash before the cursor moved)
 *   enqueues each once;
 * - a cursor moves only from the value it was read at (compare and set);
 * - a node claims due rows with one UPDATE … RETURNING that re-checks the lease on each row it
 *   updates (and on PostgreSQL skips rows another node is claiming: FOR UPDATE SKIP LOCKED), so
 *   each attempt is made by one node; only the claim's holder records its outcome.
 */
import type { Kysely } from 'kysely';
import type { Webhook, WebhookDelivery, WebhookTrigger } from '@parley/protocol';
import type { Database, WebhookDeliveriesTable, WebhooksTable } from './schema.js';

export type WebhookRow = WebhooksTable;
export type DeliveryRow = WebhookDeliveriesTable;

/** The outcome of one attempt, recorded by the claim's holder. */
export type AttemptOutcome =
  | { delivered: true; status: number; at: number }
  | { delivered: false; status: number | null; error: string; nextAt: number | null; at: number };

export interface WebhookStore {
  insertWebhook(row: WebhookRow): Promise<void>;
  webhook(id: string): Promise<WebhookRow | null>;
  /** The room's webhooks that are not revoked, oldest first. */
  roomWebhooks(roomId: string): Promise<WebhookRow[]>;
  /** Revokes it; false when the room has no such active webhook. */
  revokeWebhook(roomId: string, id: string, at: number): Promise<boolean>;
  /** Every outgoing webhook not revoked. */
  activeOutgoing(): Promise<WebhookRow[]>;
  /** Inserts the deliveries that are not there yet (by id). */
  enqueue(rows: readonly DeliveryRow[]): Promise<void>;
  /** Moves an outgoing webhook's cursor from `from` to `to`; false when it is no longer at `from`. */
  advanceCursor(id: string, from: number, to: number): Promise<boolean>;
  /**
   * Whether any pending delivery is due and unclaimed at `now`: a read, which on SQLite never waits
   * for the writer, so that an idle outbox takes no write lock (claimDue's UPDATE would, matching
   * nothing or not).
   */
  anyDue(now: number): Promise<boolean>;
  /** Claims up to `limit` pending deliveries due at `now` until `now + leaseMs` under `claim`. */
  claimDue(input: { now: number; leaseMs: number; claim: string; limit: number }): Promise<DeliveryRow[]>;
  /** Records an attempt made under `claim`; false when the claim was lost (its lease ran out and another node took it). */
  recordAttempt(id: string, claim: string, outcome: AttemptOutcome): Promise<boolean>;
  /** The newest deliveries of the room's outgoing webhooks (or of one), newest first. */
  deliveries(roomId: string, webhookId: string | undefined, limit: number): Promise<WebhookDelivery[]>;
}

export function toWebhook(row: WebhookRow): Webhook {
  const webhook: Webhook = {
    id: row.id,
    room: row.room_id,
    kind: row.kind,
    name: row.name,
    createdBy: { id: row.created_by_id, name: row.created_by_name },
    createdAt: row.created_at,
  };
  if (row.url !== null) webhook.url = row.url;
  if (row.triggers !== null) webhook.triggers = JSON.parse(row.triggers) as WebhookTrigger[];
  if (row.command !== null) webhook.command = row.command;
  if (row.kind === 'incoming' && row.signing_secret !== null) webhook.signed = true;
  return webhook;
}

export function toDelivery(row: DeliveryRow): WebhookDelivery {
  const delivery: WebhookDelivery = {
    id: row.id,
    webhook: row.webhook_id,
    seq: row.seq,
    event: row.event,
    state: row.state,
    attempts: row.attempts,
    createdAt: row.created_at,
  };
  if (row.state === 'pending') delivery.nextAttemptAt = row.next_at;
  if (row.last_status !== null) delivery.lastStatus = row.last_status;
  if (row.last_error !== null) delivery.lastError = row.last_error;
  if (row.delivered_at !== null) delivery.deliveredAt = row.delivered_at;
  return delivery;
}

/** `skipLocked`: the database has FOR UPDATE SKIP LOCKED (PostgreSQL); SQLite serializes writers anyway. */
export function sqlWebhookStore(db: Kysely<Database>, options: { skipLocked: boolean }): WebhookStore {
  return {
    async insertWebhook(row) {
      await db.insertInto('webhooks').values(row).execute();
    },
    async webhook(id) {
      return (await db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
    },
    roomWebhooks(roomId) {
      return db.selectFrom('webhooks').selectAll().where('room_id', '=', roomId).where('revoked_at', 'is', null).orderBy('created_at').orderBy('id').execute();
    },
    async revokeWebhook(roomId, id, at) {
      const result = await db
        .updateTable('webhooks')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('room_id', '=', roomId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    activeOutgoing() {
      return db.selectFrom('webhooks').selectAll().where('kind', '=', 'outgoing').where('revoked_at', 'is', null).orderBy('id').execute();
    },
    async enqueue(rows) {
      if (rows.length === 0) return;
      await db
        .insertInto('webhook_deliveries')
        .values([...rows])
        .onConflict((conflict) => conflict.column('id').doNothing())
        .execute();
    },
    async advanceCursor(id, from, to) {
      const result = await db.updateTable('webhooks').set({ cursor: to }).where('id', '=', id).where('cursor', '=', from).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async anyDue(now) {
      const row = await db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('state', '=', 'pending')
        .where('next_at', '<=', now)
        .where('claimed_until', '<=', now)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },
    claimDue({ now, leaseMs, claim, limit }) {
      const due = db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('state', '=', 'pending')
        .where('next_at', '<=', now)
        .where('claimed_until', '<=', now)
        .orderBy('next_at')
        .limit(limit);
      return db
        .updateTable('webhook_deliveries')
        .set({ claimed_until: now + leaseMs, claim })
        .where('id', 'in', options.skipLocked ? due.forUpdate().skipLocked() : due)
        // Re-checked on the row being updated: of two nodes racing for a row, the second finds it claimed.
        .where('state', '=', 'pending')
        .where('claimed_until', '<=', now)
        .returningAll()
        .execute();
    },
    async recordAttempt(id, claim, outcome) {
      const update = db.updateTable('webhook_deliveries').where('id', '=', id).where('claim', '=', claim);
      const result = outcome.delivered
        ? await update
            .set((eb) => ({ state: 'delivered', attempts: eb('attempts', '+', 1), last_status: outcome.status, last_error: null, delivered_at: outcome.at, claimed_until: 0, claim: null }))
            .executeTakeFirst()
        : await update
            .set((eb) => ({
              state: outcome.nextAt === null ? 'failed' : 'pending',
              attempts: eb('attempts', '+', 1),
              last_status: outcome.status,
              last_error: outcome.error,
              next_at: outcome.nextAt ?? outcome.at,
              claimed_until: 0,
              claim: null,
            }))
            .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async deliveries(roomId, webhookId, limit) {
      let select = db.selectFrom('webhook_deliveries').selectAll().where('room_id', '=', roomId);
      if (webhookId !== undefined) select = select.where('webhook_id', '=', webhookId);
      const rows = await select.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toDelivery);
    },
  };
}
