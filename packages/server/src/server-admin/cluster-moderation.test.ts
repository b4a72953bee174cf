/**
 * Moderation across a cluster: two server processes on one PostgreSQL database,
 * linked by Redis. A kick, a time-out and a ban made through one node reach the
 * person's connections on the other at once; disabling an account closes its
 * connection on the other node with 4403, signing it out everywhere with 4401.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CLOSE, type AckFrame, type EventFrame, type ServerFrame } from '@parley/protocol';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { createTestDatabase, skipWithoutPostgres, type TestDatabase } from '../testing/postgres.js';
import { REDIS_URL, removePrefix, skipWithoutRedis, testPrefix } from '../testing/redis.js';
import { api, enterAsAccount } from '../testing/accounts.js';
import { connectRaw, enterAsGuest, type RawClient } from '../testing/ws-client.js';

const skip = (await skipWithoutPostgres()) || (await skipWithoutRedis());

describe('moderation across two nodes', { skip, timeout: 90_000 }, () => {
  let database: TestDatabase;
  const prefix = testPrefix();
  let a: ServerProcess;
  let b: ServerProcess;
  const open: RawClient[] = [];

  before(async () => {
    database = await createTestDatabase();
    const env = { DATABASE_URL: database.url, REDIS_URL, REDIS_PREFIX: prefix, ADMIN_USERS: 'boss', RATE_LIMITS: 'off', PRESENCE_INTERVAL_MS: '0' };
    a = await startServerProcess({ env });
    b = await startServerProcess({ env });
  });
  after(async () => {
    for (const client of open) client.close();
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
    await removePrefix(prefix);
  });

  const onB = async (token: string) => {
    const client = await connectRaw(b.wsUrl, { token });
    open.push(client);
    return client;
  };
  const kindIn = (room: string, kind: string) => (f: ServerFrame) => f.type === 'event' && f.event.room === room && f.event.kind === kind;

  test('a kick, a time-out and a ban through node A reach the people on node B at once', async () => {
    const owner = await enterAsGuest(a, 'Owner', open);
    const kicked = await enterAsGuest(a, 'Kicked', open);
    const muted = await enterAsGuest(a, 'Muted', open);
    const { room } = await owner.client.request<AckFrame<'create'>>({ type: 'create', name: 'clustered', kind: 'public' });
    for (const person of [kicked, muted]) await person.client.request({ type: 'join', room: room.id });
    const kickedOnB = await onB(kicked.token);
    const mutedOnB = await onB(muted.token);

    await owner.client.request({ type: 'kick', room: room.id, user: kicked.user.id });
    await kickedOnB.waitFor((f) => f.type === 'room_left' && f.room === room.id);
    await mutedOnB.waitFor(kindIn(room.id, 'kick'));

    await owner.client.request({ type: 'timeout', room: room.id, user: muted.user.id, durationMs: 60_000 });
    const timeout = await mutedOnB.waitFor<EventFrame>(kindIn(room.id, 'timeout'));
    assert.equal(timeout.event.kind === 'timeout' && timeout.event.target.id, muted.user.id);
    await assert.rejects(mutedOnB.request({ type: 'send', id: 'cluster-mute-01', room: room.id, body: 'through B' }), (e: { code?: string }) => e.code === 'timed_out');

    await owner.client.request({ type: 'ban', room: room.id, user: muted.user.id });
    await mutedOnB.waitFor((f) => f.type === 'room_left' && f.room === room.id);
    await assert.rejects(mutedOnB.request({ type: 'join', room: room.id }), (e: { code?: string }) => e.code === 'banned');
  });

  test('disabling an account through node A closes its connection on node B with 4403; signing out, 4401', async () => {
    const boss = await enterAsAccount(a, 'boss', open);
    const target = await enterAsGuest(a, 'Target', open);
    const targetOnB = await onB(target.token);
    const disabled = await api(a.url, boss.token, 'POST', `/api/admin/users/${target.user.id}/disable`, { disabled: true });
    assert.equal(disabled.status, 200);
    assert.equal((await targetOnB.closed).code, CLOSE.forbidden);
    assert.equal((await target.client.closed).code, CLOSE.forbidden);

    const other = await enterAsGuest(b, 'Other', open);
    const otherOnA = await connectRaw(a.wsUrl, { token: other.token });
    open.push(otherOnA);
    assert.equal((await api(a.url, boss.token, 'POST', `/api/admin/users/${other.user.id}/sign-out`)).status, 200);
    assert.equal((await other.client.closed).code, CLOSE.sessionEnded);
    assert.equal((await otherOnA.closed).code, CLOSE.sessionEnded);
  });
});
