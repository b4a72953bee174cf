/**
 * Connections to PostgreSQL with the settings every Parley connection uses:
 * 64-bit integers (times in ms, seqs, counts) read as numbers, not strings —
 * every value Parley stores stays far below 2^53 — and an application name
 * that shows in pg_stat_activity.
 */
import pg from 'pg';

/** `bigint` and `count(*)`. */
const INT8_OID = 20;

const parseInt8 = (value: string): number => Number(value);

const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** How long opening a connection may take before it fails (an unreachable host must not hang the server's start). */
const CONNECT_TIMEOUT_MS = 10_000;

function connectionConfig(url: string, name: string): pg.ClientConfig {
  return { connectionString: url, types, application_name: name, connectionTimeoutMillis: CONNECT_TIMEOUT_MS };
}

export function newPool(url: string, max: number): pg.Pool {
  return new pg.Pool({ ...connectionConfig(url, 'parley'), max, idleTimeoutMillis: 30_000 });
}

/** `name`: the application name it shows in pg_stat_activity (what it is for). */
export function newClient(url: string, name = 'parley'): pg.Client {
  return new pg.Client(connectionConfig(url, name));
}

/**
 * The connection was lost (the server restarted or ended it, the network
 * failed): a broken socket, or PostgreSQL's own word for it (SQLSTATE class
 * 08, or 57P01–57P03: terminated by an administrator, a crash or a restart).
 */
export function connectionLost(error: unknown): boolean {
  if (error instanceof pg.DatabaseError) return error.code !== undefined && (error.code.startsWith('08') || /^57P0[123]$/.test(error.code));
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return (
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    error.message.startsWith('Connection terminated') ||
    error.message.includes('not queryable')
  );
}

/**
 * How many times in all a transaction that failed with `error` may run: a
 * deadlock or serialization failure clears up when it runs again; a unique
 * violation means another node inserted the same key meanwhile (the same
 * message id, username or membership), and running the rules again once
 * reads that row and answers as they do for it (a duplicate, name_taken …).
 * A transaction whose connection was lost before COMMIT was sent (after that,
 * the outcome is unknown and nothing runs again: transactions.ts) committed
 * nothing, and runs again once, on a new connection.
 */
export function attemptsFor(error: unknown): number {
  if (connectionLost(error)) return 2;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  switch (code) {
    case '40001': // serialization_failure
    case '40P01': // deadlock_detected
      return 5;
    case '23505': // unique_violation
      return 2;
    default:
      return 1;
  }
}
