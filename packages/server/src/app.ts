/**
 * Builds one Parley node from its parts: store, bus, presence, hub, chat,
 * accounts, the WebSocket gateway and the HTTP API, all on one port.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CHAT_ROUTES, FILES_PATH } from '@parley/protocol';
import Fastify from 'fastify';
import fastifyCookie from '@fastify/cookie';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { createMetrics } from './metrics.js';
import { createRateLimits } from './limits/rate-limiter.js';
import { openStore, redactUrl, StartError } from './store/create-store.js';
import { userTopic } from './bus/bus.js';
import { encodeUserMessage } from './bus/messages.js';
import { createNodeLinks } from './node-links.js';
import { Hub } from './hub/hub.js';
import { PresenceNotifier } from './hub/presence-notifier.js';
import { Chat } from './chat/chat.js';
import { Accounts } from './auth/accounts.js';
import { HashGate } from './auth/hash-gate.js';
import { createJwtVerifier } from './auth/jwt.js';
import { WsGateway } from './gateway/ws-gateway.js';
import { WorkScheduler } from './gateway/work-scheduler.js';
import { FallbackGateway } from './gateway/fallback-gateway.js';
import { FallbackRelay } from './gateway/fallback-relay.js';
import { fallbackRoutes } from './http/fallback-routes.js';
import { errorHandler } from './http/errors.js';
import { fastifyOptions } from './http/fastify-options.js';
import { authRoutes } from './http/auth-routes.js';
import { opsRoutes } from './http/ops-routes.js';
import { adminRoutes } from './http/admin-routes.js';
import { UserCloser } from './server-admin/user-closer.js';
import { LiveFigures } from './server-admin/live-figures.js';
import { tapBus } from './server-admin/bus-taps.js';
import { webApp } from './http/web-app.js';
import { securityHeaders } from './http/security-headers.js';
import { AddressCap, capConnectionsByAddress } from './http/address-cap.js';
import { fileRoutes } from './http/file-routes.js';
import { frameRoutes } from './http/frame-routes.js';
import { botRoutes } from './http/bot-routes.js';
import { openApiRoutes } from './http/openapi-routes.js';
import { cors } from './http/cors.js';
import { describedRoutesOnly } from './http/described-routes.js';
import { requestDeadline } from './http/request-deadline.js';
import { openFiles } from './files/create-files.js';
import { FileService } from './files/file-service.js';
import { FileSweeper } from './files/sweeper.js';
import { GuestLifecycle } from './chat/guests.js';
import type { Files } from './files/files.js';
import { AddressFilter } from './outbound/address-filter.js';
import { GuardedFetcher } from './outbound/guarded-fetch.js';
import { WebhookOutbox } from './webhooks/outbox.js';
import { LinkPreviewer } from './link-previews/previewer.js';
import { webhookRoutes } from './http/webhook-routes.js';
import { publishEvent } from './chat/context.js';
import type { RoomEvent } from '@parley/protocol';

/** Connections the kernel may hold for the node to accept (listen(2)'s backlog). */
const ACCEPT_BACKLOG = 4096;

export interface ParleyServer {
  listen(): Promise<{ port: number; url: string }>;
  /** Graceful: stop accepting, close sockets with 4000, finish pending writes, close the store. */
  close(): Promise<void>;
}

