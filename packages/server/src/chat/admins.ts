/** Server admins: the accounts the operator names in ADMIN_USERS (config.ts). Usernames never change, so the answer is stable. */
import type { UserSummary } from '@parley/protocol';
import type { Config } from '../config.js';

/**
 * Guests are never admins, whatever they are called: their usernames are made for them, not
 * chosen. Nor are bots: whoever makes one chooses its username, so one named after an admin
 * who has not signed up yet must not become one.
 */
export function isServerAdmin(config: Pick<Config, 'admins'>, user: Pick<UserSummary, 'username' | 'kind'>): boolean {
  return user.kind !== 'guest' && user.kind !== 'bot' && config.admins.includes(user.username);
}
