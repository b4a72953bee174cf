/**
 * The contract every Presence implementation passes (presence.ts's comment).
 * `node()` is another node's presence on the same shared state, not yet
 * started; `kill`, where a node can die without telling, stops one as
 * SIGKILL would.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Presence, PresenceEvents } from './presence.js';

export interface PresenceFixture {
  /** `timing`, where the implementation has heartbeats: its heartbeat interval and the silence after which it reaps another node. */
  node(timing?: { heartbeatMs: number; nodeTtlMs: number }): Presence;
  kill?: (node: Presence) => void;
  /** How long after a kill its users must be offline. */
  expiryMs?: number;
  cleanup(): Promise<void>;
}

export type MakePresence = () => Promise<PresenceFixture>;

interface Started {
  presence: Presence;
  expired: Array<{ userId: string; rooms: readonly string[] }>;
  restored: Array<{ userId: string; rooms: readonly string[] }>;
  errors: string[];
}

async function start(presence: Presence): Promise<Started> {
  const started: Started = { presence, expired: [], restored: [], errors: [] };
  const events: PresenceEvents = {
    expired: (changes) => started.expired.push(...changes),
    restored: (changes) => started.restored.push(...changes),
    error: (where, error) => started.errors.push(`${where}: ${error.message}`),
  };
  await presence.start(events);
  return started;
}

const sorted = (rooms: readonly string[]) => [...rooms].sort();
const TIMEOUT = { timeout: 60_000 };

export function runPresenceContract(name: string, makePresence: MakePresence, skip: string | false = false): void {
  describe(`Presence contract: ${name}`, { skip }, () => {
    async function withNodes(count: number, body: (nodes: Started[], fixture: PresenceFixture) => Promise<void>): Promise<void> {
      const fixture = await makePresence();
      const nodes: Started[] = [];
      try {
        for (let i = 0; i < count; i++) nodes.push(await start(fixture.node()));
        await body(nodes, fixture);
        for (const node of nodes) assert.deepEqual(node.errors, []);
      } finally {
        await Promise.all(nodes.map((node) => node.presence.close().catch(() => undefined)));
        await fixture.cleanup();
      }
    }

    it('a user comes online with their first connection anywhere and goes offline with their last', TIMEOUT, async () => {
      await withNodes(2, async ([a, b]) => {
        assert.deepEqual(sorted(await a!.presence.connected('u1', ['r1', 'r2'])), ['r1', 'r2']);
        assert.deepEqual(await a!.presence.connected('u1', ['r1', 'r2']), [], 'a second connection on the same node');
        assert.deepEqual(await b!.presence.connected('u1', ['r1', 'r2']), [], 'a connection on another node');
        assert.deepEqual(await b!.presence.isOnline(['u1', 'u2']), [true, false]);
        assert.deepEqual((await a!.presence.online(['r1', 'r2', 'r3'])).map((r) => r.online), [1, 1, 0]);
        assert.deepEqual(await a!.presence.disconnected('u1'), []);
        assert.deepEqual(await a!.presence.disconnected('u1'), [], 'still on node b');
        assert.deepEqual(await a!.presence.isOnline(['u1']), [true]);
        assert.deepEqual(sorted(await b!.presence.disconnected('u1')), ['r1', 'r2']);
        assert.deepEqual(await a!.presence.isOnline(['u1']), [false]);
        assert.deepEqual((await b!.presence.online(['r1', 'r2'])).map((r) => r.online), [0, 0]);
        assert.deepEqual(await b!.presence.disconnected('u1'), [], 'a disconnect too many changes nothing');
      });
    });

    it('joins and leaves of an online user change the room\'s online members; an offline user\'s do not', TIMEOUT, async () => {
      await withNodes(2, async ([a, b]) => {
        await a!.presence.connected('u1', ['r1']);
        assert.equal(await b!.presence.joined('r2', 'u1'), true, 'joined on another node');
        assert.equal(await a!.presence.joined('r2', 'u1'), false, 'already online there');
        assert.equal(await a!.presence.joined('r2', 'u-offline'), false);
        assert.deepEqual((await a!.presence.online(['r2'])).map((r) => r.online), [1]);
        assert.equal(await a!.presence.left('r1', 'u1'), true);
        assert.equal(await a!.presence.left('r1', 'u1'), false);
        assert.deepEqual(await a!.presence.disconnected('u1'), ['r2'], 'the rooms they are in now, wherever they joined them');
      });
    });

    it('a room\'s version grows with every change of its online members, and only then', TIMEOUT, async () => {
      await withNodes(2, async ([a, b]) => {
        const version = async () => (await a!.presence.online(['r1']))[0]!.version;
        const v0 = await version();
        await a!.presence.connected('u1', ['r1']);
        const v1 = await version();
        await b!.presence.connected('u2', ['r1']);
        const v2 = await version();
        await b!.presence.connected('u2', ['r1']);
        assert.equal(await version(), v2, 'a second connection changes nothing');
        await a!.presence.disconnected('u1');
        const v3 = await version();
        assert.ok(v0 < v1 && v1 < v2 && v2 < v3, `${v0} < ${v1} < ${v2} < ${v3}`);
      });
    });

    it('many users connecting at once on several nodes are each counted once', TIMEOUT, async () => {
      await withNodes(3, async (nodes) => {
        const users = Array.from({ length: 60 }, (_, i) => `u${i}`);
        const came = await Promise.all(users.flatMap((user) => nodes.map((node) => node.presence.connected(user, ['busy']))));
        assert.equal(came.filter((rooms) => rooms.length === 1).length, users.length, 'each user came online once');
        assert.deepEqual((await nodes[0]!.presence.online(['busy'])).map((r) => r.online), [users.length]);
        const went = await Promise.all(users.flatMap((user) => nodes.map((node) => node.presence.disconnected(user))));
        assert.equal(went.filter((rooms) => rooms.length === 1).length, users.length, 'each user went offline once');
        assert.deepEqual((await nodes[1]!.presence.online(['busy'])).map((r) => r.online), [0]);
      });
    });
  });
}