export async function createParleyServer(config: Config, log: Logger): Promise<ParleyServer> {
  mkdirSync(config.dataDir, { recursive: true });
  const metrics = createMetrics();
  const store = await openStore(config, (where, error) => {
    log.error({ err: error, where }, 'store background failure');
    metrics.backgroundErrors.inc({ where });
  });

  let files: Files;
  try {
    files = await openFiles(config.files, (where, error) => {
      log.error({ err: error, where }, 'files background failure');
      metrics.backgroundErrors.inc({ where });
    });
  } catch (error) {
    await store.close();
    throw error;
  }

  const rates = createRateLimits(config.rateLimits, config.botRate);
  const { node, bus, presence, feedCheckMs } = createNodeLinks(config);
  const backgroundError = (where: string, error: Error) => {
    log.error({ err: error, where }, 'background failure');
    metrics.backgroundErrors.inc({ where });
  };
  const hub = new Hub({ bus, reader: store, log, checkIntervalMs: feedCheckMs, onError: backgroundError });
  const presenceNotifier = new PresenceNotifier(bus, presence, config.presenceIntervalMs);
  // A connection's expensive requests may take a quarter of the event loop, in bursts of 100 ms;
  // their replies wait while half the slow-consumer limit of earlier ones is still unsent.
  const work = new WorkScheduler({
    sliceMs: 2,
    budget: { capacityMs: 100, refillMsPerSecond: 250 },
    backlogLimitBytes: Math.floor(config.outboundQueueLimitBytes / 2),
  });
  // Requests made on users' behalf: outgoing webhooks and link previews (outbound/guarded-fetch.ts).
  const fetcher = new GuardedFetcher(new AddressFilter(config.outbound.allowed), { userAgent: 'Parley (+https://github.com/parley-chat)' });
  const published = (event: RoomEvent) => publishEvent(chat.ctx, event);
  const linkPreviews = config.linkPreviews.enabled
    ? new LinkPreviewer({ store, fetcher, timeoutMs: config.linkPreviews.timeoutMs, log, registry: metrics.registry, published })
    : null;
  // The chat code's store and presence are watched: a request waiting on them lets the next one in.
  const chat = new Chat({ store: work.watchIo(store), pacer: work, bus, hub, presence: work.watchIo(presence), presenceNotifier, rates, config, log, metrics, linkPreviews });
  const outbox = new WebhookOutbox({ store, fetcher, config: config.webhooks, maxBodyChars: config.limits.maxBodyChars, log, published, onError: backgroundError });
  const closer = new UserCloser(bus, hub);
  // On a cluster, POSTs of the HTTP fallback may reach another node than their stream's.
  const relay = config.cluster
    ? new FallbackRelay({ bus, node, timeoutMs: config.fallbackRelayTimeoutMs, onError: (error) => backgroundError('fallback-relay', error) })
    : null;
  const figures = new LiveFigures(metrics);
  try {
    await bus.start(tapBus(hub.busEvents, closer, figures, relay));
    await relay?.start();
    await hub.start();
    await closer.start();
    await presence.start({
      expired: (changes) => void chat.presenceChanged(changes, 'offline'),
      restored: (changes) => void chat.presenceChanged(changes, 'online'),
      error: backgroundError,
    });
  } catch (error) {
    await Promise.allSettled([bus.close(), presence.close(), store.close(), files.close()]);
    const where = config.cluster?.kind === 'redis' ? `Redis at REDIS_URL (${redactUrl(config.cluster.url)})` : 'the other nodes through the database at DATABASE_URL';
    throw new StartError(`Could not reach ${where}: ${(error as Error).message}`, { cause: error });
  }
  if (config.cluster) log.info({ node, through: config.cluster.kind }, 'joined the cluster');
  const accounts = new Accounts({
    store,
    limits: rates,
    // Half of libuv's four threads at most, so that file reads and DNS keep theirs; a queue of
    // 32 is about half a second of hashing.
    hashing: new HashGate({ concurrency: 2, maxWaiting: 32 }),
    guests: config.guests,
    sessionTtlMs: config.sessionTtlMs,
    guestSessionTtlMs: config.guestLifecycle.sessionTtlMs,
    verifyJwt: config.jwt ? createJwtVerifier(config.jwt) : null,
    onUserCreated: (user) => chat.onUserCreated(user),
  });
  const fileService = new FileService({
    store,
    files,
    config: config.files,
    // This node's own: an upload is spooled where it arrives, whatever storage keeps it.
    spoolDir: join(config.dataDir, 'uploads-in-flight'),
    onError: backgroundError,
  });
  await fileService.start();
  const fileSweeper = new FileSweeper(fileService, backgroundError, config.files.sweepIntervalMs);
  const guests = new GuestLifecycle(chat.ctx, config.guestLifecycle.sweepIntervalMs, backgroundError);
  const addressCap = new AddressCap(config.maxConnectionsPerAddress);
  const gateway = new WsGateway({ config, accounts, chat, log, metrics, addressCap, work });
  const fallback = new FallbackGateway({ host: gateway.sessionHost, relay, keepaliveMs: config.heartbeat.intervalMs });
  let closing = false;

  const app = Fastify(fastifyOptions(config, log));
  const allDescribed = describedRoutesOnly(app);
  app.setErrorHandler(errorHandler(log));
  requestDeadline(app, config.http.requestTimeoutMs, (request) => request.method === 'POST' && request.url.split('?')[0] === FILES_PATH);
  securityHeaders(app, config.allowedOrigins);
  await app.register(fastifyCookie);
  await cors(app, config.allowedOrigins);
  const restIdentity = { accounts, allowedOrigins: config.allowedOrigins, trustProxy: config.trustProxy };
  authRoutes(app, {
    accounts,
    trustProxy: config.trustProxy,
    endSession: (userId, sessionHash) => bus.publish(userTopic(userId), encodeUserMessage({ endSession: sessionHash })),
    guestLeft: (user) => guests.retire(user.id, { id: user.id, name: user.name }, 'logged out'),
    claimed: (user) => bus.publish(userTopic(user.id), encodeUserMessage({ profile: user, frame: { type: 'user', user } })),
  });
  fileRoutes(app, {
    service: fileService,
    accounts,
    allowedOrigins: config.allowedOrigins,
    trustProxy: config.trustProxy,
    admins: config.admins,
    maxFileBytes: config.files.maxFileBytes,
  });
  opsRoutes(app, { metrics, metricsToken: config.metricsToken, trustProxy: config.trustProxy, isClosing: () => closing });
  adminRoutes(app, { config, accounts, chat, closer, figures, files: fileService });
  frameRoutes(app, CHAT_ROUTES, { ...restIdentity, chat, maxJsonDepth: config.limits.maxJsonDepth });
  botRoutes(app, { ...restIdentity, config, store, closer });
  openApiRoutes(app);
  fallbackRoutes(app, {
    gateway: fallback,
    accounts,
    allowedOrigins: config.allowedOrigins,
    trustProxy: config.trustProxy,
    addressCap,
    maxFrameBytes: config.limits.maxFrameBytes,
    onRefused: () => metrics.connectionsRefused.inc(),
  });
  await webhookRoutes(app, {
    store,
    maxBodyChars: config.limits.maxBodyChars,
    maxRequestBytes: config.limits.maxFrameBytes,
    rate: rates.messages,
    published,
    messageStored: (event) => linkPreviews?.messageStored(event),
  });
  await webApp(app, config.webDir, log);
  await app.ready();
  allDescribed();
  gateway.attach(app.server);
  // Behind a trusted proxy every socket is the proxy's: the gateway counts WebSockets by client instead.
  if (!config.trustProxy) capConnectionsByAddress(app.server, addressCap, () => metrics.connectionsRefused.inc());
  // Errors of the listening socket (EMFILE on accept…) are logged, never thrown; one raised while
  // it starts to listen rejects `listen()`, whose caller reports it.
  app.server.on('error', (error) => {
    if (!app.server.listening) return;
    log.error({ err: error }, 'http server error');
    metrics.backgroundErrors.inc({ where: 'http-server' });
  });

  outbox.start();

  const sweeper = setInterval(() => {
    for (const limiter of Object.values(rates)) limiter.sweep();
  }, 60_000);
  sweeper.unref();

  return {
    async listen() {
      // A node takes over the clients of a dead node all at once: with Node's default queue of 511
      // connections waiting to be accepted, the kernel drops the SYNs of the rest, and each of
      // those clients waits a second or more to try again. The kernel caps this at somaxconn.
      await app.listen({ port: config.port, host: config.host, backlog: ACCEPT_BACKLOG });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
      return { port, url: `http://${shownHost}:${port}` };
    },
    async close() {
      closing = true;
      clearInterval(sweeper);
      figures.close();
      presenceNotifier.close();
      const closed = app.close();
      // Frames already accepted finish storing (their acks are queued) before the sockets close.
      await gateway.close(Math.max(100, config.shutdownTimeoutMs - 2000));
      fallback.close();
      await closed;
      await outbox.close();
      await linkPreviews?.close();
      hub.close();
      // Presence first: this node's users go offline for the others now, not when its entries expire.
      await presence.close();
      await bus.close();
      await fileSweeper.close();
      await guests.close();
      await store.close();
      await files.close();
    },
  };
}
