/** GroupCommit on a scratch SQLite file: one transaction per batch, savepoint isolation, and whole-batch failures. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { GroupCommit, type Outcome } from './group-commit.js';

interface Scratch {
  db: BetterSqlite3.Database;
  commits: GroupCommit;
  /** The rows as an independent connection sees them, i.e. what is committed. */
  committed: () => string[];
}

function withScratch(body: (scratch: Scratch) => void): void {
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
  try {
    body({ db, commits: new GroupCommit(db), committed: () => list.all() as string[] });
  } finally {
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

const statuses = (outcomes: Outcome[]) => outcomes.map((o) => (o.ok ? 'ok' : 'failed'));
const errorOf = (outcome: Outcome | undefined) => String(outcome && !outcome.ok ? outcome.error : '');

describe('GroupCommit', () => {
  it('runs a batch in one transaction: nothing is visible to others until all of it is committed', () => {
    withScratch(({ db, commits, committed }) => {
      const item = inserter(db);
      const seenDuringBatch: string[][] = [];
      const watch = (write: () => string) => () => {
        const value = write();
        seenDuringBatch.push(committed());
        return value;
      };
      const outcomes = commits.commit([watch(item('a')), watch(item('b')), watch(item('c'))]);
      assert.deepEqual(outcomes, ['a', 'b', 'c'].map((value) => ({ ok: true, value })));
      assert.deepEqual(seenDuringBatch, [[], [], []]);
      assert.deepEqual(committed(), ['a', 'b', 'c']);
    });
  });

  it('a write that throws rolls back only itself and fails alone', () => {
    withScratch(({ db, commits, committed }) => {
      const item = inserter(db);
      const failing = () => {
        item('half-written')();
        throw new Error('rule broken');
      };
      const outcomes = commits.commit([item('a'), failing, item('a') /* primary key conflict */, item('b')]);
      assert.deepEqual(statuses(outcomes), ['ok', 'failed', 'failed', 'ok']);
      assert.match(errorOf(outcomes[1]), /rule broken/);
      assert.match(errorOf(outcomes[2]), /UNIQUE/);
      assert.deepEqual(committed(), ['a', 'b']);
    });
  });

  it('when COMMIT fails, the batch throws and none of it is stored', () => {
    withScratch(({ db, commits, committed }) => {
      const item = inserter(db);
      // A deferred foreign key is checked only at COMMIT.
      assert.throws(() => commits.commit([item('a'), item('orphan', 'no-such-parent')]), /FOREIGN KEY/);
      assert.deepEqual(committed(), []);
      assert.equal(db.inTransaction, false);
      assert.deepEqual(commits.commit([item('next')]), [{ ok: true, value: 'next' }], 'the next batch commits normally');
      assert.deepEqual(committed(), ['next']);
    });
  });

  it('when SQLite aborts the transaction mid-batch, the batch throws and none of it is stored', () => {
    withScratch(({ db, commits, committed }) => {
      const item = inserter(db);
      assert.throws(() => commits.commit([item('a'), item('abort'), item('c')]), /aborted/);
      assert.deepEqual(committed(), []);
      assert.deepEqual(commits.commit([item('next')]), [{ ok: true, value: 'next' }]);
      assert.deepEqual(committed(), ['next']);
    });
  });
});
