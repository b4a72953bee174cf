/** Moving a SQLite installation to PostgreSQL: everything copied, verified, and nothing written into a database that holds data. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import type { UserRef } from '@parley/protocol';
import { createPostgresStore } from '../store/store-postgres.js';
import { createSqliteStore } from '../store/store-sqlite.js';
import type { Store } from '../store/store.js';
import { createTestDatabase, skipWithoutPostgres } from '../testing/postgres.js';
import { migrateToPostgres, MigrationRefused } from './migrate-to-postgres.js';

const skip = await skipWithoutPostgres();
const ADMIN = fileURLToPath(new URL('./main.js', import.meta.url));

const USERS = 20;
const ROOMS = 50;
const MESSAGES = 100_000;

interface Installation {
  users: UserRef[];
  rooms: string[];
}

/** A SQLite installation: users and sessions, 50 rooms of every kind, 100,000 messages, edits, deletions, reactions and read markers. */
async function fill(store: Store, messages: number): Promise<Installation> {
  await store.migrate();
  const users: UserRef[] = [];
  for (let u = 0; u < USERS; u++) {
    const user = await store.createUser({ id: `user-${u}`, username: `user${u}`, name: `User ${u}`, kind: u % 3 === 0 ? 'guest' : 'account', passwordHash: u % 3 === 0 ? null : `hash-${u}` });
    users.push({ id: user.id, name: user.name });
    await store.createSession(`token-${u}`, user.id, Date.now() + 3_600_000);
    await store.join({ room: 'lobby', user: users[u]! });
  }
  await store.revokeSession('token-1');
  const rooms = ['lobby'];
  for (let r = 1; r < ROOMS; r++) {
    const owner = users[r % USERS]!;
    const kind = r % 10 === 0 ? 'dm' : r % 3 === 0 ? 'private' : 'public';
    const others = kind === 'dm' ? [users[(r + 1) % USERS]!] : users.filter((_, u) => u % 4 === r % 4 && u !== r % USERS);
    const { room } = await store.createRoom({ id: `room-${r}`, name: kind === 'dm' ? 'dm' : `Room ${r} — 방 ${r}`, kind, createdBy: owner, members: others });
    rooms.push(room.id);
  }
  const membersOf = new Map<string, UserRef[]>();
  for (const room of rooms) {
    const ids = new Set((await store.listMembers(room)).map((m) => m.user.id));
    membersOf.set(room, users.filter((user) => ids.has(user.id)));
  }
  for (let n = 0; n < messages; n += 1000) {
    const batch = [];
    for (let k = n; k < n + 1000; k++) {
      const room = rooms[k % ROOMS]!;
      const members = membersOf.get(room)!;
      const user = members[k % members.length]!;
      batch.push(store.appendMessage({ room, user, clientId: `m-${String(k).padStart(8, '0')}`, body: `message ${k} ✓ 메시지 ${'x'.repeat(k % 50)}` }));
    }
    const stored = await Promise.all(batch);
    // Every so often an edit, a deletion and a reaction, by the message's author or a member.
    const [first, second, third] = stored.slice(0, 3).map((s) => s.event);
    await store.editMessage({ room: first!.room, user: first!.user, target: first!.seq, body: `edited ${n}` });
    await store.deleteMessage({ room: second!.room, user: second!.user, target: second!.seq });
    await store.react({ room: third!.room, user: third!.user, target: third!.seq, emoji: '👍', on: true });
  }
  for (const [u, user] of users.entries()) await store.setReadMarker('lobby', user.id, u * 100);
  await store.renameUser(users[5]!.id, 'Renamed five');
  await store.leave({ room: 'room-1', user: membersOf.get('room-1')!.at(-1)! });
  // Moderation: roles, a time-out, a ban, settings, a report, a block, a disabled account.
  const owner = users[2]!;
  const [moderator, muted] = membersOf.get('room-2')!.filter((user) => user.id !== owner.id);
  await store.setRole({ room: 'room-2', actor: owner, target: moderator!.id, role: 'moderator' });
  await store.timeout({ room: 'room-2', actor: owner, target: muted!.id, until: Date.now() + 3_600_000 });
  await store.ban({ room: 'room-2', actor: owner, target: users[19]!.id, reason: 'copied too' });
  await store.updateRoomSettings({ room: 'room-2', actor: owner, slowModeSeconds: 10, permissions: { react: 'moderator' } });
  const { event } = await store.appendMessage({ room: 'room-2', user: owner, clientId: 'm-reported', body: 'report me' });
  await store.report({ room: 'room-2', user: moderator!, target: event.seq, reason: 'testing' });
  await store.setBlock({ user: users[3]!.id, blocked: users[4]!.id, on: true });
  await store.setUserDisabled({ actor: owner, target: users[6]!.id, disabled: true });
  return { users, rooms };
}