/** For presence whose nodes can die without telling: their users go offline for the others in time. */
export function runPresenceExpiryContract(name: string, makePresence: MakePresence, skip: string | false = false): void {
  describe(`Presence contract, dead nodes: ${name}`, { skip }, () => {
    it('the users of a node that died go offline for the others, unless online elsewhere, and it is reported once', TIMEOUT, async () => {
      const fixture = await makePresence();
      const a = await start(fixture.node());
      const b = await start(fixture.node());
      try {
        await a.presence.connected('only-on-a', ['r1', 'r2']);
        await a.presence.connected('on-both', ['r1']);
        await b.presence.connected('on-both', ['r1']);
        const killed = performance.now();
        fixture.kill!(a.presence);
        const deadline = killed + fixture.expiryMs! + 5000;
        while ((await b.presence.isOnline(['only-on-a']))[0] && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
        const after = performance.now() - killed;
        assert.deepEqual(await b.presence.isOnline(['only-on-a', 'on-both']), [false, true]);
        assert.ok(after <= fixture.expiryMs! + 1000, `offline ${Math.round(after)} ms after the kill`);
        assert.deepEqual((await b.presence.online(['r1', 'r2'])).map((r) => r.online), [1, 0]);
        assert.deepEqual(b.expired.map((change) => ({ ...change, rooms: sorted(change.rooms) })), [{ userId: 'only-on-a', rooms: ['r1', 'r2'] }]);
      } finally {
        await b.presence.close();
        await fixture.cleanup();
      }
    });

    it('a live node that was taken for dead and reaped puts its users back, and says so', TIMEOUT, async () => {
      const fixture = await makePresence();
      // b reaps a node silent for 300 ms; a heartbeats every 1,000 ms: b reaps a between its heartbeats.
      const a = await start(fixture.node({ heartbeatMs: 1000, nodeTtlMs: 10_000 }));
      const b = await start(fixture.node({ heartbeatMs: 100, nodeTtlMs: 300 }));
      try {
        await a.presence.connected('on-a', ['r1']);
        const deadline = performance.now() + 10_000;
        while (a.restored.length === 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
        assert.ok(b.expired.some((change) => change.userId === 'on-a'), 'b reaped a');
        assert.deepEqual(a.restored[0], { userId: 'on-a', rooms: ['r1'] });
      } finally {
        await a.presence.close();
        await b.presence.close();
        await fixture.cleanup();
      }
    });
  });
}
