/**
 * webhook_create, webhooks, webhook_revoke, webhook_deliveries: a room's webhooks, managed by
 * its admins and owner (and server admins who are members), as room settings are (§29.1).
 */
import { createHash, randomBytes } from 'node:crypto';
import { INCOMING_WEBHOOK_PATH, ParleyError, SERVER_ADMIN_LEVEL, roleLevel, type ClientFrameOf } from '@parley/protocol';
import type { Peer } from '../hub/peer.js';
import { newId } from '../ids.js';
import { toWebhook, type WebhookRow } from '../store/sql/webhooks.js';
import { isServerAdmin } from './admins.js';
import { ack, requireMember, takeRate, type ChatContext } from './context.js';


/** The hex SHA-256 of an incoming webhook's URL secret, as stored. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The peer must be a member of the room ranked admin or above (or a server admin who is a member); not in a DM. */
async function requireRoomAdmin(ctx: ChatContext, peer: Peer, roomId: string): Promise<void> {
  const role = await ctx.store.memberRole(roomId, peer.user.id);
  if (role === null) await requireMember(ctx, peer, roomId);
  const room = await ctx.store.findRoom(roomId);
  if (!room) throw new ParleyError('not_found', 'No such room.');
  const level = role === null ? -1 : isServerAdmin(ctx.config, peer.user) ? SERVER_ADMIN_LEVEL : roleLevel(role);
  if (room.kind === 'dm' || level < roleLevel('admin')) throw new ParleyError('forbidden', "Only the room's admins and owner may manage its webhooks.");
}

export async function create(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'webhook_create'>): Promise<void> {
  takeRate(ctx.rates.moderation, peer.user.id);
  await requireRoomAdmin(ctx, peer, frame.room);
  const id = newId();
  const urlSecret = randomBytes(24).toString('base64url');
  // Standard Webhooks secrets: `whsec_` and the base64 of 24 random bytes.
  const signingSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const incoming = frame.kind === 'incoming';
  const row: WebhookRow = {
    id,
    room_id: frame.room,
    kind: frame.kind,
    name: frame.name,
    url: frame.url ?? null,
    triggers: frame.triggers ? JSON.stringify(frame.triggers) : null,
    command: frame.command ?? null,
    secret_hash: incoming ? secretHash(urlSecret) : null,
    signing_secret: incoming && !frame.signed ? null : signingSecret,
    created_by_id: peer.user.id,
    created_by_name: peer.user.name,
    created_at: Date.now(),
    revoked_at: null,
    // An outgoing webhook fires for messages from now on, not for the room's past.
    cursor: incoming ? 0 : await ctx.store.latestSeq(frame.room),
  };
  await ctx.store.webhooks.insertWebhook(row);
  const webhook = toWebhook(row);
  if (incoming) {
    const url = `${INCOMING_WEBHOOK_PATH}/${id}/${urlSecret}`;
    ack<'webhook_create'>(peer, frame.ref, { webhook, secret: urlSecret, url, ...(frame.signed ? { signingSecret } : {}) });
  } else {
    ack<'webhook_create'>(peer, frame.ref, { webhook, secret: signingSecret });
  }
}

export async function list(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'webhooks'>): Promise<void> {
  await requireRoomAdmin(ctx, peer, frame.room);
  const rows = await ctx.store.webhooks.roomWebhooks(frame.room);
  ack<'webhooks'>(peer, frame.ref, { room: frame.room, webhooks: rows.map(toWebhook) });
}

export async function revoke(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'webhook_revoke'>): Promise<void> {
  takeRate(ctx.rates.moderation, peer.user.id);
  await requireRoomAdmin(ctx, peer, frame.room);
  if (!(await ctx.store.webhooks.revokeWebhook(frame.room, frame.webhook, Date.now()))) throw new ParleyError('not_found', 'No such webhook in this room.');
  ack<'webhook_revoke'>(peer, frame.ref, { room: frame.room, webhook: frame.webhook });
}

export async function deliveries(ctx: ChatContext, peer: Peer, frame: ClientFrameOf<'webhook_deliveries'>): Promise<void> {
  await requireRoomAdmin(ctx, peer, frame.room);
  const page = await ctx.store.webhooks.deliveries(frame.room, frame.webhook, frame.limit ?? 50);
  ack<'webhook_deliveries'>(peer, frame.ref, { room: frame.room, deliveries: page });
}
