#!/usr/bin/env node
/**
 * `parley-server`: the operator's commands (`npx --no parley-server <command>` in a checkout).
 *
 *   parley-server migrate-to-postgres --from ./data --to postgres://…
 *   parley-server backup --to FILE        (the store DATA_DIR / DATABASE_URL name)
 *   parley-server restore --from FILE     (into an empty store)
 *   parley-server revoke-jwt --jti ID | --subject SUB [--before TIME]
 *
 * `--data-dir DIR` and `--database-url URL` override DATA_DIR and DATABASE_URL.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { openStore, redactUrl } from '../store/create-store.js';
import { backupPostgres, backupSqlite, BackupRefused, restorePostgres, restoreSqlite } from './backup.js';
import { MigrationRefused, migrateToPostgres } from './migrate-to-postgres.js';

const USAGE = `Usage: parley-server <command> [options]

Commands:
  migrate-to-postgres --from DATA_DIR --to POSTGRES_URL
      Copy a SQLite installation into an empty PostgreSQL database, and verify the copy.
      Stop the server first; then start it with DATABASE_URL=POSTGRES_URL.
  backup --to FILE
      SQLite: an online backup of DATA_DIR's database (the server may keep running).
      PostgreSQL (DATABASE_URL set): pg_dump --format=custom.
  restore --from FILE
      SQLite: copy a backup into DATA_DIR, which must hold no database.
      PostgreSQL: pg_restore into the (empty) database at DATABASE_URL.
  revoke-jwt --jti ID
  revoke-jwt --subject SUB [--before TIME]
      Revoke one JWT (by its jti), or every JWT of a subject issued before TIME (an ISO date;
      default now; tokens without iat count as issued before). Refused at once everywhere;
      the sockets already open with one close (4401) within seconds on every node.

Options:
  --data-dir DIR        instead of DATA_DIR (default ./data)
  --database-url URL    instead of DATABASE_URL
  --help`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    'data-dir': { type: 'string' },
    'database-url': { type: 'string' },
    jti: { type: 'string' },
    subject: { type: 'string' },
    before: { type: 'string' },
    help: { type: 'boolean' },
  },
});

function need(name: 'from' | 'to'): string {
  const value = values[name];
  if (!value) fail(`--${name} is required\n\n${USAGE}`);
  return value;
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const [command] = positionals;
if (values.help || !command) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}

let config;
try {
  config = loadConfig({
    ...process.env,
    ...(values['data-dir'] ? { DATA_DIR: values['data-dir'] } : {}),
    ...(values['database-url'] ? { DATABASE_URL: values['database-url'] } : {}),
  });
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}

try {
  switch (command) {
    case 'migrate-to-postgres': {
      const from = resolve(need('from'));
      const to = need('to');
      if (!/^postgres(ql)?:\/\//.test(to)) fail('--to must be a PostgreSQL URL (postgres://user:password@host:5432/database)');
      console.log(`Copying ${from}/parley.db into ${redactUrl(to)} …`);
      const report = await migrateToPostgres({ sqliteFile: resolve(from, 'parley.db'), postgresUrl: to, progress: (line) => console.log(`  ${line}`) });
      console.log(`Copied and verified ${report.rooms} rooms in ${(report.durationMs / 1000).toFixed(1)} s: every table's rows, and each room's last seq, events and members.`);
      if (report.replacedNul > 0) console.log(`${report.replacedNul} NUL characters (which PostgreSQL cannot store) were replaced with U+FFFD.`);
      if (report.writtenDuringCopy > 0) {
        console.log(`WARNING: the SQLite database gained ${report.writtenDuringCopy} events after the copy began (the server is running): stop it, empty the PostgreSQL database, and copy again.`);
        process.exit(1);
      }
      console.log(`Now start Parley with DATABASE_URL=${redactUrl(to)}`);
      break;
    }
    case 'backup': {
      const to = resolve(need('to'));
      if (config.database.kind === 'postgres') {
        backupPostgres(config.database.url, to);
        console.log(`Backed up ${redactUrl(config.database.url)} to ${to} (pg_dump, custom format).`);
      } else {
        const { events } = await backupSqlite(config.dataDir, to);
        console.log(`Backed up ${config.dataDir}/parley.db to ${to}: ${events} events, integrity checked.`);
      }
      break;
    }
    case 'restore': {
      const from = resolve(need('from'));
      if (config.database.kind === 'postgres') {
        restorePostgres(from, config.database.url);
        console.log(`Restored ${from} into ${redactUrl(config.database.url)}.`);
      } else {
        const { events } = restoreSqlite(from, config.dataDir);
        console.log(`Restored ${from} into ${config.dataDir}: ${events} events.`);
      }
      break;
    }
    case 'revoke-jwt': {
      const { jti, subject, before } = values;
      if ((jti === undefined) === (subject === undefined)) fail(`revoke-jwt needs --jti or --subject (one of them)\n\n${USAGE}`);
      const notBefore = before === undefined ? Date.now() : Date.parse(before);
      if (Number.isNaN(notBefore)) fail(`--before must be a date and time (ISO 8601), got "${before}"`);
      const store = await openStore(config, (where, error) => console.error(`${where}: ${error.message}`));
      try {
        await store.revokeTokens(jti !== undefined ? { jti } : { subject: subject!, notBefore });
      } finally {
        await store.close();
      }
      console.log(jti !== undefined ? `Revoked the JWT with jti ${jti}.` : `Revoked every JWT of ${subject} issued before ${new Date(notBefore).toISOString()}.`);
      break;
    }
    default:
      fail(`Unknown command "${command}".\n\n${USAGE}`);
  }
} catch (error) {
  if (error instanceof MigrationRefused || error instanceof BackupRefused) fail(`Refused: ${error.message}`);
  console.error(`Failed: ${(error as Error).message}`);
  process.exit(1);
}
