/** What makes an outgoing webhook fire on a message, and the JSON body it is sent. */
import type { MessageEvent, WebhookTrigger } from '@parley/protocol';
import type { WebhookRow } from '../store/sql/webhooks.js';

/** The body of a delivery (docs/protocol.md §29.3). */
export interface DeliveryPayload {
  type: WebhookTrigger;
  webhook: { id: string; name: string };
  room: string;
  message: { seq: number; id: string; ts: number; user: { id: string; name: string }; body: string };
  /** With `type` "command": the command's name and what follows it. */
  command?: { name: string; text: string };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The slash command a body starts with (`/deploy now` → deploy, "now"), if it is `command`. */
export function commandOf(body: string, command: string): { name: string; text: string } | null {
  const match = /^\/([a-z0-9][a-z0-9_-]*)(?:\s+([\s\S]*))?$/i.exec(body.trim());
  if (!match || match[1]!.toLowerCase() !== command) return null;
  return { name: command, text: (match[2] ?? '').trim() };
}

/** Whether the body mentions `@name` (any case; the name's spaces may be written as they are). */
export function mentions(body: string, name: string): boolean {
  return new RegExp(`(^|[^\\p{L}\\p{N}_])@${escapeRegExp(name)}(?![\\p{L}\\p{N}_])`, 'iu').test(body);
}

/**
 * What the message fires for this webhook, the most specific first (its command, a mention of
 * it, any message); null when nothing. Messages posted through webhooks never fire one (no loops).
 */
export function triggerOf(hook: WebhookRow, message: MessageEvent): DeliveryPayload | null {
  if (message.deleted || message.webhook !== undefined) return null;
  const triggers = JSON.parse(hook.triggers ?? '[]') as WebhookTrigger[];
  const base = {
    webhook: { id: hook.id, name: hook.name },
    room: message.room,
    message: { seq: message.seq, id: message.id, ts: message.ts, user: message.user, body: message.body },
  };
  if (triggers.includes('command') && hook.command !== null) {
    const command = commandOf(message.body, hook.command);
    if (command) return { type: 'command', ...base, command };
  }
  if (triggers.includes('mention') && mentions(message.body, hook.name)) return { type: 'mention', ...base };
  if (triggers.includes('message')) return { type: 'message', ...base };
  return null;
}
