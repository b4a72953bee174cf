export { createParleyServer, type ParleyServer } from './app.js';
export { loadConfig, ConfigError, type Config } from './config.js';
export { createLogger, type Logger } from './log.js';
export type { Store } from './store/store.js';
export type { Bus } from './bus/bus.js';
export type { Presence } from './presence/presence.js';
