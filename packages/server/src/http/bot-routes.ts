/**
 * /api/bots: bot accounts (protocol §28). A server admin, or anyone who owns
 * a public or private room, makes a bot and gets its token in that answer
 * only (the store keeps its SHA-256). The bot signs in with it as a Bearer
 * token, over REST and at the WebSocket handshake; it joins rooms when invited
 * (POST /api/rooms/{room}/invite). Its maker and server admins list it, issue
 * it a new token and revoke it; either takes effect at once: the old token
 * resolves to nobody from then on, and the bot's open sockets close (4401) on
 * every node.
 */
import type { FastifyInstance } from 'fastify';
import { CLOSE, ParleyError, botBody, type Bot, type BotTokenResponse, type UserSummary } from '@parley/protocol';
import { z } from 'zod';
import { toSummary } from '../auth/accounts.js';
import { hashToken, newBotToken } from '../auth/tokens.js';
import { isServerAdmin } from '../chat/admins.js';
import type { Config } from '../config.js';
import { newId } from '../ids.js';
import type { UserCloser } from '../server-admin/user-closer.js';
import type { Store, StoredBot } from '../store/store.js';
import { signedIn, type RestIdentityOptions } from './rest-identity.js';

export interface BotRoutesOptions extends RestIdentityOptions {
  config: Pick<Config, 'admins'>;
  store: Store;
  closer: UserCloser;
}

const idParam = z.object({ id: z.string().min(1).max(128) });

const toBot = (bot: StoredBot): Bot => ({ user: toSummary(bot.user), createdBy: bot.createdBy, createdAt: bot.createdAt, active: bot.active });

export function botRoutes(app: FastifyInstance, options: BotRoutesOptions): void {
  const { config, store, closer } = options;

  /** The bot `id`, if the caller may manage it (its maker or a server admin); `not_found` otherwise, so that ids reveal nothing. */
  const managed = async (id: string, caller: Pick<UserSummary, 'id' | 'username' | 'kind'>): Promise<StoredBot> => {
    const bot = await store.findBot(id);
    if (!bot || (bot.createdBy.id !== caller.id && !isServerAdmin(config, caller))) throw new ParleyError('not_found', 'No such bot.');
    return bot;
  };

  app.post('/api/bots', async (request, reply): Promise<BotTokenResponse> => {
    const { user } = await signedIn(request, options, 'person');
    const body = botBody.parse(request.body);
    if (!isServerAdmin(config, user)) {
      const rooms = await store.listRoomsFor(user.id);
      if (!rooms.some((room) => room.kind !== 'dm' && room.role === 'owner')) {
        throw new ParleyError('forbidden', 'Only server admins and room owners make bots.');
      }
    }
    const token = newBotToken();
    const bot = await store.createBot({ id: newId(), username: body.username, name: body.name ?? body.username, createdBy: user.id, tokenHash: hashToken(token) });
    void reply.status(201);
    return { bot: toBot(bot), token };
  });

  app.get('/api/bots', async (request): Promise<{ bots: Bot[] }> => {
    const { user } = await signedIn(request, options, 'person');
    const bots = await store.listBots(isServerAdmin(config, user) ? null : user.id);
    return { bots: bots.map(toBot) };
  });

  app.post('/api/bots/:id/token', async (request): Promise<BotTokenResponse> => {
    const { user } = await signedIn(request, options, 'person');
    const { id } = idParam.parse(request.params);
    await managed(id, user);
    const token = newBotToken();
    const bot = await store.setBotToken(id, hashToken(token));
    closer.close(id, CLOSE.sessionEnded, 'bot token replaced');
    return { bot: toBot(bot), token };
  });

  app.delete('/api/bots/:id/token', async (request): Promise<{ bot: Bot }> => {
    const { user } = await signedIn(request, options, 'person');
    const { id } = idParam.parse(request.params);
    await managed(id, user);
    const bot = await store.setBotToken(id, null);
    closer.close(id, CLOSE.sessionEnded, 'bot token revoked');
    return { bot: toBot(bot) };
  });
}
