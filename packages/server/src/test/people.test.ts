/**
 * People (protocol §27) against a real server: the people picker's search finds by display name
 * or username among those sharing a room, never a stranger; a profile card; the guest lifecycle
 * (a guest who logs out, or whose session ended, leaves every member list; a guest who claims
 * their identity keeps id, rooms and DMs and signs in with the password).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AckFrame, ErrorFrame, EventFrame, SessionResponse, UserFrame } from '@parley/protocol';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { api, enterAsAccount, TEST_PASSWORD } from '../testing/accounts.js';
import { connectRaw, enterAsGuest, type GuestSession, type RawClient } from '../testing/ws-client.js';

describe('people', { timeout: 120_000 }, () => {
  let server: ServerProcess;
  const open: RawClient[] = [];
  let n = 0;
  const suffix = () => `${++n}`;
  const enter = (name: string) => enterAsGuest(server, name, open);

  before(async () => {
    server = await startServerProcess({ env: { RATE_LIMITS: 'off', ADMIN_USERS: 'boss', PRESENCE_INTERVAL_MS: '0', GUEST_SWEEP_INTERVAL_MS: '200' } });
  });
  after(async () => {
    for (const client of open) client.close();
    await server?.stop();
  });

  const refused = async (client: RawClient, frame: Record<string, unknown>): Promise<ErrorFrame> =>
    client.request(frame).then(
      () => assert.fail(`${String(frame.type)} was answered`),
      (error: unknown) => error as ErrorFrame,
    );

  test('"Bob" finds Bob by display name while his username is generated; a private room\'s stranger is not found; invite and DM work with what was found', async () => {
    const s = suffix();
    const ann = await enter(`Ann ${s}`);
    const bob = await enter(`Bob Picker ${s}`);
    assert.notEqual(bob.user.username, `bob picker ${s}`);
    const found = await ann.client.request<AckFrame<'people'>>({ type: 'people', query: `bob picker ${s}` });
    assert.deepEqual(found.users, [{ ...bob.user, online: true }]);
    // By a part of the username too.
    const byUsername = await ann.client.request<AckFrame<'people'>>({ type: 'people', query: bob.user.username.slice(0, -2) });
    assert.ok(byUsername.users.some((u) => u.id === bob.user.id));

    // Everyone shares the lobby, so the store's contract test covers strangers; here, a search
    // within a private room Ann is not in is refused, and one within it lists its members.
    const carol = await enterAsAccount(server, `carol-${s}`, open, `Carol ${s}`);
    const secret = await carol.client.request<AckFrame<'create'>>({ type: 'create', name: `secret ${s}`, kind: 'private' });
    assert.equal((await refused(ann.client, { type: 'people', query: '', room: secret.room.id })).code, 'not_found');
    const inRoom = await carol.client.request<AckFrame<'people'>>({ type: 'people', query: '', room: secret.room.id });
    assert.deepEqual(inRoom.users.map((u) => u.id), [carol.user.id]);

    // Invite and DM by the username the picker gave.
    await carol.client.request({ type: 'invite', room: secret.room.id, username: found.users[0]!.username });
    await bob.client.waitFor((f) => f.type === 'room' && f.room.id === secret.room.id);
    const dm = await ann.client.request<AckFrame<'dm'>>({ type: 'dm', username: found.users[0]!.username });
    assert.equal(dm.room.peer?.id, bob.user.id);

    const card = await ann.client.request<AckFrame<'profile'>>({ type: 'profile', user: bob.user.id });
    assert.deepEqual(card.user, { ...bob.user, online: true });
    bob.client.close();
    await bob.client.closed;
    // Offline now (presence is left to its interval of 0 ms here; wait for the lobby to say so).
    await ann.client.waitFor((f) => f.type === 'presence' && f.changes.some((c) => c.user.id === bob.user.id && c.status === 'offline'));
    assert.equal((await ann.client.request<AckFrame<'profile'>>({ type: 'profile', user: bob.user.id })).user.online, false);
    assert.equal((await refused(ann.client, { type: 'profile', user: 'user-nobody' })).code, 'user_not_found');
    // Malformed: a query too long.
    assert.equal((await refused(ann.client, { type: 'people', query: 'x'.repeat(65) })).code, 'invalid_frame');
  });

  test('a guest who logs out is gone: a leave event in each room, not found, their messages kept', async () => {
    const s = suffix();
    const ann = await enter(`Watcher ${s}`);
    const guest = await enter(`Leaving Guest ${s}`);
    await guest.client.request({ type: 'send', id: `bye-${s}-00000`, room: 'lobby', body: 'bye' });
    assert.equal((await ann.client.request<AckFrame<'people'>>({ type: 'people', query: `leaving guest ${s}` })).users.length, 1);
    assert.equal((await api(server.url, guest.token, 'POST', '/api/auth/logout')).status, 204);
    const left = await ann.client.waitFor<EventFrame>((f) => f.type === 'event' && f.event.kind === 'leave' && f.event.user.id === guest.user.id);
    assert.equal(left.event.room, 'lobby');
    assert.deepEqual((await ann.client.request<AckFrame<'people'>>({ type: 'people', query: `leaving guest ${s}` })).users, []);
    const members = await ann.client.request<AckFrame<'members'>>({ type: 'members', room: 'lobby' });
    assert.ok(!members.members.some((m) => m.user.id === guest.user.id));
    const history = await ann.client.request<AckFrame<'history'>>({ type: 'history', room: 'lobby' });
    assert.ok(history.events.some((e) => e.kind === 'message' && e.user.id === guest.user.id && e.body === 'bye'));
  });

  test('a guest whose session ended otherwise (signed out by an admin) is swept out of the lobby', async () => {
    const s = suffix();
    const boss = await enterAsAccount(server, 'boss', open, 'The Boss').catch(async () => {
      // The boss registered in an earlier test of this run.
      const login = await api<SessionResponse>(server.url, null, 'POST', '/api/auth/login', { username: 'boss', password: TEST_PASSWORD });
      const client = await connectRaw(server.wsUrl, { token: login.body.token });
      open.push(client);
      return { client, user: login.body.user, token: login.body.token } as GuestSession;
    });
    const guest = await enter(`Swept Guest ${s}`);
    assert.equal((await api(server.url, boss.token, 'POST', `/api/admin/users/${guest.user.id}/sign-out`, {})).status, 200);
    const left = await boss.client.waitFor<EventFrame>((f) => f.type === 'event' && f.event.kind === 'leave' && f.event.user.id === guest.user.id, 10_000);
    assert.equal(left.event.room, 'lobby');
    assert.deepEqual((await boss.client.request<AckFrame<'people'>>({ type: 'people', query: `swept guest ${s}` })).users, []);
  });

  test('a guest claims their identity: same id, rooms and DMs, a new username, signs in with the password; logging out then deletes nothing', async () => {
    const s = suffix();
    const ann = await enter(`Friend ${s}`);
    const guest = await enter(`Claimer ${s}`);
    const dm = await ann.client.request<AckFrame<'dm'>>({ type: 'dm', username: guest.user.username });
    await ann.client.request({ type: 'send', id: `dm-${s}-000000`, room: dm.room.id, body: 'keep this' });
    // Only with a session, and only a guest.
    assert.equal((await api(server.url, null, 'POST', '/api/auth/claim', { password: TEST_PASSWORD })).status, 401);
    assert.equal((await api(server.url, guest.token, 'POST', '/api/auth/claim', { password: 'short' })).status, 400);
    const account = await enterAsAccount(server, `taken-${s}`, open);
    assert.equal((await api(server.url, guest.token, 'POST', '/api/auth/claim', { username: `taken-${s}`, password: TEST_PASSWORD })).status, 409);
    assert.equal((await api(server.url, account.token, 'POST', '/api/auth/claim', { password: TEST_PASSWORD })).status, 403);

    const claimed = await api<SessionResponse>(server.url, guest.token, 'POST', '/api/auth/claim', { username: `claimer-${s}`, password: TEST_PASSWORD });
    assert.equal(claimed.status, 200);
    assert.deepEqual(claimed.body.user, { ...guest.user, username: `claimer-${s}`, kind: 'account' });
    // The open connection hears of it.
    const user = await guest.client.waitFor<UserFrame>((f) => f.type === 'user' && f.user.kind === 'account');
    assert.equal(user.user.username, `claimer-${s}`);
    // A second claim is refused: an account now.
    assert.equal((await api(server.url, claimed.body.token, 'POST', '/api/auth/claim', { password: TEST_PASSWORD })).status, 403);

    // Logging out of both sessions deletes nothing; signing in with the password finds the same id and the DM.
    assert.equal((await api(server.url, guest.token, 'POST', '/api/auth/logout')).status, 204);
    assert.equal((await api(server.url, claimed.body.token, 'POST', '/api/auth/logout')).status, 204);
    const login = await api<SessionResponse>(server.url, null, 'POST', '/api/auth/login', { username: `claimer-${s}`, password: TEST_PASSWORD });
    assert.equal(login.status, 200);
    assert.equal(login.body.user.id, guest.user.id);
    const again = await connectRaw(server.wsUrl, { token: login.body.token });
    open.push(again);
    const history = await again.request<AckFrame<'history'>>({ type: 'history', room: dm.room.id });
    assert.ok(history.events.some((e) => e.kind === 'message' && e.body === 'keep this'));
    const found = await ann.client.request<AckFrame<'people'>>({ type: 'people', query: `claimer ${s}` });
    assert.deepEqual(found.users.map((u) => [u.id, u.kind]), [[guest.user.id, 'account']]);
  });
});
