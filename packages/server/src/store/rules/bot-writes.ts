/** The rules of writes to bot accounts (protocol §28); like the others, every refusal comes before the first change. */
import { ParleyError } from '@parley/protocol';
import type { StoredBot } from '../store.js';
import type { WriteTx } from './write-tx.js';
import { createUser } from './account-writes.js';
import { toStoredUser } from '../sql/rows.js';

/** Creates the bot's user (kind `bot`) and its row, with the hash of its first token. Throws `name_taken`. */
export async function createBot(tx: WriteTx, input: { id: string; username: string; name: string; createdBy: string; tokenHash: string }): Promise<StoredBot> {
  const creator = await tx.userById(input.createdBy);
  if (!creator) throw new ParleyError('user_not_found', 'No such user.');
  const user = await createUser(tx, { id: input.id, username: input.username, name: input.name, kind: 'bot' });
  const createdAt = user.createdAt;
  await tx.insertBot({ user_id: user.id, created_by: creator.id, created_at: createdAt, token_hash: input.tokenHash });
  return { user, createdBy: { id: creator.id, name: creator.name }, createdAt, active: true };
}

/** Replaces the bot's token hash (null: revokes it). Throws `not_found` for a user that is not a bot. */
export async function setBotToken(tx: WriteTx, userId: string, tokenHash: string | null): Promise<StoredBot> {
  const bot = await tx.botById(userId);
  const user = bot ? await tx.userById(userId) : null;
  if (!bot || !user) throw new ParleyError('not_found', 'No such bot.');
  await tx.setBotTokenHash(userId, tokenHash);
  const creator = await tx.userById(bot.created_by);
  return {
    user: toStoredUser(user),
    createdBy: { id: bot.created_by, name: creator?.name ?? '' },
    createdAt: bot.created_at,
    active: tokenHash !== null,
  };
}
