/** Bot accounts (protocol §28): made over REST by a server admin or a room owner; they sign in with a bot token. */
import { z } from 'zod';
import { displayName, username } from './client-frames.js';
import type { UserRef, UserSummary } from './model.js';

/** Every bot token starts with this, so that the server (and a secret scanner) tells it from a session token or a JWT. */
export const BOT_TOKEN_PREFIX = 'pbot_';

/** `POST /api/bots`: the bot's username (unique among all users) and display name (default: the username). */
export const botBody = z.strictObject({ username, name: displayName.optional() });
export type BotBody = z.infer<typeof botBody>;

export interface Bot {
  /** The bot's user: `kind` is `bot`. */
  user: UserSummary;
  createdBy: UserRef;
  createdAt: number;
  /** It has a token that works: false once revoked (until a new one is issued). */
  active: boolean;
}

/** The answer of creating a bot or issuing it a new token: `token` is shown this once (only its hash is kept). */
export interface BotTokenResponse {
  bot: Bot;
  token: string;
}
