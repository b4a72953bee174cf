/**
 * The server is killed with kill -9 and restarted on the same data directory
 * and port while two clients keep sending: afterwards every message acked
 * before the kill and every message sent during the outage is in both
 * clients' timelines exactly once, in the same order — over a WebSocket, and
 * over the HTTP fallback (server-sent events and POSTs, protocol.md §30).
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { startServerProcess, type ServerProcess } from '@parley/server/testing';
import { v7 as uuidv7 } from 'uuid';
import type { ParleyClient } from '../client.js';
import type { SendResult, Transport } from '../types.js';
import { ClientPool, assertOrdered, messagesOf, sleep, waitFor, within } from '../test-support/helpers.js';

for (const transport of ['websocket', 'http'] as const satisfies readonly Transport[]) {
  it(`loses and duplicates nothing across kill -9 and a restart of the server (${transport})`, { timeout: 60_000 }, async (t) => {
    let server: ServerProcess = await startServerProcess();
    const pool = new ClientPool();
    t.after(async () => {
      pool.closeAll();
      await server.stop('SIGKILL');
    });
    const a = pool.create(server.url, { kind: 'guest', name: 'ada' }, { transport });
    const b = pool.create(server.url, { kind: 'guest', name: 'bob' }, { transport });
    await within('both clients connect', Promise.all([a.connect(), b.connect()]));
    assert.deepEqual([a.transport, b.transport], [transport, transport]);

    const events = new Map<ParleyClient, number[]>([[a, []], [b, []]]);
    for (const [client, seqs] of events) client.on('event', (event) => event.room === 'lobby' && seqs.push(event.seq));

    type Phase = 'before' | 'outage' | 'after';
    let phase = 'before' as Phase;
    const sends = new Map<string, { phase: Phase; result: Promise<SendResult> }>();
    const ackedBeforeKill = new Set<string>();
    let sending = true;
    const keepSending = async (client: ParleyClient, tag: string) => {
      for (let i = 0; sending; i++) {
        const id = uuidv7();
        const result = client.send('lobby', `${tag} ${i}`, { id });
        sends.set(id, { phase, result });
        result.then(
          () => phase === 'before' && ackedBeforeKill.add(id),
          () => {},
        );
        await sleep(80);
      }
    };
    const senders = Promise.all([keepSending(a, 'ada'), keepSending(b, 'bob')]);

    const sentIn = (p: Phase) => [...sends.values()].filter((s) => s.phase === p).length;
    await waitFor('some messages are acked', () => ackedBeforeKill.size >= 10, 10_000);
    phase = 'outage';
    await server.stop('SIGKILL');
    await waitFor('both clients notice the outage', () => a.status !== 'open' && b.status !== 'open', 5000);
    await waitFor('some messages are sent during the outage', () => sentIn('outage') >= 10, 5000);
    server = await startServerProcess({ port: server.port, dataDir: server.dataDir });
    phase = 'after';
    await sleep(800);
    sending = false;
    await senders;

    const describe = () =>
      [a, b].map((c) => `${c.user?.name} ${c.status}: ${JSON.stringify(c.getSnapshot().outbox.map((p) => [p.body, p.state, p.error?.code]))}`).join('; ');
    const results = await within('every send is acknowledged', Promise.all([...sends.values()].map((s) => s.result)), 20_000).catch((error: Error) => {
      throw new Error(`${error.message}; outboxes: ${describe()}`);
    });
    const newest = Math.max(...results.map((r) => r.seq));
    await waitFor('both timelines reach the newest message', () => [a, b].every((c) => (c.room('lobby')?.syncedSeq ?? 0) >= newest), 10_000);

    const outageIds = [...sends].filter(([, s]) => s.phase === 'outage').map(([id]) => id);
    assert.ok(ackedBeforeKill.size >= 10, `some messages were acked before the kill (${ackedBeforeKill.size})`);
    assert.ok(outageIds.length >= 10, `some messages were sent during the outage (${outageIds.length})`);
    const orders = [a, b].map((client) => messagesOf(client, 'lobby').map((m) => m.id).filter((id) => sends.has(id)));
    for (const order of orders) {
      assert.equal(new Set(order).size, order.length, 'no message appears twice');
      for (const id of ackedBeforeKill) assert.ok(order.includes(id), `message acked before the kill is present: ${id}`);
      for (const id of outageIds) assert.ok(order.includes(id), `message sent during the outage is present: ${id}`);
      assert.equal(order.length, sends.size);
    }
    assert.deepEqual(orders[0], orders[1], 'both clients see the same order');
    for (const [client, seqs] of events) {
      assertOrdered(client, 'lobby');
      for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1]! + 1, 'events arrive once each, in order, without gaps');
    }
  });
}
