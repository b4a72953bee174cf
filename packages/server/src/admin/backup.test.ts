/** `parley-server backup` and `restore` on both stores, taken from a running server that keeps writing. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { AckFrame, MessageEvent } from '@parley/protocol';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { connectRaw, guest, type RawClient } from '../testing/ws-client.js';
import { createTestDatabase, skipWithoutPostgres } from '../testing/postgres.js';

const ADMIN = fileURLToPath(new URL('./main.js', import.meta.url));
const skipPostgres = await skipWithoutPostgres();

/** Runs parley-server with `args`; resolves with its exit code and output. */
function admin(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [ADMIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (status) => resolve({ status, stdout, stderr })));
}

/** A client sending to the lobby until stopped; `acked` lists what the server acknowledged, in order. */
async function keepSending(server: ServerProcess): Promise<{ acked: string[]; stop: () => Promise<void>; client: RawClient }> {
  const g = await guest(server.url, 'Writer');
  const client = await connectRaw(server.wsUrl, { token: g.token });
  const acked: string[] = [];
  let running = true;
  const loop = (async () => {
    for (let n = 0; running; n++) {
      const id = `backup-${String(n).padStart(6, '0')}`;
      await client.request<AckFrame<'send'>>({ type: 'send', id, room: 'lobby', body: id });
      acked.push(id);
    }
  })();
  while (acked.length < 50) await new Promise((resolve) => setTimeout(resolve, 10));
  return {
    acked,
    client,
    stop: async () => {
      running = false;
      await loop;
      client.close();
    },
  };
}

/** The message bodies in a server's lobby, oldest first. */
async function lobbyBodies(server: ServerProcess): Promise<string[]> {
  const g = await guest(server.url, 'Reader');
  const client = await connectRaw(server.wsUrl, { token: g.token });
  const bodies: string[] = [];
  let before: number | undefined;
  for (;;) {
    const page = await client.request<AckFrame<'history'>>({ type: 'history', room: 'lobby', limit: 200, ...(before ? { before } : {}) });
    bodies.unshift(...page.events.filter((e): e is MessageEvent => e.kind === 'message').map((e) => e.body));
    if (!page.hasBefore || page.events.length === 0) break;
    before = page.events[0]!.seq;
  }
  client.close();
  return bodies;
}

describe('backup and restore', { timeout: 120_000 }, () => {
  it('SQLite: an online backup of a running server, restored into an empty data directory, holds every message acked before it', async () => {
    const work = mkdtempSync(join(tmpdir(), 'parley-backup-'));
    const server = await startServerProcess({ env: { DATABASE_URL: '', RATE_LIMITS: 'off' } });
    let restored: ServerProcess | undefined;
    try {
      const writer = await keepSending(server);
      const ackedBefore = [...writer.acked];
      const file = join(work, 'backup.db');
      const backup = await admin(['backup', '--to', file, '--data-dir', server.dataDir], { DATABASE_URL: '' });
      const ackedAfter = writer.acked.length;
      await writer.stop();
      assert.equal(backup.status, 0, backup.stderr);
      assert.match(backup.stdout, /integrity checked/);

      const again = await admin(['backup', '--to', file, '--data-dir', server.dataDir], { DATABASE_URL: '' });
      assert.equal(again.status, 2, 'an existing file is never overwritten');
      const occupied = await admin(['restore', '--from', file, '--data-dir', server.dataDir], { DATABASE_URL: '' });
      assert.equal(occupied.status, 2);
      assert.match(occupied.stderr, /move the current data directory aside/);

      const target = join(work, 'restored');
      const restore = await admin(['restore', '--from', file, '--data-dir', target], { DATABASE_URL: '' });
      assert.equal(restore.status, 0, restore.stderr);
      restored = await startServerProcess({ dataDir: target, env: { DATABASE_URL: '' } });
      const bodies = await lobbyBodies(restored);
      assert.deepEqual(bodies.slice(0, ackedBefore.length), ackedBefore, 'every message acked before the backup began');
      assert.ok(bodies.length <= ackedAfter + 1, 'nothing the server had not stored');
    } finally {
      await restored?.stop();
      await server.stop();
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('PostgreSQL: pg_dump of a running server, pg_restore into an empty database, as the README says', { skip: skipPostgres }, async () => {
    const work = mkdtempSync(join(tmpdir(), 'parley-backup-pg-'));
    const source = await createTestDatabase();
    const target = await createTestDatabase();
    const server = await startServerProcess({ env: { DATABASE_URL: source.url, RATE_LIMITS: 'off' } });
    let restored: ServerProcess | undefined;
    try {
      const writer = await keepSending(server);
      const ackedBefore = [...writer.acked];
      const file = join(work, 'parley.dump');
      const backup = await admin(['backup', '--to', file], { DATABASE_URL: source.url });
      await writer.stop();
      assert.equal(backup.status, 0, backup.stderr);
      assert.ok(existsSync(file));

      const restore = await admin(['restore', '--from', file], { DATABASE_URL: target.url });
      assert.equal(restore.status, 0, restore.stderr);
      restored = await startServerProcess({ env: { DATABASE_URL: target.url } });
      const bodies = await lobbyBodies(restored);
      assert.deepEqual(bodies.slice(0, ackedBefore.length), ackedBefore, 'every message acked before the backup began');
    } finally {
      await restored?.stop();
      await server.stop();
      await source.drop();
      await target.drop();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
