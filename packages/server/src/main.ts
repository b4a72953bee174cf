#!/usr/bin/env node
/** `npm start`: one Parley node, configured from the environment. */
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { createParleyServer } from './app.js';
import { StoreOpenError } from './store/create-store.js';

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
  if (!(error instanceof StoreOpenError)) throw error;
  log.fatal({ err: error.cause }, error.message);
  console.error(error.message);
  process.exit(1);
}
const { port, url } = await server.listen();
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
