/**
 * The client frames that make sense as requests, over HTTP (protocol
 * chat-routes.ts: rooms, messages, moderation). Each request becomes the frame
 * it stands for — built from its path parameters, query and body, then read by
 * parseClientFrame like a WebSocket frame — and is handled by Chat.handle, the
 * very code the socket's frames go through: the same validation,
 * authorization, rate limits and errors, and the events it causes reach every
 * WebSocket client as usual. Its answer is the frame's ack, less `type` and `ref`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ParleyError, fastifyPath, parseClientFrame, type ApiRoute, type ErrorFrame } from '@parley/protocol';
import { toSummary } from '../auth/accounts.js';
import type { Chat } from '../chat/chat.js';
import { RequestPeer } from './request-peer.js';
import { signedIn, type RestIdentityOptions } from './rest-identity.js';

export interface FrameRoutesOptions extends RestIdentityOptions {
  chat: Chat;
  maxJsonDepth: number;
}

/** The ref of every frame a request makes: there is one request per frame, so nothing to tell apart. */
const REST_REF = 'rest';

function frameOf(route: ApiRoute, request: FastifyRequest): Record<string, unknown> {
  const params = route.params ? route.params.parse(request.params) : {};
  const query = route.query ? route.query.parse(request.query ?? {}) : {};
  const body = route.body ? route.body.parse(request.body ?? (route.bodyRequired === false ? {} : undefined)) : {};
  return {
    type: route.frame,
    ...(route.frame === 'send' ? {} : { ref: REST_REF }),
    ...(params as object),
    ...(query as object),
    ...(body as object),
    ...route.fixed,
  };
}

export function frameRoutes(app: FastifyInstance, routes: readonly ApiRoute[], options: FrameRoutesOptions): void {
  for (const route of routes) {
    if (!route.frame) throw new Error(`${route.method} ${route.path} is not a frame route`);
    app.route({
      method: route.method,
      url: fastifyPath(route.path),
      handler: async (request, reply) => {
        const identity = await signedIn(request, options, route.auth === 'person' ? 'person' : 'user');
        const parsed = parseClientFrame(JSON.stringify(frameOf(route, request)), options.maxJsonDepth);
        if (parsed.error || !parsed.frame) throw parsed.error ?? new ParleyError('invalid_frame');
        const peer = new RequestPeer(toSummary(identity.user), identity.sessionHash);
        await options.chat.handle(peer, parsed.frame);
        const answer = await peer.answer;
        if (answer.type === 'error') {
          const { type: _type, ref: _ref, ...body } = answer as ErrorFrame;
          throw ParleyError.fromBody(body);
        }
        if (answer.type !== 'ack') throw new Error(`a ${route.frame} frame was answered with ${answer.type}`);
        const { type: _type, ref: _ref, ...result } = answer;
        return reply.status(route.status).send(result);
      },
    });
  }
}
