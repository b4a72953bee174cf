/**
 * The audit log's one writer: every moderation and administration rule calls
 * it once, in the transaction of the action it records, so an action and its
 * entry commit together or not at all. The table refuses updates and deletes
 * (triggers of migration 4): entries are only ever appended.
 */
import type { AuditAction, UserRef } from '@parley/protocol';
import type { WriteTx } from './write-tx.js';

export interface NewAuditEntry {
  /** null: a server-wide action. */
  room: string | null;
  ts: number;
  actor: UserRef;
  action: AuditAction;
  target?: UserRef | null;
  reason?: string | undefined;
  details?: Record<string, unknown>;
}

export async function writeAudit(tx: WriteTx, entry: NewAuditEntry): Promise<void> {
  await tx.insertAudit({
    room_id: entry.room,
    ts: entry.ts,
    actor_id: entry.actor.id,
    actor_name: entry.actor.name,
    action: entry.action,
    target_id: entry.target?.id ?? null,
    target_name: entry.target?.name ?? null,
    reason: entry.reason ?? null,
    details: entry.details === undefined ? null : JSON.stringify(entry.details),
  });
}
