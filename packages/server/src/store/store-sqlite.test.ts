/** The store contract against SQLite files, plus what only the SQLite store promises. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setImmediate as setImmediatePromise, setTimeout as delay } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { checkAckedAppendsSurviveKill } from './crash-check.js';
import { runStoreContract } from './store.contract.js';
import { createSqliteStore } from './store-sqlite.js';
import { SCHEMA_VERSION, runMigrations, versionBefore } from './sqlite/migrations.js';
import type { WriterKind } from './sqlite/writer.js';
import type { Store } from './store.js';
import { BACKFILL_FIXTURE_SQL, checkBackfill } from '../search/backfill-check.js';

const TIMEOUT_MS = 20_000;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'parley-store-'));
}

const WRITERS: readonly WriterKind[] = ['thread', 'inline'];

/** Threads of this process with nice 19 (field 19 of /proc/self/task/<tid>/stat). */
function threadsAtLowestPriority(): number {
  let count = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16] === '19') count++;
    } catch {
      // The thread exited meanwhile.
    }
  }
  return count;
}

for (const writer of WRITERS) {
  runStoreContract(`SQLite, ${writer} writer`, async () => {
    const dir = tempDir();
    const open = () => createSqliteStore({ file: join(dir, 'parley.db'), synchronous: 'full', writer });
    const stores = [open()];
    return {
      store: stores[0]!,
      another: async () => {
        stores.push(open());
        return stores.at(-1)!;
      },
      cleanup: async () => {
        try {
          await Promise.all(stores.map((store) => store.close()));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  });
}

/** Runs `body` with a migrated store on a file in a fresh directory, then closes and deletes it. */
async function withFile(writer: WriterKind, body: (file: string, store: Store) => Promise<void>): Promise<void> {
  const dir = tempDir();
  const file = join(dir, 'parley.db');
  const store = createSqliteStore({ file, synchronous: 'full', writer });
  try {
    await store.migrate();
    await body(file, store);
  } finally {
    try {
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** Reads the file through a second, independent connection. */
function inspect<T>(file: string, read: (db: BetterSqlite3.Database) => T): T {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

const user = { id: 'user-1', name: 'One' };
/** Creates the user who appends, a member of the lobby (its seq 2). */
async function enterLobby(store: Store): Promise<void> {
  await store.createUser({ id: user.id, username: 'one', name: user.name, kind: 'guest' });
  await store.join({ room: 'lobby', user });
}
const append = (store: Store, n: number) =>
  store.appendMessage({ room: 'lobby', user, clientId: `client-${String(n).padStart(6, '0')}`, body: `message ${n}` });

describe('SQLite store options', () => {
  it('rejects an unknown synchronous or writer option', () => {
    assert.throws(() => createSqliteStore({ file: ':memory:', synchronous: 'off' as 'full', writer: 'thread' }), /synchronous/);
    assert.throws(() => createSqliteStore({ file: ':memory:', synchronous: 'full', writer: 'worker' as 'thread' }), /writer/);
  });
});

describe('SQLite store, closing', () => {
  for (const writer of WRITERS) {
    it(`closes every connection it opened (${writer} writer), whichever reads it made`, { timeout: TIMEOUT_MS }, async () => {
      const dir = tempDir();
      const file = join(dir, 'parley.db');
      try {
        const store = createSqliteStore({ file, synchronous: 'full', writer });
        await store.migrate();
        await store.createUser({ id: 'user-a', username: 'a', name: 'A', kind: 'guest' });
        // Reads of the connect path only: prepared statements on the main connection, not Kysely.
        assert.equal((await store.findUserById('user-a'))?.name, 'A');
        assert.equal((await store.listRoomsFor('user-a')).length, 1);
        await store.close();
        // SQLite removes the WAL when its last connection closes.
        assert.equal(existsSync(`${file}-wal`), false, 'a connection was left open');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('SQLite store, inline writer with a commit interval', () => {
  it('commits a write after a quiet spell at once, and the writes of the turns within the interval together', { timeout: TIMEOUT_MS }, async () => {
    const dir = tempDir();
    const file = join(dir, 'parley.db');
    const store = createSqliteStore({ file, synchronous: 'full', writer: 'inline', commitIntervalMs: 300 });
    try {
      await store.migrate();
      await delay(400);
      const quiet = performance.now();
      await store.createUser({ id: user.id, username: 'one', name: user.name, kind: 'guest' });
      assert.ok(performance.now() - quiet < 150, `a write after a quiet spell took ${performance.now() - quiet} ms`);
      await store.join({ room: 'lobby', user });

      const walFrames = () => Math.floor(statSync(`${file}-wal`).size / (24 + 4096));
      const before = walFrames();
      const started = performance.now();
      const writes = [append(store, 1)];
      await setImmediatePromise();
      writes.push(append(store, 2));
      await setImmediatePromise();
      writes.push(append(store, 3));
      const results = await Promise.all(writes);
      const waited = performance.now() - started;
      assert.ok(waited > 150, `writes within the interval were committed after ${waited} ms`);
      // One commit touches the lobby's row, its leaf of the log and a leaf of each index: a commit per write would be three times that.
      const written = walFrames() - before;
      assert.ok(written <= 6, `three writes in three turns wrote ${written} WAL frames`);
      assert.deepEqual(results.map((r) => r.event.seq), [3, 4, 5]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite schema migrations', () => {
  it('indexes the live messages of a file made before search', { timeout: TIMEOUT_MS }, async () => {
    const dir = tempDir();
    const file = join(dir, 'parley.db');
    try {
      const before = new BetterSqlite3(file);
      runMigrations(before, versionBefore('search'));
      before.exec(BACKFILL_FIXTURE_SQL);
      before.close();
      const store = createSqliteStore({ file, synchronous: 'full', writer: 'inline' });
      try {
        await store.migrate();
        await checkBackfill(store);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps every member, role and count of a version 5 file while it allows the new roles (version 6)', { timeout: TIMEOUT_MS }, async () => {
    const dir = tempDir();
    const file = join(dir, 'parley.db');
    try {
      const v5 = new BetterSqlite3(file);
      runMigrations(v5, 5);
      v5.exec(`
        INSERT INTO users (id, username, name, kind, created_at) VALUES ('u-a', 'a', 'A', 'account', 0), ('u-b', 'b', 'B', 'guest', 0);
        INSERT INTO rooms (id, name, name_key, kind, created_by, created_at, last_seq) VALUES ('lobby', 'lobby', 'lobby', 'public', NULL, 0, 1), ('r-1', 'one', 'one', 'public', 'u-a', 0, 3);
        INSERT INTO members (room_id, user_id, role, read_seq, joined_at) VALUES ('r-1', 'u-a', 'owner', 2, 0), ('r-1', 'u-b', 'member', 3, 1), ('lobby', 'u-b', 'member', 1, 0);
      `);
      assert.throws(() => v5.exec(`UPDATE members SET role = 'moderator' WHERE user_id = 'u-b'`), /CHECK/);
      v5.close();
      const store = createSqliteStore({ file, synchronous: 'full', writer: 'inline' });
      try {
        await store.migrate();
        assert.deepEqual((await store.listMembers('r-1')).map((m) => [m.user.id, m.role, m.readSeq]), [['u-a', 'owner', 2], ['u-b', 'member', 3]]);
        assert.deepEqual([(await store.roomSummaryFor('r-1', 'u-a'))?.members, (await store.roomSummaryFor('lobby', 'u-b'))?.members], [2, 1]);
        await store.setRole({ room: 'r-1', actor: { id: 'u-a', name: 'A' }, target: 'u-b', role: 'moderator' });
        assert.equal(await store.memberRole('r-1', 'u-b'), 'moderator');
        await store.kick({ room: 'r-1', actor: { id: 'u-a', name: 'A' }, target: 'u-b' });
        assert.equal((await store.roomSummaryFor('r-1', 'u-a'))?.members, 1, 'the rebuilt table is counted by its triggers');
        assert.equal((await store.findUserById('u-b'))?.disabled, false);
      } finally {
        await store.close();
      }
      assert.equal(inspect(file, (db) => db.pragma('user_version', { simple: true })), SCHEMA_VERSION);
      const db = new BetterSqlite3(file);
      try {
        assert.equal(db.prepare(`SELECT count(*) FROM audit`).pluck().get(), 2);
        assert.throws(() => db.exec(`DELETE FROM audit`), /append-only/);
        assert.throws(() => db.exec(`UPDATE audit SET reason = 'x'`), /append-only/);
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rebuilds the users of a version 6 file for bots (version 7): every user and reference kept, foreign keys enforced after', { timeout: TIMEOUT_MS }, async () => {
    const dir = tempDir();
    const file = join(dir, 'parley.db');
    try {
      const v6 = new BetterSqlite3(file);
      v6.pragma('foreign_keys = ON');
      runMigrations(v6, 6);
      v6.exec(`
        INSERT INTO users (id, username, name, kind, password_hash, external_id, created_at, disabled)
          VALUES ('u-a', 'a', 'A', 'account', 'hash', NULL, 5, 1), ('u-b', 'b', 'B', 'external', NULL, 'sub-b', 6, 0);
        INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ('s-1', 'u-b', 99);
        INSERT INTO rooms (id, name, name_key, kind, created_by, created_at) VALUES ('r-1', 'one', 'one', 'public', 'u-a', 0);
      `);
      assert.throws(() => v6.exec(`INSERT INTO users (id, username, name, kind, created_at) VALUES ('u-c', 'c', 'C', 'bot', 0)`), /CHECK/);
      v6.close();
      const store = createSqliteStore({ file, synchronous: 'full', writer: 'inline' });
      try {
        await store.migrate();
        assert.deepEqual(await store.findUserById('u-a'), { id: 'u-a', username: 'a', name: 'A', kind: 'account', passwordHash: 'hash', externalId: null, createdAt: 5, disabled: true });
        assert.equal((await store.findUserByExternalId('sub-b'))?.id, 'u-b');
        assert.equal((await store.findSession('s-1'))?.userId, 'u-b');
        const bot = await store.createBot({ id: 'u-bot', username: 'bot', name: 'Bot', createdBy: 'u-b', tokenHash: 'h' });
        assert.equal(bot.user.kind, 'bot');
      } finally {
        await store.close();
      }
      const db = new BetterSqlite3(file);
      try {
        db.pragma('foreign_keys = ON');
        assert.deepEqual(db.pragma('foreign_key_check'), []);
        // The other tables refer to the new users table: a session of nobody is still refused.
        assert.throws(() => db.exec(`INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ('s-2', 'nobody', 1)`), /FOREIGN KEY/);
        assert.match(db.prepare(`SELECT sql FROM sqlite_schema WHERE name = 'sessions'`).pluck().get() as string, /REFERENCES users \(id\)/);
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts the members and indexes the live messages of a file made before version 2', { timeout: TIMEOUT_MS }, async () => {
    const dir = tempDir();
    const file = join(dir, 'parley.db');
    try {
      const v1 = new BetterSqlite3(file);
      runMigrations(v1, 1);
      v1.exec(`
        INSERT INTO users (id, username, name, kind, created_at) VALUES ('u-a', 'a', 'A', 'guest', 0), ('u-b', 'b', 'B', 'guest', 0);
        INSERT INTO rooms (id, name, name_key, kind, created_at, last_seq) VALUES ('lobby', 'lobby', 'lobby', 'public', 0, 5);
        INSERT INTO members (room_id, user_id, role, read_seq, joined_at) VALUES ('lobby', 'u-a', 'member', 2, 0), ('lobby', 'u-b', 'member', 2, 0);
        INSERT INTO events (room_id, seq, ts, kind, user_id, user_name, client_id, body, deleted) VALUES
          ('lobby', 1, 0, 'join', 'u-a', 'A', NULL, NULL, 0),
          ('lobby', 2, 0, 'join', 'u-b', 'B', NULL, NULL, 0),
          ('lobby', 3, 0, 'message', 'u-b', 'B', 'c-1', 'one', 0),
          ('lobby', 4, 0, 'message', 'u-b', 'B', 'c-2', '', 1),
          ('lobby', 5, 0, 'message', 'u-a', 'A', 'c-3', 'three', 0);
      `);
      v1.close();
      const store = createSqliteStore({ file, synchronous: 'full', writer: 'inline' });
      try {
        await store.migrate();
        const summary = await store.roomSummaryFor('lobby', 'u-a');
        assert.deepEqual({ members: summary?.members, unread: summary?.unread }, { members: 2, unread: 1 });
        await store.leave({ room: 'lobby', user: { id: 'u-b', name: 'B' } });
        assert.equal((await store.roomSummaryFor('lobby', 'u-a'))?.members, 1);
      } finally {
        await store.close();
      }
      assert.equal(inspect(file, (db) => db.pragma('user_version', { simple: true })), SCHEMA_VERSION);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

for (const writer of WRITERS) {
  describe(`SQLite store, ${writer} writer`, () => {
    it('opens the file in WAL mode at the current schema version', { timeout: TIMEOUT_MS }, async () => {
      await withFile(writer, async (file) => {
        assert.equal(inspect(file, (db) => db.pragma('journal_mode', { simple: true })), 'wal');
        assert.equal(inspect(file, (db) => db.pragma('user_version', { simple: true })), SCHEMA_VERSION);
      });
    });

    it('keeps everything across close and reopen, and migrates an existing file as a no-op', { timeout: TIMEOUT_MS }, async () => {
      await withFile(writer, async (file, store) => {
        await store.createUser({ id: user.id, username: 'one', name: user.name, kind: 'guest' });
        await store.join({ room: 'lobby', user });
        const { event } = await append(store, 1);
        await store.close();

        const reopened = createSqliteStore({ file, synchronous: 'normal', writer });
        try {
          await reopened.migrate();
          assert.deepEqual(await reopened.findMessage('lobby', event.seq), event);
          assert.equal((await reopened.findUserById(user.id))?.name, 'One');
          assert.deepEqual((await append(reopened, 1)).duplicate, true);
          assert.equal((await append(reopened, 2)).event.seq, event.seq + 1);
          assert.equal((await reopened.page('lobby', { limit: 100 })).events.filter((e) => e.kind === 'created').length, 1);
        } finally {
          await reopened.close();
        }
      });
    });

    it('refuses a file from a newer schema version', { timeout: TIMEOUT_MS }, async () => {
      await withFile(writer, async (file, store) => {
        await store.close();
        const db = new BetterSqlite3(file);
        db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
        db.close();
        const newer = createSqliteStore({ file, synchronous: 'full', writer });
        try {
          await assert.rejects(newer.migrate(), /newer than this server/);
        } finally {
          await newer.close();
        }
      });
    });

    it('close commits the writes already queued and refuses later ones', { timeout: TIMEOUT_MS }, async () => {
      await withFile(writer, async (file, store) => {
        await enterLobby(store);
        const queued = [append(store, 1), append(store, 2)];
        await store.close();
        assert.deepEqual((await Promise.all(queued)).map((r) => r.event.seq), [3, 4]);
        await assert.rejects(append(store, 3), /closed/);
        assert.equal(inspect(file, (db) => db.prepare(`SELECT last_seq FROM rooms WHERE id = 'lobby'`).pluck().get()), 4);
      });
    });

    it('a write that fails midway leaves nothing behind', { timeout: TIMEOUT_MS }, async () => {
      await withFile(writer, async (_file, store) => {
        const owner = await store.createUser({ id: user.id, username: 'one', name: user.name, kind: 'guest' });
        // The room row and its first events are written before the unknown member fails its foreign key.
        const failed = store.createRoom({ id: 'room-x', name: 'x', kind: 'private', createdBy: user, members: [{ id: 'nobody', name: 'Nobody' }] });
        await assert.rejects(failed, /FOREIGN KEY/);
        assert.equal(await store.findRoom('room-x'), null);
        assert.deepEqual(await store.memberRoomIds(owner.id), []);
        assert.deepEqual(await store.eventsAfter('room-x', 0, 10), []);
        const { events } = await store.createRoom({ id: 'room-x', name: 'x', kind: 'private', createdBy: user });
        assert.deepEqual(events.map((e) => e.seq), [1, 2]);
      });
    });

    it('commits all the writes of one turn together (group commit)', { timeout: TIMEOUT_MS }, async () => {
      await withFile(writer, async (file, store) => {
        await enterLobby(store);
        const walFrames = () => Math.floor(statSync(`${file}-wal`).size / (24 + 4096));
        const before = walFrames();
        const results = await Promise.all(Array.from({ length: 200 }, (_, n) => append(store, n)));
        // One commit of 200 small rows touches a handful of pages; a commit per append would write at least 200 frames.
        const written = walFrames() - before;
        assert.ok(written < 40, `200 appends in one turn wrote ${written} WAL frames`);
        assert.deepEqual(results.map((r) => r.event.seq), results.map((_, n) => n + 3));
      });
    });

    it('copies the WAL into the database file on the checkpointer thread, well before the writer would', { timeout: TIMEOUT_MS }, async () => {
      await withFile(writer, async (file, store) => {
        await enterLobby(store);
        const before = statSync(file).size;
        for (let turn = 0; turn < 10; turn++) await Promise.all(Array.from({ length: 100 }, (_, n) => append(store, turn * 100 + n)));
        const walFrames = Math.floor(statSync(`${file}-wal`).size / (24 + 4096));
        assert.ok(walFrames < 1000, `${walFrames} WAL frames: the writer's own checkpoint (at 10,000) cannot have run`);
        const deadline = Date.now() + 5000;
        while (statSync(file).size === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
        assert.ok(statSync(file).size > before, 'the database file grew: pages were checkpointed into it');
      });
    });

    it('runs the checkpointer thread at the lowest CPU priority', { skip: process.platform !== 'linux' && 'per-thread priorities are read from /proc (Linux)', timeout: TIMEOUT_MS }, async () => {
      const before = threadsAtLowestPriority();
      await withFile(writer, async () => {
        const deadline = Date.now() + 5000;
        while (threadsAtLowestPriority() === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        assert.equal(threadsAtLowestPriority(), before + 1, 'one more thread at nice 19: the checkpointer');
      });
    });

    it('every acknowledged append survives kill -9', { timeout: 30_000 }, async () => {
      const dir = tempDir();
      const file = join(dir, 'parley.db');
      try {
        await checkAckedAppendsSurviveKill(['sqlite', file, writer], () => createSqliteStore({ file, synchronous: 'full', writer }));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
