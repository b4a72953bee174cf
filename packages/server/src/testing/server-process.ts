/**
 * Starts a real Parley server as a child process on port 0 for tests, and reads
 * its address from the `listening` log line. Used by the server's, the SDK's,
 * the web app's and the benchmark's tests alike.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, dropDatabasesNow } from './postgres.js';

export const SERVER_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'main.js');

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** ws://127.0.0.1:PORT/ws */
  wsUrl: string;
  dataDir: string;
  /** Its database: the SQLite file in dataDir, or the PostgreSQL database at `url`. */
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  /** Every log line the server printed, parsed. */
  logs: Array<Record<string, unknown>>;
  /** Sends `signal` (default SIGTERM) and waits for exit; returns the exit code or signal. */
  stop(signal?: NodeJS.Signals): Promise<number | string | null>;
}

export interface StartOptions {
  /** Reuse a data directory (to test restarts); a fresh temporary one by default. */
  dataDir?: string;
  /** A fixed port (to restart on the same address); 0 by default. */
  port?: number;
  env?: Record<string, string>;
  /** Milliseconds to wait for the listening line. */
  timeoutMs?: number;
}

/**
 * Which store test servers use: `postgres` when PARLEY_TEST_STORE says so
 * (scripts/test.js runs the server's end-to-end tests once on each store),
 * else SQLite.
 */
export const TEST_STORE: 'sqlite' | 'postgres' = process.env.PARLEY_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

/** Databases made for test servers in this process, dropped when it exits (a restarted server reuses its own). */
const serverDatabases: string[] = [];
const DATABASE_URL_FILE = 'test-database-url';

/**
 * The DATABASE_URL of the server whose data directory is `dataDir`: a fresh
 * database the first time, the same one when the server restarts there.
 */
async function testDatabaseUrl(dataDir: string): Promise<string> {
  const file = join(dataDir, DATABASE_URL_FILE);
  if (existsSync(file)) return readFileSync(file, 'utf8');
  const database = await createTestDatabase();
  if (serverDatabases.length === 0) process.once('exit', () => dropDatabasesNow(serverDatabases));
  serverDatabases.push(database.name);
  writeFileSync(file, database.url);
  return database.url;
}

export async function startServerProcess(options: StartOptions = {}): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'parley-test-'));
  // An explicit DATABASE_URL wins; an empty one means SQLite whatever the test store.
  const explicitUrl = options.env?.DATABASE_URL;
  const databaseUrl = explicitUrl !== undefined ? explicitUrl || undefined : TEST_STORE === 'postgres' ? await testDatabaseUrl(dataDir) : undefined;
  const database = databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl };
  const child = spawn(process.execPath, [SERVER_MAIN], {
    env: {
      ...process.env,
      PORT: String(options.port ?? 0),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      ...database,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | string | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal));
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A server left running would keep the test process alive after its failure: a hang, not a failure.
      child.kill('SIGKILL');
      reject(Object.assign(new Error(`server did not start in time; stderr: ${stderr}`), { pid: child.pid }));
    }, options.timeoutMs ?? 15_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.msg === 'listening' && typeof entry.port === 'number') {
        clearTimeout(timer);
        resolve(entry.port);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`server exited (${String(code)}) before listening; stderr: ${stderr}`), { exitCode: code, logs }));
    });
  });
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    dataDir,
    database: databaseUrl === undefined ? { kind: 'sqlite', file: join(dataDir, 'parley.db') } : { kind: 'postgres', url: databaseUrl },
    logs,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
