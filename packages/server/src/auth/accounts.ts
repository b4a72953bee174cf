/**
 * Accounts and sessions: register, log in, enter as a guest, resolve a token
 * (session or JWT) to a user, log out. Transport-neutral: HTTP routes and the
 * WebSocket gateway both call it.
 */
import { BOT_TOKEN_PREFIX, ParleyError, type UserSummary } from '@parley/protocol';
import type { Store, StoredUser } from '../store/store.js';
import type { RateLimits } from '../limits/rate-limiter.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords.js';
import { hashToken, looksLikeJwt, newSessionToken } from './tokens.js';
import type { JwtVerifier } from './jwt.js';
import type { JwtCredential } from './token-revocations.js';
import type { HashGate } from './hash-gate.js';
import { guestUsername, newId } from '../ids.js';

export interface IssuedSession {
  user: StoredUser;
  token: string;
  expiresAt: number;
}

export interface Identity {
  user: StoredUser;
  /** Hash of the session token; null when the user came with a JWT. */
  sessionHash: string | null;
  /** When the credentials stop being valid (epoch ms): the session's end, the JWT's `exp`; null: never. */
  expiresAt: number | null;
  /** The JWT the user came with (null for a session): what a revocation names (token-revocations.ts). */
  jwt: JwtCredential | null;
}

export interface AccountsOptions {
  store: Store;
  limits: RateLimits;
  /** Every password hash and verification runs through it (auth/hash-gate.ts). */
  hashing: HashGate;
  guests: boolean;
  sessionTtlMs: number;
  /** How long a guest's session lasts (they have only the one: once it ends the guest is deleted). */
  guestSessionTtlMs: number;
  verifyJwt: JwtVerifier | null;
  /** Called after a user is created, to add them to the lobby. */
  onUserCreated: (user: StoredUser) => Promise<void>;
}

export function toSummary(user: StoredUser): UserSummary {
  return { id: user.id, username: user.username, name: user.name, kind: user.kind };
}

function rateLimited(retryAfterMs: number): ParleyError {
  return new ParleyError('rate_limited', 'Too many attempts; try again later.', retryAfterMs);
}

/** The key of one account name tried from one address. */
const accountFrom = (username: string, address: string): string => `${username}\n${address}`;

export class Accounts {
  readonly #o: AccountsOptions;

  constructor(options: AccountsOptions) {
    this.#o = options;
  }

  async #issue(user: StoredUser): Promise<IssuedSession> {
    const token = newSessionToken();
    const expiresAt = Date.now() + (user.kind === 'guest' ? this.#o.guestSessionTtlMs : this.#o.sessionTtlMs);
    await this.#o.store.createSession(hashToken(token), user.id, expiresAt);
    return { user, token, expiresAt };
  }

