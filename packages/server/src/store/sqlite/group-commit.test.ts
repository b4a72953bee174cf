/** GroupCommit on a scratch SQLite file: batching, savepoint isolation, and whole-batch failures. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { GroupCommit, StoreClosedError } from './group-commit.js';

const TIMEOUT_MS = 10_000;

interface Scratch {
  db: BetterSqlite3.Database;
  commits: GroupCommit;
  /** The rows as an independent connection sees them, i.e. what is committed. */
  committed: () => string[];
}

async function withScratch(body: (scratch: Scratch) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-group-commit-'));
  const file = join(dir, 'scratch.db');
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.exec(`
    CREATE TABLE parents (id TEXT PRIMARY KEY);
    CREATE TABLE items (name TEXT PRIMARY KEY, parent TEXT REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED);
    -- Naming an item 'abort' makes SQLite roll back the whole transaction.
    CREATE TRIGGER abort_all BEFORE INSERT ON items WHEN NEW.name = 'abort' BEGIN SELECT RAISE(ROLLBACK, 'aborted'); END;
  `);
  const reader = new BetterSqlite3(file, { readonly: true });
  const list = reader.prepare('SELECT name FROM items ORDER BY name').pluck();
  const commits = new GroupCommit(db);
  try {
    await body({ db, commits, committed: () => list.all() as string[] });
  } finally {
    commits.close();
    reader.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function inserter(db: BetterSqlite3.Database) {
  const insert = db.prepare('INSERT INTO items (name, parent) VALUES (?, ?)');
  return (name: string, parent: string | null = null) => () => {
    insert.run(name, parent);
    return name;
  };
}

describe('GroupCommit', () => {
  it('runs the writes of one turn in one transaction and settles them after it commits', { timeout: TIMEOUT_MS }, async () => {
    await withScratch(async ({ db, commits, committed }) => {
      const item = inserter(db);
      const seenAtResolve: string[][] = [];
      const writes = ['a', 'b', 'c'].map((name) =>
        commits.enqueue(item(name)).then((value) => {
          seenAtResolve.push(committed());
          return value;
        }),
      );
      assert.deepEqual(committed(), [], 'nothing runs before the turn ends');
      assert.deepEqual(await Promise.all(writes), ['a', 'b', 'c']);
      assert.deepEqual(seenAtResolve, [['a', 'b', 'c'], ['a', 'b', 'c'], ['a', 'b', 'c']]);
    });
  });

  it('a write that throws rolls back only itself and rejects only its own promise', { timeout: TIMEOUT_MS }, async () => {
    await withScratch(async ({ db, commits, committed }) => {
      const item = inserter(db);
      const failing = () => {
        item('half-written')();
        throw new Error('rule broken');
      };
      const results = await Promise.allSettled([
        commits.enqueue(item('a')),
        commits.enqueue(failing),
        commits.enqueue(item('a')), // primary key conflict
        commits.enqueue(item('b')),
      ]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'rejected', 'fulfilled']);
      assert.match(String((results[1] as PromiseRejectedResult).reason), /rule broken/);
      assert.match(String((results[2] as PromiseRejectedResult).reason), /UNIQUE/);
      assert.deepEqual(committed(), ['a', 'b']);
    });
  });

  it('when COMMIT fails, every write of the batch rejects and none is stored', { timeout: TIMEOUT_MS }, async () => {
    await withScratch(async ({ db, commits, committed }) => {
      const item = inserter(db);
      // A deferred foreign key is checked only at COMMIT.
      const batch = await Promise.allSettled([commits.enqueue(item('a')), commits.enqueue(item('orphan', 'no-such-parent'))]);
      assert.deepEqual(batch.map((r) => r.status), ['rejected', 'rejected']);
      assert.match(String((batch[0] as PromiseRejectedResult).reason), /FOREIGN KEY/);
      assert.deepEqual(committed(), []);
      assert.equal(db.inTransaction, false);
      assert.equal(await commits.enqueue(item('next')), 'next', 'the next batch commits normally');
      assert.deepEqual(committed(), ['next']);
    });
  });

  it('when SQLite aborts the transaction mid-batch, every write of the batch rejects', { timeout: TIMEOUT_MS }, async () => {
    await withScratch(async ({ db, commits, committed }) => {
      const item = inserter(db);
      const batch = await Promise.allSettled([commits.enqueue(item('a')), commits.enqueue(item('abort')), commits.enqueue(item('c'))]);
      assert.deepEqual(batch.map((r) => r.status), ['rejected', 'rejected', 'rejected']);
      assert.deepEqual(committed(), []);
      assert.equal(await commits.enqueue(item('next')), 'next');
      assert.deepEqual(committed(), ['next']);
    });
  });

  it('close commits what is queued and refuses later writes', { timeout: TIMEOUT_MS }, async () => {
    await withScratch(async ({ db, commits, committed }) => {
      const item = inserter(db);
      const queued = commits.enqueue(item('a'));
      commits.close();
      assert.deepEqual(committed(), ['a']);
      assert.equal(await queued, 'a');
      await assert.rejects(commits.enqueue(item('b')), StoreClosedError);
    });
  });
});
