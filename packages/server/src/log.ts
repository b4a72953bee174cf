import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/** JSON lines on stdout; tests and operators read them. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'parley' } });
}