/** Compares every room's events one by one, its members and summary for each user, every user and session. */
async function assertSameContent(sqlite: Store, postgres: Store, { users, rooms }: Installation): Promise<number> {
  let events = 0;
  for (const room of rooms) {
    const expected = await sqlite.eventsAfter(room, 0, 1_000_000);
    const actual = await postgres.eventsAfter(room, 0, 1_000_000);
    assert.equal(actual.length, expected.length, `${room}: number of events`);
    for (let i = 0; i < expected.length; i++) assert.deepStrictEqual(actual[i], expected[i], `${room}: event ${i + 1}`);
    events += expected.length;
    assert.deepStrictEqual(await postgres.findRoom(room), await sqlite.findRoom(room));
    assert.deepStrictEqual(await postgres.listMembers(room), await sqlite.listMembers(room), `${room}: members`);
  }
  for (const [u, user] of users.entries()) {
    assert.deepStrictEqual(await postgres.findUserById(user.id), await sqlite.findUserById(user.id));
    assert.deepStrictEqual(await postgres.findSession(`token-${u}`), await sqlite.findSession(`token-${u}`));
    assert.deepStrictEqual(await postgres.listRoomsFor(user.id), await sqlite.listRoomsFor(user.id), `rooms of ${user.id}`);
    assert.deepStrictEqual(await postgres.blockedBy(user.id), await sqlite.blockedBy(user.id), `blocks of ${user.id}`);
  }
  assert.deepStrictEqual(await postgres.auditLog({ limit: 200 }), await sqlite.auditLog({ limit: 200 }));
  for (const room of rooms) {
    assert.deepStrictEqual(await postgres.listBans(room), await sqlite.listBans(room), `${room}: bans`);
    assert.deepStrictEqual(await postgres.openReports(room, 100), await sqlite.openReports(room, 100), `${room}: reports`);
  }
  return events;
}

describe('migrate-to-postgres', { skip, timeout: 300_000 }, () => {
  it(`copies ${MESSAGES.toLocaleString('en')} messages in ${ROOMS} rooms, event by event, and refuses a database that holds data`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-migrate-'));
    const file = join(dir, 'parley.db');
    const database = await createTestDatabase();
    try {
      const sqlite = createSqliteStore({ file, synchronous: 'normal', writer: 'inline' });
      const installation = await fill(sqlite, MESSAGES);
      await sqlite.close();
      // A message from a server that let U+0000 in (PostgreSQL text cannot hold it).
      const raw = new BetterSqlite3(file);
      const nulSeq = raw.prepare(`SELECT max(seq) FROM events WHERE room_id = 'room-2' AND kind = 'message' AND deleted = 0`).pluck().get() as number;
      raw.prepare(`UPDATE events SET body = ? WHERE room_id = 'room-2' AND seq = ?`).run('nul \u0000 inside', nulSeq);
      raw.close();

      const report = await migrateToPostgres({ sqliteFile: file, postgresUrl: database.url });
      assert.equal(report.rooms, ROOMS);
      assert.equal(report.replacedNul, 1);
      assert.equal(report.writtenDuringCopy, 0);
      assert.ok(report.rows.events! > MESSAGES, `${report.rows.events} events`);
      console.log(`# copied ${report.rows.events} events in ${report.durationMs} ms`);

      // The NUL becomes U+FFFD in the copy; compare against that.
      const fixed = new BetterSqlite3(file);
      fixed.prepare(`UPDATE events SET body = ? WHERE room_id = 'room-2' AND seq = ?`).run('nul \uFFFD inside', nulSeq);
      fixed.close();
      const source = createSqliteStore({ file, synchronous: 'normal', writer: 'inline' });
      const target = createPostgresStore({ url: database.url, poolSize: 4 });
      try {
        await source.migrate();
        await target.migrate();
        const events = await assertSameContent(source, target, installation);
        assert.equal(events, report.rows.events);
        // PostgreSQL's ids continue after the copied ones.
        const [copied] = (await target.auditLog({ limit: 1 })).entries;
        await target.signOutUser({ actor: installation.users[2]!, target: installation.users[7]!.id });
        const [next] = (await target.auditLog({ limit: 1 })).entries;
        assert.ok(next!.id > copied!.id, `audit id ${next!.id} after ${copied!.id}`);
      } finally {
        await source.close();
        await target.close();
      }

      await assert.rejects(migrateToPostgres({ sqliteFile: file, postgresUrl: database.url }), (error: unknown) => {
        assert.ok(error instanceof MigrationRefused);
        assert.match(error.message, /already holds Parley data/);
        return true;
      });
    } finally {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the command copies a data directory, says what it did, and exits 2 when refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-migrate-cli-'));
    const database = await createTestDatabase();
    try {
      const sqlite = createSqliteStore({ file: join(dir, 'parley.db'), synchronous: 'normal', writer: 'inline' });
      await fill(sqlite, 2000);
      await sqlite.close();
      const run = () => spawnSync(process.execPath, [ADMIN, 'migrate-to-postgres', '--from', dir, '--to', database.url], { encoding: 'utf8' });
      const first = run();
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stdout, /Copied and verified 50 rooms/);
      assert.match(first.stdout, /Now start Parley with DATABASE_URL=/);
      const second = run();
      assert.equal(second.status, 2);
      assert.match(second.stderr, /Refused: the PostgreSQL database already holds Parley data/);
    } finally {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
