/**
 * Bot accounts over REST (protocol §28), for a server admin or a room owner:
 * make a bot (its token is in that answer only), list yours, issue a new token,
 * revoke it. A bot then connects with `{ kind: 'token', token }` like any token.
 */
import type { Bot, BotBody, BotTokenResponse } from '@parley/protocol';
import { call, type RestOptions } from './rest-api.js';

export function createBot(options: RestOptions, body: BotBody): Promise<BotTokenResponse> {
  return call(options, 'POST', '/api/bots', body);
}

export async function listBots(options: RestOptions): Promise<Bot[]> {
  return (await call<{ bots: Bot[] }>(options, 'GET', '/api/bots')).bots;
}

/** The old token stops working at once; the bot's open connections close (4401). */
export function newBotToken(options: RestOptions, botId: string): Promise<BotTokenResponse> {
  return call(options, 'POST', `/api/bots/${encodeURIComponent(botId)}/token`);
}

export async function revokeBotToken(options: RestOptions, botId: string): Promise<Bot> {
  return (await call<{ bot: Bot }>(options, 'DELETE', `/api/bots/${encodeURIComponent(botId)}/token`)).bot;
}
