/**
 * All configuration, read from the environment in this one place, validated,
 * defaulted and frozen. Nothing else in the server reads `process.env`.
 */
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DEFAULT_LIMITS, type Limits } from '@parley/protocol';
import { parseCidr, type Cidr } from './outbound/address-filter.js';

const onOff = z.enum(['on', 'off', 'true', 'false', '1', '0']).transform((v) => v === 'on' || v === 'true' || v === '1');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** The protocol's username format (client-frames.ts), which ADMIN_USERS entries must have. */
const USERNAME = /^[a-z0-9][a-z0-9_.-]{1,31}$/;
const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

const envSchema = z.object({
  PORT: int(0, 65535).default(8000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/[^\s]+$/, 'DATABASE_URL must be a PostgreSQL URL (postgres://user:password@host:5432/database)')
    .optional(),
  DATABASE_POOL_SIZE: int(1, 1000).default(10),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/[^\s]+$/, 'REDIS_URL must be a Redis URL (redis://host:6379, rediss:// for TLS)')
    .optional(),
  CLUSTER: z.enum(['postgres']).optional(),
  REDIS_PREFIX: z.string().min(1).max(64).regex(/^[^\s*?[\]]+$/, 'REDIS_PREFIX has no spaces or glob characters').default('parley:'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ALLOWED_ORIGINS: z.string().default(''),
  TRUST_PROXY: onOff.default(false),
  GUESTS: onOff.default(true),
  GUEST_SESSION_TTL_HOURS: int(1, 24 * 365).default(24 * 7),
  GUEST_SWEEP_INTERVAL_MS: int(100, 24 * 3_600_000).default(60_000),
  ADMIN_USERS: z.string().default(''),
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
  JWT_PUBLIC_KEY: z.string().min(1).optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  SESSION_TTL_HOURS: int(1, 24 * 365).default(24 * 30),
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  HEARTBEAT_INTERVAL_MS: int(100, 600_000).default(25_000),
  HEARTBEAT_TIMEOUT_MS: int(100, 600_000).default(20_000),
  AUTH_TIMEOUT_MS: int(100, 600_000).default(10_000),
  HTTP_HEADERS_TIMEOUT_MS: int(100, 600_000).default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: int(100, 3_600_000).default(30_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(100, 600_000).default(5_000),
  HTTP_IDLE_TIMEOUT_MS: int(100, 600_000).default(10_000),
  MAX_CONNECTIONS_PER_ADDRESS: int(0, 1_000_000).default(256),
  MAX_BODY_CHARS: int(1, 100_000).default(DEFAULT_LIMITS.maxBodyChars),
  MAX_FRAME_BYTES: int(1024, 16 * 1024 * 1024).default(DEFAULT_LIMITS.maxFrameBytes),
  REPLAY_LIMIT: int(1, 100_000).default(DEFAULT_LIMITS.replayLimit),
  RATE_LIMITS: onOff.default(true),
  BOT_MESSAGES_PER_MINUTE: int(1, 60_000).default(60),
  BOT_MESSAGE_BURST: int(1, 10_000).default(10),
  SQLITE_SYNC: z.enum(['full', 'normal']).default('full'),
  SQLITE_WRITER: z.enum(['auto', 'thread', 'inline']).default('auto'),
  SQLITE_COMMIT_INTERVAL_MS: int(0, 100).default(5),
  OUTBOUND_QUEUE_LIMIT_BYTES: int(1024, 1024 * 1024 * 1024).default(4 * 1024 * 1024),
  // 10 rather than 5: on a saturated core, rounds 5 ms further apart carry more frames per
  // write — a sixth less CPU per delivery and a steadier ack tail for a few ms more fan-out
  // latency (bench/results/analysis.md, the AMD EPYC …-v669 section).
  FLUSH_MAX_PAUSE_MS: int(0, 100).default(10),
  PRESENCE_INTERVAL_MS: int(0, 60_000).default(250),
  SHUTDOWN_TIMEOUT_MS: int(100, 120_000).default(10_000),
  FALLBACK_RELAY_TIMEOUT_MS: int(100, 60_000).default(5000),
  WEB_DIR: z.string().min(1).default(DEFAULT_WEB_DIR),
  // Default: the cluster's database with REDIS_URL (every node must serve every file), else disk.
  FILES_STORAGE: z.enum(['disk', 'postgres']).optional(),
  FILES_DIR: z.string().min(1).optional(),
  MAX_FILE_BYTES: int(1, 1024 ** 4).default(DEFAULT_LIMITS.maxFileBytes),
  MAX_UPLOAD_BYTES_PER_DAY: int(0, 1024 ** 5).default(1024 ** 3),
  FILE_TYPES: z
    .string()
    .regex(/^\s*(\*|[a-z0-9.+-]+\/(\*|[a-z0-9.+-]+))(\s*,\s*(\*|[a-z0-9.+-]+\/(\*|[a-z0-9.+-]+)))*\s*$/, 'FILE_TYPES is a comma-separated list of MIME types (image/png), families (image/*) or *')
    .default('*'),
  MAX_IMAGE_PIXELS: int(1, 1_000_000_000).default(100_000_000),
  FILE_UPLOAD_TIMEOUT_MS: int(1000, 24 * 3_600_000).default(600_000),
  UNSENT_FILE_TTL_HOURS: int(1, 24 * 365).default(24),
  FILES_SWEEP_INTERVAL_MS: int(100, 24 * 3_600_000).default(60_000),
  // webhooks and link previews (outbound/, webhooks/, link-previews/)
  OUTBOUND_ALLOWED_ADDRESSES: z.string().default(''),
  WEBHOOK_TIMEOUT_MS: int(100, 120_000).default(10_000),
  WEBHOOK_RETRY_BASE_MS: int(10, 3_600_000).default(10_000),
  WEBHOOK_RETRY_MAX_MS: int(10, 24 * 3_600_000).default(3_600_000),
  WEBHOOK_RETRY_HOURS: int(1, 24 * 30).default(25),
  WEBHOOK_POLL_MS: int(10, 60_000).default(1000),
  LINK_PREVIEWS: onOff.default(false),
  LINK_PREVIEW_TIMEOUT_MS: int(100, 60_000).default(5000),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Where the store lives: the SQLite file under dataDir, or a PostgreSQL database. */
  database: { kind: 'sqlite' } | { kind: 'postgres'; url: string; poolSize: number };
  /** How nodes reach each other: through Redis, through PostgreSQL (LISTEN/NOTIFY), or not at all (one node, in process). */
  cluster: { kind: 'redis'; url: string; prefix: string } | { kind: 'postgres'; url: string } | null;
  logLevel: string;
  /** Extra origins allowed besides the server's own (Origin equal to http(s)://<Host>). */
  allowedOrigins: readonly string[];
  /** Believe the X-Forwarded-For and X-Forwarded-Proto of the one proxy in front (http/forwarded.ts); off: ignore them. */
  trustProxy: boolean;
  guests: boolean;
  /**
   * The guest lifecycle (protocol §27): a guest's one session lasts `sessionTtlMs`; a guest whose
   * session ended (logged out, expired, signed out) is deleted by a sweep every `sweepIntervalMs`.
   */
  guestLifecycle: { sessionTtlMs: number; sweepIntervalMs: number };
  /**
   * Usernames of the server admins (lowercase): they rank above every role in every room and
   * may use the admin API. Accounts and JWT users only: a guest named so is not an admin.
   */
  admins: readonly string[];
  jwt: { secret?: string; publicKey?: string; issuer?: string; audience?: string } | null;
  sessionTtlMs: number;
  /** Bearer token that /api/metrics requires; null: metrics are served to unforwarded loopback requests only. */
  metricsToken: string | null;
  heartbeat: { intervalMs: number; timeoutMs: number };
  authTimeoutMs: number;
  /**
   * Deadlines of HTTP connections (WebSockets excepted, once upgraded): the request head
   * (a socket that sends nothing or half a head), the whole request, an idle kept-alive
   * connection, and any HTTP socket that sends nothing for `idleTimeoutMs`.
   */
  http: { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number; idleTimeoutMs: number };
  /** Most connections open at once from one client address (http/address-cap.ts); 0: no cap. */
  maxConnectionsPerAddress: number;
  limits: Limits;
  rateLimits: boolean;
  /** BOT_MESSAGE_BURST and BOT_MESSAGES_PER_MINUTE: each bot's bucket for its messages (limits/rate-limiter.ts). */
  botRate: { capacity: number; refillMs: number };
  sqliteSync: 'full' | 'normal';
  /** Which thread commits SQLite writes (store/sqlite/writer.ts); `auto` resolved by the cores available. */
  sqliteWriter: 'thread' | 'inline';
  /** Inline writer: least time between the starts of two group commits (store/sqlite/inline-writer.ts). */
  sqliteCommitIntervalMs: number;
  outboundQueueLimitBytes: number;
  /** Longest pause between two rounds of socket writes when the last round was long (gateway/flush-scheduler.ts); 0: none. */
  flushMaxPauseMs: number;
  presenceIntervalMs: number;
  shutdownTimeoutMs: number;
  /** On a cluster, how long a POST of the HTTP fallback relayed to its stream's node waits for its answer (gateway/fallback-relay.ts). */
  fallbackRelayTimeoutMs: number;
  webDir: string;
  files: FilesConfig;
  /** Requests the server makes on users' behalf (outbound/guarded-fetch.ts): private, loopback … addresses are refused unless in `allowed`. */
  outbound: { allowed: readonly Cidr[] };
  webhooks: WebhooksConfig;
  /** Previews of the first link of each message (link-previews/); off by default: they make the server fetch what users link to. */
  linkPreviews: { enabled: boolean; timeoutMs: number };
}

/** Outgoing webhooks' deliveries (webhooks/outbox.ts). */
export interface WebhooksConfig {
  /** One attempt, connection and answer. */
  timeoutMs: number;
  /** The wait after the first failed attempt, doubled after each (with jitter), up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** A delivery is retried until this long after the message, then marked failed. */
  retryForMs: number;
  /** How often each node looks for new messages to deliver and for deliveries due. */
  pollMs: number;
}

/** Uploads: where their bytes go (files/create-files.ts) and what is accepted (files/upload.ts). */
export interface FilesConfig {
  /** `disk`: a directory (under DATA_DIR by default; shared by every node in a cluster); `postgres`: the database at DATABASE_URL. */
  storage: { kind: 'disk'; dir: string } | { kind: 'postgres'; url: string };
  maxFileBytes: number;
  /** Most bytes one user may upload in 24 hours; 0: no limit. */
  dailyBytes: number;
  /** Sniffed types accepted (`image/png`, `image/*`); null: every type. */
  types: readonly string[] | null;
  /** Images with more pixels (as their header says) are refused before they are decoded. */
  maxImagePixels: number;
  /** Longest an upload may take, body included; other requests keep HTTP_REQUEST_TIMEOUT_MS. */
  uploadTimeoutMs: number;
  /** Uploads never sent with a message are forgotten (and their bytes deleted) after this long. */
  unsentTtlMs: number;
  /** How often each node sweeps (files/sweeper.ts). */
  sweepIntervalMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function isOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === text.toLowerCase();
  } catch {
    return false;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/**
 * Reads the configuration from `env`; throws ConfigError naming every bad
 * variable. `cores` is how many cores this process may run on (its CPU
 * affinity, so `taskset` counts), which decides SQLITE_WRITER=auto.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, cores = availableParallelism()): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  if (e.JWT_SECRET && e.JWT_PUBLIC_KEY) throw new ConfigError('Set JWT_SECRET or JWT_PUBLIC_KEY, not both.');
  if (e.REDIS_URL && !e.DATABASE_URL) {
    throw new ConfigError('REDIS_URL is set without DATABASE_URL: the nodes of a cluster share one PostgreSQL database (they cannot share a SQLite file). Set DATABASE_URL too, or unset REDIS_URL for one node.');
  }
  if (e.CLUSTER === 'postgres' && !e.DATABASE_URL) {
    throw new ConfigError('CLUSTER=postgres links the nodes through their PostgreSQL database: set DATABASE_URL too.');
  }
  if (e.CLUSTER === 'postgres' && e.REDIS_URL) {
    throw new ConfigError('CLUSTER=postgres and REDIS_URL are both set: the nodes link through one of them. Unset CLUSTER to use Redis, or REDIS_URL to use PostgreSQL.');
  }
  const clustered = e.REDIS_URL !== undefined || e.CLUSTER === 'postgres';
  const allowedOrigins = e.ALLOWED_ORIGINS.split(',').map((s) => s.trim().replace(/\/$/, '')).filter(Boolean);
  // They go into the Content-Security-Policy as they are: nothing but an origin may pass.
  const notOrigin = allowedOrigins.find((origin) => !isOrigin(origin));
  if (notOrigin !== undefined) throw new ConfigError(`ALLOWED_ORIGINS: "${notOrigin}" is not an origin (http:// or https://, a host, an optional port; nothing else).`);
  if (e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError(`HTTP_HEADERS_TIMEOUT_MS (${e.HTTP_HEADERS_TIMEOUT_MS}) must not be longer than HTTP_REQUEST_TIMEOUT_MS (${e.HTTP_REQUEST_TIMEOUT_MS}): the head is part of the request.`);
  }
  const filesStorage = e.FILES_STORAGE ?? (clustered ? 'postgres' : 'disk');
  if (filesStorage === 'postgres' && !e.DATABASE_URL) {
    throw new ConfigError('FILES_STORAGE=postgres keeps the files in the PostgreSQL database at DATABASE_URL: set DATABASE_URL too.');
  }
  if (clustered && filesStorage === 'disk' && e.FILES_DIR === undefined) {
    throw new ConfigError('A cluster (REDIS_URL or CLUSTER) with FILES_STORAGE=disk and no FILES_DIR: files would be on each node\'s own disk, and a file uploaded through one node must be served by every other. Set FILES_DIR to a directory every node shares, or leave FILES_STORAGE unset (the cluster\'s database keeps them).');
  }
  let allowedAddresses: Cidr[];
  try {
    allowedAddresses = e.OUTBOUND_ALLOWED_ADDRESSES.split(',').map((s) => s.trim()).filter(Boolean).map(parseCidr);
  } catch {
    throw new ConfigError(`OUTBOUND_ALLOWED_ADDRESSES: "${e.OUTBOUND_ALLOWED_ADDRESSES}" is not a comma-separated list of IP addresses and CIDR blocks (127.0.0.1, 10.0.0.0/8, fd00::/8).`);
  }
  const fileTypes = e.FILE_TYPES.split(',').map((t) => t.trim()).filter(Boolean);
  const admins = e.ADMIN_USERS.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const notUsername = admins.find((name) => !USERNAME.test(name));
  if (notUsername !== undefined) throw new ConfigError(`ADMIN_USERS: "${notUsername}" is not a username (2–32 of a–z 0–9 _ . - starting with a letter or digit).`);
  const hasJwt = e.JWT_SECRET !== undefined || e.JWT_PUBLIC_KEY !== undefined;
  const jwt = hasJwt
    ? {
        ...(e.JWT_SECRET ? { secret: e.JWT_SECRET } : {}),
        ...(e.JWT_PUBLIC_KEY ? { publicKey: e.JWT_PUBLIC_KEY.replace(/\\n/g, '\n') } : {}),
        ...(e.JWT_ISSUER ? { issuer: e.JWT_ISSUER } : {}),
        ...(e.JWT_AUDIENCE ? { audience: e.JWT_AUDIENCE } : {}),
      }
    : null;
  return deepFreeze({
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    database: e.DATABASE_URL ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE } : { kind: 'sqlite' },
    cluster: e.REDIS_URL
      ? { kind: 'redis', url: e.REDIS_URL, prefix: e.REDIS_PREFIX }
      : e.CLUSTER === 'postgres'
        ? { kind: 'postgres', url: e.DATABASE_URL! }
        : null,
    logLevel: e.LOG_LEVEL,
    allowedOrigins,
    trustProxy: e.TRUST_PROXY,
    guests: e.GUESTS,
    guestLifecycle: { sessionTtlMs: e.GUEST_SESSION_TTL_HOURS * 3_600_000, sweepIntervalMs: e.GUEST_SWEEP_INTERVAL_MS },
    admins,
    jwt,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3_600_000,
    metricsToken: e.METRICS_TOKEN ?? null,
    heartbeat: { intervalMs: e.HEARTBEAT_INTERVAL_MS, timeoutMs: e.HEARTBEAT_TIMEOUT_MS },
    authTimeoutMs: e.AUTH_TIMEOUT_MS,
    http: {
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      idleTimeoutMs: e.HTTP_IDLE_TIMEOUT_MS,
    },
    maxConnectionsPerAddress: e.MAX_CONNECTIONS_PER_ADDRESS,
    limits: {
      maxBodyChars: e.MAX_BODY_CHARS,
      maxFrameBytes: e.MAX_FRAME_BYTES,
      historyPageMax: DEFAULT_LIMITS.historyPageMax,
      replayLimit: e.REPLAY_LIMIT,
      maxJsonDepth: DEFAULT_LIMITS.maxJsonDepth,
      maxFileBytes: e.MAX_FILE_BYTES,
      maxAttachments: DEFAULT_LIMITS.maxAttachments,
    },
    rateLimits: e.RATE_LIMITS,
    /** Each bot's own bucket for send, edit, delete and react (instead of a person's). */
    botRate: { capacity: e.BOT_MESSAGE_BURST, refillMs: Math.max(1, Math.round(60_000 / e.BOT_MESSAGES_PER_MINUTE)) },
    sqliteSync: e.SQLITE_SYNC,
    // A writer thread pays off only with a core of its own to run on.
    sqliteWriter: e.SQLITE_WRITER === 'auto' ? (cores > 1 ? 'thread' : 'inline') : e.SQLITE_WRITER,
    sqliteCommitIntervalMs: e.SQLITE_COMMIT_INTERVAL_MS,
    outboundQueueLimitBytes: e.OUTBOUND_QUEUE_LIMIT_BYTES,
    flushMaxPauseMs: e.FLUSH_MAX_PAUSE_MS,
    presenceIntervalMs: e.PRESENCE_INTERVAL_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    fallbackRelayTimeoutMs: e.FALLBACK_RELAY_TIMEOUT_MS,
    webDir: resolve(e.WEB_DIR),
    files: {
      storage:
        filesStorage === 'postgres'
          ? { kind: 'postgres', url: e.DATABASE_URL! }
          : { kind: 'disk', dir: resolve(e.FILES_DIR ?? join(e.DATA_DIR, 'files')) },
      maxFileBytes: e.MAX_FILE_BYTES,
      dailyBytes: e.MAX_UPLOAD_BYTES_PER_DAY,
      types: fileTypes.includes('*') ? null : fileTypes,
      maxImagePixels: e.MAX_IMAGE_PIXELS,
      uploadTimeoutMs: e.FILE_UPLOAD_TIMEOUT_MS,
      unsentTtlMs: e.UNSENT_FILE_TTL_HOURS * 3_600_000,
      sweepIntervalMs: e.FILES_SWEEP_INTERVAL_MS,
    },
    outbound: { allowed: allowedAddresses },
    webhooks: {
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: Math.max(e.WEBHOOK_RETRY_BASE_MS, e.WEBHOOK_RETRY_MAX_MS),
      retryForMs: e.WEBHOOK_RETRY_HOURS * 3_600_000,
      pollMs: e.WEBHOOK_POLL_MS,
    },
    linkPreviews: { enabled: e.LINK_PREVIEWS, timeoutMs: e.LINK_PREVIEW_TIMEOUT_MS },
  });
}
