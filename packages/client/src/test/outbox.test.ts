/**
 * The outbox: messages sent while offline wait (visible as pending), go out
 * once after the reconnect with their original ids, and their promises
 * resolve with their sequence numbers; a lost ack never stores a message twice.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { ParleyError } from '@parley/protocol';
import { OutboxFullError } from '../errors.js';
import { startProxiedServer, messagesOf, sleep, waitFor, within } from '../test-support/helpers.js';

it('delivers messages sent while offline once each after the reconnect', { timeout: 30_000 }, async (t) => {
  const { server, proxy, pool } = await startProxiedServer(t);
  const reader = pool.create(server.url, { kind: 'guest', name: 'reader' });
  const offline = pool.create(proxy.url, { kind: 'guest', name: 'offline' }, { outboxLimit: 5 });
  await within('clients connect', Promise.all([reader.connect(), offline.connect()]));

  proxy.block();
  proxy.cut();
  await waitFor('offline', () => offline.status === 'reconnecting', 5000);
  const sends = [1, 2, 3, 4, 5].map((i) => offline.send('lobby', `offline ${i}`));
  const pending = offline.room('lobby')!.pending;
  assert.deepEqual(pending.map((p) => [p.body, p.state]), [1, 2, 3, 4, 5].map((i) => [`offline ${i}`, 'queued']));
  await assert.rejects(offline.send('lobby', 'one too many'), (error) => error instanceof OutboxFullError && error.code === 'unavailable');

  proxy.unblock();
  const results = await within('every offline send resolves', Promise.all(sends));
  const ids = pending.map((p) => p.id);
  assert.deepEqual(results.map((r) => r.id), ids, 'each promise resolves for its own message, with its original id');
  for (let i = 1; i < results.length; i++) assert.ok(results[i]!.seq > results[i - 1]!.seq, 'in send order');
  await waitFor('the reader has them', () => (reader.room('lobby')?.syncedSeq ?? 0) >= results.at(-1)!.seq);
  await waitFor('the outbox empties', () => offline.room('lobby')!.pending.length === 0);
  for (const client of [reader, offline]) {
    const stored = messagesOf(client, 'lobby').filter((m) => ids.includes(m.id));
    assert.deepEqual(stored.map((m) => m.id), ids);
    assert.deepEqual(stored.map((m) => m.seq), results.map((r) => r.seq));
  }
});

it('re-sends a message whose ack was lost, and the server stores it once', { timeout: 30_000 }, async (t) => {
  const { server, proxy, pool } = await startProxiedServer(t);
  const reader = pool.create(server.url, { kind: 'guest', name: 'reader' });
  const writer = pool.create(proxy.url, { kind: 'guest', name: 'writer' });
  await within('clients connect', Promise.all([reader.connect(), writer.connect()]));

  proxy.stall('toClient');
  const sent = writer.send('lobby', 'ack gets lost');
  const id = writer.room('lobby')!.pending[0]!.id;
  await waitFor('the server stored it', () => messagesOf(reader, 'lobby').some((m) => m.id === id), 5000);
  assert.equal(writer.room('lobby')!.pending[0]!.state, 'sending');
  proxy.block();
  proxy.cut();
  await waitFor('it waits for the next connection', () => writer.room('lobby')!.pending[0]!.state === 'queued', 5000);
  assert.equal(writer.discard(id), false, 'written once, it may be stored: it is not discarded');
  const never = writer.send('lobby', 'never written');
  const neverId = writer.room('lobby')!.pending[1]!.id;
  assert.equal(writer.discard(neverId), true, 'one never written is');
  await assert.rejects(never, (error) => error instanceof ParleyError);
  proxy.forward();
  proxy.unblock();
  const result = await within('the re-sent message is acked', sent);
  assert.equal(result.id, id);
  assert.equal(result.duplicate, true, 'the server recognised the id');
  await waitFor('the outbox empties', () => writer.room('lobby')!.pending.length === 0, 3000);
  await sleep(200);
  for (const client of [reader, writer]) {
    assert.equal(messagesOf(client, 'lobby').filter((m) => m.id === id).length, 1);
  }
});

it('refuses a message id the server could not read, instead of waiting for its ack forever', { timeout: 30_000 }, async (t) => {
  const { server, pool } = await startProxiedServer(t);
  const writer = pool.create(server.url, { kind: 'guest', name: 'writer' });
  await within('connects', writer.connect());
  for (const id of ['', 'short', 'x'.repeat(65), 'has spaces in it']) {
    await assert.rejects(within(`id ${JSON.stringify(id)}`, writer.send('lobby', 'hello', { id })), (error) => error instanceof ParleyError && error.code === 'invalid_frame');
  }
  assert.equal(writer.room('lobby')!.pending.length, 0);
  const sent = await within('a good id', writer.send('lobby', 'hello', { id: 'a-good-id-0001' }));
  assert.equal(sent.id, 'a-good-id-0001');
});
