/**
 * The admin API (/api/admin/*) against a real server: nothing of it answers a
 * non-admin, each action takes effect on the user's connections at once, and
 * every moderation action — over the WebSocket or REST — writes exactly one
 * entry of the append-only audit log.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { SignJWT } from 'jose';
import { CLOSE, type AckFrame, type AdminAuditResponse, type AdminRoomsResponse, type AdminStats, type AdminUser, type AdminUsersResponse, type AuditAction, type EventFrame } from '@parley/protocol';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { api, enterAsAccount, registerAccount, TEST_PASSWORD } from '../testing/accounts.js';
import { withServerDatabase } from '../testing/server-database.js';
import { blobsOnDisk, download, pdf, png, uploadRaw } from '../testing/files.js';
import { connectRaw, enterAsGuest, type GuestSession, type RawClient } from '../testing/ws-client.js';

const JWT_SECRET = 'a-test-secret-that-is-long-enough-for-hs256';

describe('the admin API', { timeout: 120_000 }, () => {
  let server: ServerProcess;
  const open: RawClient[] = [];
  let admin: GuestSession;
  let n = 0;
  const enter = (name: string) => enterAsGuest(server, `${name} ${++n}`, open);
  const as = (token: string | null) => (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    api(server.url, token, method, path, body, headers);

  before(async () => {
    server = await startServerProcess({ env: { RATE_LIMITS: 'off', ADMIN_USERS: 'boss', PRESENCE_INTERVAL_MS: '0', JWT_SECRET } });
    admin = await enterAsAccount(server, 'boss', open, 'The Boss');
  });
  after(async () => {
    for (const client of open) client.close();
    await server?.stop();
  });

  test('every route refuses the unauthenticated (401) and anyone who is not a server admin (403)', async () => {
    const someone = await enter('Someone');
    const account = await enterAsAccount(server, 'not-the-boss', open);
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/api/admin/users'],
      ['POST', `/api/admin/users/${someone.user.id}/disable`, { disabled: true }],
      ['POST', `/api/admin/users/${someone.user.id}/sign-out`],
      ['DELETE', `/api/admin/users/${someone.user.id}`],
      ['GET', '/api/admin/rooms'],
      ['POST', '/api/admin/rooms/lobby/archive', { archived: true }],
      ['DELETE', '/api/admin/rooms/lobby'],
      ['GET', '/api/admin/stats'],
      ['GET', '/api/admin/audit'],
    ];
    for (const [method, path, body] of routes) {
      const anonymous = await as(null)(method, path, body);
      assert.equal(anonymous.status, 401, `${method} ${path} without credentials`);
      assert.deepEqual((anonymous.body as { error: { code: string } }).error.code, 'unauthenticated');
      for (const token of [someone.token, account.token]) {
        const refused = await as(token)(method, path, body);
        assert.equal(refused.status, 403, `${method} ${path} as a non-admin`);
        assert.equal((refused.body as { error: { code: string } }).error.code, 'forbidden');
      }
    }
    // Nothing happened: the user is still enabled and connected, and the audit log is untouched.
    assert.equal(someone.client.ws.readyState, someone.client.ws.OPEN);
    const { body } = await as(admin.token)('GET', '/api/admin/audit');
    assert.equal((body as AdminAuditResponse).entries.length, 0);
  });

  test('lists users (searchable) and rooms, and live figures', async () => {
    const ann = await enter('Annika Search');
    const { room } = await ann.client.request<AckFrame<'create'>>({ type: 'create', name: `admin listed ${++n}`, kind: 'private' });
    const users = await as(admin.token)('GET', `/api/admin/users?q=${encodeURIComponent('annika')}`);
    assert.equal(users.status, 200);
    const found = (users.body as AdminUsersResponse).users;
    assert.deepEqual(found.map((u) => [u.id, u.name, u.kind, u.online, u.disabled, u.admin]), [[ann.user.id, ann.user.name, 'guest', true, false, false]]);
    const bosses = ((await as(admin.token)('GET', '/api/admin/users?q=boss')).body as AdminUsersResponse).users;
    assert.deepEqual(bosses.map((u) => [u.username, u.admin]), [['not-the-boss', false], ['boss', true]]);
    const rooms = (await as(admin.token)('GET', '/api/admin/rooms')).body as AdminRoomsResponse;
    const listed = rooms.rooms.find((r) => r.id === room.id);
    assert.deepEqual(listed && [listed.name, listed.kind, listed.members, listed.online], [room.name, 'private', 1, 1]);
    assert.ok(!rooms.rooms.some((r) => (r.kind as string) === 'dm'));
    assert.equal((await as(admin.token)('GET', '/api/admin/users?limit=0')).status, 400);
    await ann.client.request({ type: 'send', id: 'figures-00001', room: 'lobby', body: 'counted' });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const stats = (await as(admin.token)('GET', '/api/admin/stats')).body as AdminStats;
    assert.ok(stats.connections >= 2, JSON.stringify(stats));
    assert.ok(stats.storeBytes > 0 && stats.users >= 2 && stats.rooms >= 2);
    assert.ok(stats.deliveryLatencyMs !== null && stats.deliveryLatencyMs.count > 0 && stats.deliveryLatencyMs.p99 >= stats.deliveryLatencyMs.p50);
    assert.equal(typeof stats.messagesPerSecond, 'number');
  });

  test('disabling an account closes every connection with 4403, refuses its token and its password; enabling lets it back', async () => {
    const { token, user } = await registerAccount(server.url, `victim${++n}`);
    const connections = [await connectRaw(server.wsUrl, { token }), await connectRaw(server.wsUrl, { token })];
    open.push(...connections);
    const disabled = await as(admin.token)('POST', `/api/admin/users/${user.id}/disable`, { disabled: true, reason: 'abuse' });
    assert.equal(disabled.status, 200);
    assert.equal((disabled.body as { user: AdminUser }).user.disabled, true);
    for (const connection of connections) assert.equal((await connection.closed).code, CLOSE.forbidden);
    await assert.rejects(connectRaw(server.wsUrl, { token }), (error: { statusCode?: number }) => error.statusCode === 401);
    const login = await as(null)('POST', '/api/auth/login', { username: user.username, password: TEST_PASSWORD });
    assert.deepEqual([login.status, (login.body as { error: { code: string } }).error.code], [403, 'forbidden']);
    await as(admin.token)('POST', `/api/admin/users/${user.id}/disable`, { disabled: false });
    assert.equal((await as(null)('POST', '/api/auth/login', { username: user.username, password: TEST_PASSWORD })).status, 200);
    // Server admins are managed through ADMIN_USERS.
    assert.equal((await as(admin.token)('POST', `/api/admin/users/${admin.user.id}/disable`, { disabled: true })).status, 403);
  });

  test('signing a user out everywhere closes every connection with 4401 and revokes every session', async () => {
    const target = await enter('Signed Out');
    const second = await connectRaw(server.wsUrl, { token: target.token });
    open.push(second);
    const answer = await as(admin.token)('POST', `/api/admin/users/${target.user.id}/sign-out`);
    assert.equal(answer.status, 200);
    assert.equal((answer.body as { sessions: number }).sessions, 1);
    for (const connection of [target.client, second]) assert.equal((await connection.closed).code, CLOSE.sessionEnded);
    await assert.rejects(connectRaw(server.wsUrl, { token: target.token }), (error: { statusCode?: number }) => error.statusCode === 401);
  });

  test('signing a JWT user out everywhere closes their connections and revokes every token of theirs issued until then', async () => {
    const issuedAt = Math.floor(Date.now() / 1000) - 5;
    const token = await new SignJWT({ name: 'Single Sign-On' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('sso|signed-out')
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + 3600)
      .sign(new TextEncoder().encode(JWT_SECRET));
    const client = await connectRaw(server.wsUrl, { token });
    open.push(client);
    const me = await as(token)('GET', '/api/me');
    const { user } = me.body as { user: { id: string } };
    assert.equal((await as(admin.token)('POST', `/api/admin/users/${user.id}/sign-out`)).status, 200);
    assert.equal((await client.closed).code, CLOSE.sessionEnded);
    await assert.rejects(connectRaw(server.wsUrl, { token }), (error: { statusCode?: number }) => error.statusCode === 401);
    assert.equal((await as(token)('GET', '/api/me')).status, 401);
  });

  test('deleting a guest: gone, disconnected, a leave in their rooms; accounts cannot be deleted', async () => {
    const watcher = await enter('Watcher');
    const guest = await enter('Doomed Guest');
    assert.equal((await as(admin.token)('DELETE', `/api/admin/users/${guest.user.id}`)).status, 204);
    assert.equal((await guest.client.closed).code, CLOSE.sessionEnded);
    await watcher.client.waitFor((f) => f.type === 'event' && f.event.kind === 'leave' && f.event.user.id === guest.user.id);
    const account = await enterAsAccount(server, `keeper${++n}`, open);
    assert.equal((await as(admin.token)('DELETE', `/api/admin/users/${account.user.id}`)).status, 403);
    assert.equal((await as(admin.token)('DELETE', `/api/admin/users/${guest.user.id}`)).status, 404);
  });

  test('archiving a room stops its writes (its members see it at once); deleting one takes it from its members', async () => {
    const owner = await enter('Room Owner');
    const { room } = await owner.client.request<AckFrame<'create'>>({ type: 'create', name: `to archive ${++n}`, kind: 'public' });
    const archived = await as(admin.token)('POST', `/api/admin/rooms/${room.id}/archive`, { archived: true });
    assert.deepEqual((archived.body as { settings: unknown }).settings, { archived: true });
    const event = await owner.client.waitFor<EventFrame>((f) => f.type === 'event' && f.event.room === room.id && f.event.kind === 'settings');
    assert.deepEqual(event.event.kind === 'settings' && event.event.settings, { archived: true });
    await assert.rejects(owner.client.request({ type: 'send', id: 'archived-0001', room: room.id, body: 'x' }), (e: { code?: string }) => e.code === 'forbidden');
    assert.equal((await as(admin.token)('DELETE', `/api/admin/rooms/${room.id}`)).status, 204);
    await owner.client.waitFor((f) => f.type === 'room_left' && f.room === room.id);
    assert.equal((await as(admin.token)('DELETE', '/api/admin/rooms/lobby')).status, 403);
    // A page elsewhere cannot use an admin's credentials to change anything.
    const forged = await as(admin.token)('POST', '/api/admin/rooms/lobby/archive', { archived: true }, { origin: 'https://evil.example' });
    assert.equal(forged.status, 403);
  });

  test('deleting a room that holds files deletes them: their URLs answer 404 and their bytes leave the disk, but not bytes another room still uses', async () => {
    const owner = await enter('File Owner');
    const member = await enter('File Reader');
    const { room } = await owner.client.request<AckFrame<'create'>>({ type: 'create', name: `with files ${++n}`, kind: 'private' });
    await owner.client.request({ type: 'invite', room: room.id, username: member.user.username });
    const before = blobsOnDisk(server);
    const own = await png(320, 200, '#12ab34');
    const shared = await png(200, 320, '#ab1234');
    const sent = (await uploadRaw(server.url, owner.token, room.id, 'sent.png', own)).attachment!;
    const unsent = (await uploadRaw(server.url, owner.token, room.id, 'unsent.pdf', pdf('unsent in a deleted room'))).attachment!;
    const inRoom = (await uploadRaw(server.url, owner.token, room.id, 'shared.png', shared)).attachment!;
    const inLobby = (await uploadRaw(server.url, owner.token, 'lobby', 'shared.png', shared)).attachment!;
    await owner.client.request({ type: 'send', id: 'room-files-0001', room: room.id, body: 'files', attachments: [sent.id, inRoom.id] });
    await owner.client.request({ type: 'send', id: 'room-files-0002', room: 'lobby', body: 'the same', attachments: [inLobby.id] });
    assert.equal((await download(server.url, sent.url, member.token)).status, 200);
    assert.equal(blobsOnDisk(server), before + 5, 'two images with a thumbnail each, and a PDF');

    assert.equal((await as(admin.token)('DELETE', `/api/admin/rooms/${room.id}`)).status, 204);
    for (const path of [sent.url, sent.thumbnailUrl!, unsent.url, inRoom.url, inRoom.thumbnailUrl!]) {
      for (const token of [owner.token, member.token]) assert.equal((await download(server.url, path, token)).status, 404, path);
    }
    assert.equal(blobsOnDisk(server), before + 2, "only the lobby's copy of the shared image is kept");
    const kept = await download(server.url, inLobby.url, owner.token);
    assert.ok(kept.body.equals(shared));
    assert.equal((await download(server.url, inLobby.thumbnailUrl!, member.token)).status, 200);
  });

  test('every moderation action writes exactly one audit entry, and the log refuses changes', async () => {
    const owner = await enterAsAccount(server, `owner${++n}`, open);
    const member = await enter('Member');
    const other = await enter('Other');
    const { room } = await owner.client.request<AckFrame<'create'>>({ type: 'create', name: `audited ${++n}`, kind: 'public' });
    for (const person of [member, other]) await person.client.request({ type: 'join', room: room.id });
    const { seq } = await member.client.request<AckFrame<'send'>>({ type: 'send', id: 'audited-00001', room: room.id, body: 'report me' });
    const { report } = await other.client.request<AckFrame<'report'>>({ type: 'report', room: room.id, target: seq });

    const audit = async () => ((await as(admin.token)('GET', '/api/admin/audit?limit=200')).body as AdminAuditResponse).entries;
    const actions: Array<[AuditAction, () => Promise<unknown>]> = [
      ['role', () => owner.client.request({ type: 'role', room: room.id, user: member.user.id, role: 'moderator' })],
      ['timeout', () => owner.client.request({ type: 'timeout', room: room.id, user: other.user.id, durationMs: 60_000 })],
      ['settings', () => owner.client.request({ type: 'room_settings', room: room.id, slowModeSeconds: 5 })],
      ['resolve_report', () => member.client.request({ type: 'resolve_report', room: room.id, report: report.id })],
      ['delete_message', () => owner.client.request({ type: 'delete', room: room.id, target: seq })],
      ['kick', () => member.client.request({ type: 'kick', room: room.id, user: other.user.id })],
      ['ban', () => owner.client.request({ type: 'ban', room: room.id, user: other.user.id, reason: 'enough' })],
      ['unban', () => owner.client.request({ type: 'unban', room: room.id, user: other.user.id })],
      ['archive_room', () => as(admin.token)('POST', `/api/admin/rooms/${room.id}/archive`, { archived: true })],
      ['disable_user', () => as(admin.token)('POST', `/api/admin/users/${owner.user.id}/disable`, { disabled: true })],
      ['enable_user', () => as(admin.token)('POST', `/api/admin/users/${owner.user.id}/disable`, { disabled: false })],
      ['sign_out_user', () => as(admin.token)('POST', `/api/admin/users/${member.user.id}/sign-out`, { reason: 'lost phone' })],
      ['delete_room', () => as(admin.token)('DELETE', `/api/admin/rooms/${room.id}`)],
      ['delete_user', () => as(admin.token)('DELETE', `/api/admin/users/${other.user.id}`)],
    ];
    for (const [action, run] of actions) {
      const before = await audit();
      await run();
      const afterwards = await audit();
      assert.equal(afterwards.length, before.length + 1, `${action}: one entry`);
      assert.equal(afterwards[0]!.action, action);
    }
    const entries = await audit();
    assert.deepEqual(entries.find((e) => e.action === 'ban')?.reason, 'enough');
    assert.deepEqual(entries.find((e) => e.action === 'sign_out_user')?.reason, 'lost phone');
    // Moderators read their room's entries; the deleted room's stay readable by admins.
    const roomEntries = ((await as(admin.token)('GET', `/api/admin/audit?room=${encodeURIComponent(room.id)}`)).body as AdminAuditResponse).entries;
    assert.equal(roomEntries.length, 10);
    // Append-only, whatever the store: the database itself refuses changes.
    await withServerDatabase(server, async (db) => {
      await assert.rejects(sql`UPDATE audit SET reason = 'rewritten'`.execute(db), /append-only/);
      await assert.rejects(sql`DELETE FROM audit`.execute(db), /append-only/);
    });
  });
});
