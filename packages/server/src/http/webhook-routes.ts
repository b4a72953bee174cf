/**
 * POST /api/hooks/<id>/<secret>: an incoming webhook posts a message in its room (§29.2).
 * The URL is the credential: an unknown id, a wrong secret and a revoked webhook all answer
 * 404. A webhook made `signed` also needs a valid Standard Webhooks signature (checked with the
 * stock library over the raw body), else 401. A `webhook-id` header makes the post idempotent.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Webhook as Verifier } from 'standardwebhooks';
import { z } from 'zod';
import { CLIENT_ID_PATTERN, INCOMING_WEBHOOK_PATH, ParleyError, incomingWebhookBody, type IncomingWebhookResponse, type RoomEvent } from '@parley/protocol';
import { secretHash } from '../chat/webhooks.js';
import { newId } from '../ids.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import type { Store } from '../store/store.js';
import type { MessageEvent } from '@parley/protocol';

export interface WebhookRoutesOptions {
  store: Store;
  maxBodyChars: number;
  /** The REST body limit (MAX_FRAME_BYTES). */
  maxRequestBytes: number;
  /** Per webhook, as members' messages are limited. */
  rate: RateLimiter;
  published: (event: RoomEvent) => void;
  messageStored: (event: MessageEvent) => void;
}

const params = z.strictObject({ id: z.string().min(1).max(64), secret: z.string().min(1).max(128) });

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function webhookRoutes(app: FastifyInstance, options: WebhookRoutesOptions): Promise<void> {
  await app.register(async (scope) => {
    // The raw text is what a signature covers: parse it here, after the check.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: options.maxRequestBytes }, (_request, body, done) => done(null, body));

    scope.post(`${INCOMING_WEBHOOK_PATH}/:id/:secret`, async (request): Promise<IncomingWebhookResponse> => {
      const { id, secret } = params.parse(request.params);
      const hook = await options.store.webhooks.webhook(id);
      if (!hook || hook.kind !== 'incoming' || hook.revoked_at !== null || hook.secret_hash === null || !sameHash(secretHash(secret), hook.secret_hash)) {
        throw new ParleyError('not_found', 'No such webhook.');
      }
      const raw = typeof request.body === 'string' ? request.body : '';
      const headerId = request.headers['webhook-id'];
      if (hook.signing_secret !== null) {
        try {
          new Verifier(hook.signing_secret).verify(raw, request.headers as Record<string, string>);
        } catch {
          throw new ParleyError('invalid_credentials', 'Missing or invalid webhook signature (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature).');
        }
      }
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        throw new ParleyError('invalid_json', 'The body is not JSON.');
      }
      const parsed = incomingWebhookBody.parse(json);
      const text = parsed.text ?? parsed.body!;
      if (text.length > options.maxBodyChars) throw new ParleyError('body_too_long', `Messages are at most ${options.maxBodyChars} characters.`);
      const wait = options.rate.take(`webhook:${hook.id}`);
      if (wait > 0) throw new ParleyError('rate_limited', `Slow down: retry in ${Math.ceil(wait / 1000)} s.`, wait);
      const clientId = typeof headerId === 'string' && CLIENT_ID_PATTERN.test(headerId) ? headerId : newId();
      const { event, duplicate } = await options.store.appendWebhookMessage({ room: hook.room_id, webhook: { id: hook.id, name: hook.name }, clientId, body: text });
      if (!duplicate) {
        options.published(event);
        options.messageStored(event);
      }
      return { room: event.room, seq: event.seq, duplicate };
    });
  });
}