  /** Spends a sign-up token of `address`, then one of every address together. */
  #takeSignup(address: string): void {
    const wait = this.#o.limits.signup.take(address) || this.#o.limits.signupAll.take('all');
    if (wait > 0) throw rateLimited(wait);
  }

  async register(input: { username: string; password: string; name?: string | undefined }, address: string): Promise<IssuedSession> {
    this.#takeSignup(address);
    if (await this.#o.store.findUserByUsername(input.username)) throw new ParleyError('name_taken', 'That username is taken.');
    const passwordHash = await this.#o.hashing.run(() => hashPassword(input.password));
    const user = await this.#o.store.createUser({
      id: newId(),
      username: input.username,
      name: input.name ?? input.username,
      kind: 'account',
      passwordHash,
    });
    await this.#o.onUserCreated(user);
    return this.#issue(user);
  }

  async login(input: { username: string; password: string }, address: string): Promise<IssuedSession> {
    const username = input.username.trim().toLowerCase();
    const wait = this.#o.limits.loginAddress.take(address) || this.#o.limits.login.take(accountFrom(username, address));
    if (wait > 0) throw rateLimited(wait);
    const user = await this.#o.store.findUserByUsername(username);
    // An unknown name is verified against a dummy hash, through the gate alike: the same time either way.
    const ok = await this.#o.hashing.run(async () => verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password));
    if (!user || !user.passwordHash || !ok) throw new ParleyError('invalid_credentials');
    // Told only to someone who knows the password.
    if (user.disabled) throw new ParleyError('forbidden', 'This account is disabled.');
    return this.#issue(user);
  }

  async guest(name: string, address: string): Promise<IssuedSession> {
    if (!this.#o.guests) throw new ParleyError('guests_disabled');
    this.#takeSignup(address);
    for (let attempt = 0; ; attempt++) {
      try {
        const user = await this.#o.store.createUser({ id: newId(), username: guestUsername(name), name, kind: 'guest' });
        await this.#o.onUserCreated(user);
        return this.#issue(user);
      } catch (error) {
        // A random suffix collided; try another a few times.
        if (!(error instanceof ParleyError && error.code === 'name_taken') || attempt >= 3) throw error;
      }
    }
  }

  /**
   * Resolves a session token, a JWT or a bot token; null when it is unknown, expired, revoked
   * or invalid, or its user is disabled. A bot token is looked up at every call: a revoked one
   * fails at once.
   */
  async resolve(token: string): Promise<Identity | null> {
    const identity = token.startsWith(BOT_TOKEN_PREFIX)
      ? await this.#resolveBot(token)
      : looksLikeJwt(token)
        ? await this.#resolveJwt(token)
        : await this.#resolveSession(token);
    return identity?.user.disabled ? null : identity;
  }

  async #resolveBot(token: string): Promise<Identity | null> {
    const user = await this.#o.store.findBotByTokenHash(hashToken(token));
    return user ? { user, sessionHash: null, expiresAt: null, jwt: null } : null;
  }

  async #resolveSession(token: string): Promise<Identity | null> {
    const sessionHash = hashToken(token);
    const found = await this.#o.store.findSessionUser(sessionHash);
    if (!found || found.session.revoked || found.session.expiresAt <= Date.now()) return null;
    return { user: found.user, sessionHash, expiresAt: found.session.expiresAt, jwt: null };
  }

  async #resolveJwt(token: string): Promise<Identity | null> {
    if (!this.#o.verifyJwt) return null;
    const identity = await this.#o.verifyJwt(token);
    if (!identity) return null;
    const jwt: JwtCredential = { subject: identity.sub, jti: identity.jti ?? null, issuedAt: identity.issuedAt ?? null };
    if (await this.#o.store.tokenRevoked({ subject: jwt.subject, jti: identity.jti, issuedAt: identity.issuedAt })) return null;
    const externalId = identity.sub;
    const expiresAt = identity.expiresAt ?? null;
    const existing = await this.#o.store.findUserByExternalId(externalId);
    if (existing) return { user: existing, sessionHash: null, expiresAt, jwt };
    const name = (identity.name ?? identity.username ?? 'user').slice(0, 64).trim() || 'user';
    let user: StoredUser;
    try {
      user = await this.#o.store.createUser({ id: newId(), username: guestUsername(identity.username ?? name), name, kind: 'external', externalId });
    } catch (error) {
      // Two first connections with the same new `sub` raced; the other one created the user.
      const raced = await this.#o.store.findUserByExternalId(externalId);
      if (raced) return { user: raced, sessionHash: null, expiresAt, jwt };
      throw error;
    }
    await this.#o.onUserCreated(user);
    return { user, sessionHash: null, expiresAt, jwt };
  }

  /** JWT revocations made since `createdAfter` (epoch ms), for closing the sockets they concern. */
  revocationsSince(createdAfter: number): ReturnType<Store['revocationsSince']> {
    return this.#o.store.revocationsSince(createdAfter);
  }

  /**
   * A guest keeps their identity as an account (protocol §27), and gets a session of an account's
   * length; the guest session they came with stays valid until it ends.
   */
  async claim(identity: Identity, input: { username?: string | undefined; password: string }, address: string): Promise<IssuedSession> {
    if (identity.user.kind !== 'guest' || identity.sessionHash === null) throw new ParleyError('forbidden', 'Only a guest can claim their identity.');
    this.#takeSignup(address);
    if (input.username !== undefined && input.username !== identity.user.username && (await this.#o.store.findUserByUsername(input.username))) {
      throw new ParleyError('name_taken', 'That username is taken.');
    }
    const passwordHash = await this.#o.hashing.run(() => hashPassword(input.password));
    const user = await this.#o.store.claimGuest({ user: identity.user.id, username: input.username, passwordHash });
    return this.#issue(user);
  }

  /** Revokes a session; returns its hash so the caller can close its sockets. */
  async logout(token: string): Promise<string | null> {
    if (looksLikeJwt(token)) return null;
    const sessionHash = hashToken(token);
    const session = await this.#o.store.findSession(sessionHash);
    if (!session) return null;
    await this.#o.store.revokeSession(sessionHash);
    return sessionHash;
  }
}
