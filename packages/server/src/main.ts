#!/usr/bin/env node
/** `npm start`: one Parley node, configured from the environment. */
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { createParleyServer } from './app.js';
import { StartError } from './store/create-store.js';

function cannotListen(error: unknown, where: string): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') return `cannot listen: ${where} is already in use (is another server running? set PORT or HOST)`;
  if (code === 'EACCES') return `cannot listen: no permission to use ${where} (ports below 1024 need privileges)`;
  if (code === 'EADDRNOTAVAIL') return `cannot listen: ${where} is not an address of this machine (set HOST)`;
  return `cannot listen on ${where}`;
}

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
const log = createLogger(config.logLevel);

process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
process.on('uncaughtException', (error) => log.error({ err: error }, 'uncaught exception'));

let server;
try {
  server = await createParleyServer(config, log);
} catch (error) {
  // Whatever stopped the start, the process stops too: a rethrown error would reach the
  // uncaughtException handler above, which logs it and keeps a server that never listens.
  const message = error instanceof StartError ? error.message : `the server could not start: ${error instanceof Error ? error.message : String(error)}`;
  log.fatal({ err: error instanceof StartError ? error.cause : error }, message);
  console.error(message);
  process.exit(1);
}
let address: { port: number; url: string };
try {
  address = await server.listen();
} catch (error) {
  // A server that cannot listen serves nobody: say why and stop, so that a supervisor sees it.
  log.fatal({ err: error }, cannotListen(error, `${config.host}:${config.port}`));
  process.exit(1);
}
const { port, url } = address;
const store = config.database.kind === 'postgres' ? { store: 'postgres' } : { store: 'sqlite', dataDir: config.dataDir, sqliteWriter: config.sqliteWriter };
log.info({ port, url, ...store }, 'listening');

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    server.close().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
