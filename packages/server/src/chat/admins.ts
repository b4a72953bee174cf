/** Server admins: the accounts the operator names in ADMIN_USERS (config.ts). Usernames never change, so the answer is stable. */
import type { UserSummary } from '@parley/protocol';
import type { Config } from '../config.js';

/** Guests are never admins, whatever they are called: their usernames are made for them, not chosen. */
export function isServerAdmin(config: Pick<Config, 'admins'>, user: Pick<UserSummary, 'username' | 'kind'>): boolean {
  return user.kind !== 'guest' && config.admins.includes(user.username);
}
