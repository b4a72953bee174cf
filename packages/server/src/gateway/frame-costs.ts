/**
 * Which requests are expensive: reads whose cost grows with the data (a page of
 * 200 long messages, the replay of a thousand rooms, a lobby of every user).
 * They run as budgeted units (work-scheduler.ts); the others are cheap: small,
 * bounded work each, or a write whose cost the rate limits bound. The compiler
 * asks for every frame type, so that a new one is classified when it is added.
 */
import type { ClientFrameType } from '@parley/protocol';

const COSTS: { [T in ClientFrameType]: 'cheap' | 'expensive' } = {
  auth: 'cheap',
  ping: 'cheap',
  resume: 'expensive',
  history: 'expensive',
  rooms: 'expensive',
  members: 'expensive',
  directory: 'expensive',
  send: 'cheap',
  edit: 'cheap',
  delete: 'cheap',
  react: 'cheap',
  read: 'cheap',
  typing: 'cheap',
  join: 'cheap',
  leave: 'cheap',
  create: 'cheap',
  invite: 'cheap',
  dm: 'cheap',
  rename: 'cheap',
  role: 'cheap',
  kick: 'cheap',
  ban: 'cheap',
  unban: 'cheap',
  timeout: 'cheap',
  room_settings: 'cheap',
  report: 'cheap',
  resolve_report: 'cheap',
  block: 'cheap',
  reports: 'expensive',
  audit: 'expensive',
  bans: 'expensive',
  // threads (§25): a page of replies and the list of followed threads grow with the data
  replies: 'expensive',
  threads: 'expensive',
  follow: 'cheap',
  thread_read: 'cheap',
  // search: a read whose cost grows with the index, like history
  search: 'expensive',
  // people: a search over the users sharing a room with the user
  people: 'expensive',
  profile: 'cheap',
  webhook_create: 'cheap',
  webhook_revoke: 'cheap',
  webhooks: 'expensive',
  webhook_deliveries: 'expensive',
};

export function isExpensive(type: ClientFrameType): boolean {
  return COSTS[type] === 'expensive';
}
