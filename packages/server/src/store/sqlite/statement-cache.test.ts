import assert from 'node:assert/strict';
import { it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { withStatementCache } from './statement-cache.js';

function database() {
  const db = new BetterSqlite3(':memory:');
  db.exec('CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3);');
  return db;
}

it('prepares each SQL text once and reuses the statement', () => {
  const cached = withStatementCache(database(), 4);
  const first = cached.prepare('SELECT n FROM t WHERE n > ?');
  assert.equal(cached.prepare('SELECT n FROM t WHERE n > ?'), first);
  assert.deepEqual(first.all([1]), [{ n: 2 }, { n: 3 }]);
  assert.notEqual(cached.prepare('SELECT n FROM t WHERE n < ?'), first);
  cached.close();
});

it('keeps at most `capacity` statements, dropping the least recently used', () => {
  const cached = withStatementCache(database(), 2);
  const a = cached.prepare('SELECT 1');
  const b = cached.prepare('SELECT 2');
  assert.equal(cached.prepare('SELECT 1'), a, 'a is now the most recently used');
  cached.prepare('SELECT 3');
  assert.equal(cached.prepare('SELECT 1'), a);
  assert.notEqual(cached.prepare('SELECT 2'), b, 'b was dropped');
  cached.close();
});

it('does not hand out a statement that is still iterating', () => {
  const cached = withStatementCache(database(), 4);
  const iterating = cached.prepare('SELECT n FROM t');
  const rows = iterating.iterate([]);
  rows.next();
  const other = cached.prepare('SELECT n FROM t');
  assert.notEqual(other, iterating);
  assert.deepEqual(other.all([]), [{ n: 1 }, { n: 2 }, { n: 3 }]);
  rows.return?.();
  assert.equal(cached.prepare('SELECT n FROM t'), iterating, 'reused once done');
  cached.close();
});
