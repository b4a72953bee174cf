/** Shared pieces of the store contract suite: a fresh store per test, fixture users, assertions. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ParleyError, type ErrorCode, type RoomEvent, type UserRef } from '@parley/protocol';
import type { Store, StoredUser } from '../store.js';

/**
 * Makes a fresh, empty store that has not been migrated. `another` opens one
 * more store on the same database, with connections of its own (another
 * node, as far as the database can tell). `cleanup` closes them all (if the
 * test has not already) and deletes the data.
 */
export type MakeStore = () => Promise<{ store: Store; another: () => Promise<Store>; cleanup: () => Promise<void> }>;

export interface Fixture {
  store: Store;
  alice: StoredUser;
  bob: StoredUser;
  carol: StoredUser;
  /** Another store on the same database, migrated (opened on first use). */
  another: () => Promise<Store>;
}

const TEST_TIMEOUT_MS = 60_000;

/** Defines a test that runs `body` against a freshly migrated store with three users (members of no room). */
export function storeTest(makeStore: MakeStore, title: string, body: (fixture: Fixture) => Promise<void>): void {
  it(title, { timeout: TEST_TIMEOUT_MS }, async () => {
    const { store, another, cleanup } = await makeStore();
    try {
      await store.migrate();
      const [alice, bob, carol] = await Promise.all([
        store.createUser({ id: 'user-alice', username: 'alice', name: 'Alice', kind: 'account', passwordHash: 'hash-a' }),
        store.createUser({ id: 'user-bob', username: 'bob', name: 'Bob', kind: 'guest' }),
        store.createUser({ id: 'user-carol', username: 'carol', name: 'Carol', kind: 'external', externalId: 'sub-carol' }),
      ]);
      const migrated = async () => {
        const other = await another();
        await other.migrate();
        return other;
      };
      await body({ store, alice, bob, carol, another: migrated });
    } finally {
      await cleanup();
    }
  });
}

export function ref(user: UserRef): UserRef {
  return { id: user.id, name: user.name };
}

export async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ParleyError, `expected a ParleyError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

/**
 * Asserts the value survives a JSON round trip unchanged: no `undefined`
 * keys (which JSON drops) and nothing that is not plain data.
 */
export function assertPlainJson(value: unknown): void {
  assert.deepStrictEqual(JSON.parse(JSON.stringify(value)), value);
}

/** Every event of the room, via eventsAfter, checked for plain JSON and dense seqs. */
export async function wholeLog(store: Store, roomId: string): Promise<RoomEvent[]> {
  const events = await store.eventsAfter(roomId, 0, 100_000);
  assertPlainJson(events);
  assert.deepEqual(
    events.map((event) => event.seq),
    events.map((_, index) => index + 1),
    'seqs are 1, 2, 3 … with no gap',
  );
  return events;
}

/** A client id in the protocol's format. */
export function clientId(n: number): string {
  return `client-${String(n).padStart(6, '0')}`;
}
