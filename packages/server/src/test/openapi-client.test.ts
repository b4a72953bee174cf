/**
 * A client generated from docs/openapi.json by openapi-typescript (the build
 * writes ./generated/parley-api.ts) against a real server. At compile time,
 * the generated types are checked against the protocol's own types, and every
 * call below is typed by them (its path, parameters, body and answer). At run
 * time, every answer is parsed by the route's zod schema, with nothing left
 * over (no field the document does not name), and every route of the API is
 * called at least once.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  API_ROUTES,
  errorResponseSchema,
  type AdminStats,
  type Attachment,
  type Bot,
  type HistoryPage,
  type Member,
  type Person,
  type RoomEvent,
  type RoomSummary,
  type SessionResponse,
  type ThreadListItem,
  type UserSummary,
  type z,
} from './openapi-client-support.js';
import type { components, paths } from './generated/parley-api.js';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { png } from '../testing/files.js';

// Compile-time: the generated schemas and the protocol's types describe the same values.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <T extends true>(): T => true as T;
type Schemas = components['schemas'];
same<Same<Schemas['RoomSummary'], RoomSummary>>();
same<Same<Schemas['UserSummary'], UserSummary>>();
same<Same<Schemas['Member'], Member>>();
same<Same<Schemas['Attachment'], Attachment>>();
same<Same<Schemas['RoomEvent'], RoomEvent>>();

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Op<P extends keyof paths, M extends keyof paths[P]> = paths[P][M];
/** A JSON answer's type; bytes and text (files, metrics, the reference page) are read as text. */
type Json<C> = C extends { content: { 'application/json': infer J } } ? J : C extends { content: object } ? string : undefined;
type Answer<O> = O extends { responses: infer R } ? (200 extends keyof R ? Json<R[200]> : 201 extends keyof R ? Json<R[201]> : undefined) : never;
type BodyOf<O> = O extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type Params<O, K extends 'path' | 'query'> = O extends { parameters: { [P in K]?: infer X } } ? X : never;

interface CallInit<O> {
  token?: string | null;
  path?: Params<O, 'path'>;
  query?: Params<O, 'query'>;
  body?: BodyOf<O>;
  raw?: Buffer;
}

let server: ServerProcess;
const called = new Set<string>();

/** Calls a route as the generated types describe it; checks the status and parses the answer with the route's schema. */
async function call<P extends keyof paths & string, M extends keyof paths[P] & Method>(path: P, method: M, init: CallInit<Op<P, M>> = {}): Promise<Answer<Op<P, M>>> {
  const route = API_ROUTES.find((r) => r.path === path && r.method.toLowerCase() === method)!;
  called.add(route.operationId);
  let url = path as string;
  for (const [name, value] of Object.entries((init.path ?? {}) as Record<string, unknown>)) url = url.replace(`{${name}}`, encodeURIComponent(String(value)));
  const query = new URLSearchParams(Object.entries((init.query ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  const headers: Record<string, string> = init.token ? { authorization: `Bearer ${init.token}` } : {};
  let body: Buffer | string | undefined;
  if (init.raw) {
    headers['content-type'] = 'application/octet-stream';
    body = init.raw;
  } else if (init.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.body);
  }
  const response = await fetch(`${server.url}${url}${query.size > 0 ? `?${query}` : ''}`, { method: method.toUpperCase(), headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  assert.equal(response.status, route.status, `${method.toUpperCase()} ${url}: ${text}`);
  if (route.response === null) return undefined as Answer<Op<P, M>>;
  if (typeof route.response === 'string') return text as unknown as Answer<Op<P, M>>;
  const json: unknown = JSON.parse(text);
  // Parsed and unchanged: the schema accepts it, and zod stripped no field the document leaves out.
  assert.deepEqual((route.response as z.ZodType).parse(json), json, `${route.operationId}: the answer has fields its schema does not name`);
  return json as Answer<Op<P, M>>;
}

before(async () => {
  server = await startServerProcess({ env: { ADMIN_USERS: 'api-admin' } });
});
after(async () => {
  await server.stop();
});

test('a client generated from the OpenAPI document type-checks against, and parses, every route of the real server', async () => {
  const health = await call('/api/health', 'get');
  assert.equal(health.status, 'ok');
  const registered: SessionResponse = await call('/api/auth/register', 'post', { body: { username: 'api-admin', password: 'correct horse battery', name: 'Admin' } });
  const admin = registered.token;
  const loggedIn: SessionResponse = await call('/api/auth/login', 'post', { body: { username: 'api-admin', password: 'correct horse battery' } });
  const other: SessionResponse = await call('/api/auth/guest', 'post', { body: { name: 'Other' } });
  const extra: SessionResponse = await call('/api/auth/guest', 'post', { body: { name: 'Extra' } });
  const claimer: SessionResponse = await call('/api/auth/guest', 'post', { body: { name: 'Claimer' } });
  const claimed: SessionResponse = await call('/api/auth/claim', 'post', { token: claimer.token, body: { username: 'kept-guest', password: 'correct horse battery' } });
  assert.deepEqual([claimed.user.id, claimed.user.kind, claimed.user.username], [claimer.user.id, 'account', 'kept-guest']);
  const check = await call('/api/session', 'get', { token: admin });
  assert.equal(check.user?.username, 'api-admin');
  const me: UserSummary = (await call('/api/me', 'get', { token: admin })).user;
  const renamed = await call('/api/me', 'patch', { token: admin, body: { name: 'The Admin' } });
  assert.equal(renamed.user.name, 'The Admin');

  const created = await call('/api/rooms', 'post', { token: admin, body: { name: 'Typed', kind: 'public' } });
  const room = created.room.id;
  const list: RoomSummary[] = (await call('/api/rooms', 'get', { token: admin })).rooms;
  assert.ok(list.some((r) => r.id === room));
  const directory = await call('/api/directory', 'get', { token: other.token, query: { query: 'typ', limit: 10 } });
  assert.deepEqual(directory.rooms.map((r) => r.id), [room]);
  await call('/api/rooms/{room}/join', 'post', { token: other.token, path: { room } });
  await call('/api/rooms/{room}/invite', 'post', { token: admin, path: { room }, body: { username: extra.user.username } });
  const dm = await call('/api/dms', 'post', { token: admin, body: { username: other.user.username } });
  assert.equal(dm.room.kind, 'dm');
  const members: Member[] = (await call('/api/rooms/{room}/members', 'get', { token: admin, path: { room } })).members;
  assert.equal(members.length, 3);

  const attachment: Attachment = await call('/api/files', 'post', { token: admin, query: { room, name: 'pic.png' }, raw: await png() });
  const sent = await call('/api/rooms/{room}/messages', 'post', { token: admin, path: { room }, body: { id: 'typed-0000001', body: 'hello', attachments: [attachment.id] } });
  const page: HistoryPage = await call('/api/rooms/{room}/messages', 'get', { token: other.token, path: { room }, query: { after: 0, limit: 100 } });
  const message = page.events.find((e) => e.seq === sent.seq);
  assert.equal(message?.kind === 'message' && message.attachments?.[0]?.id, attachment.id);
  const [, fileId, fileName] = /^\/api\/files\/([^/]+)\/(.+)$/.exec(attachment.url)!;
  assert.ok((await call('/api/files/{id}/{name}', 'get', { token: other.token, path: { id: fileId!, name: decodeURIComponent(fileName!) } })).length > 0);
  assert.ok((await call('/api/thumbnails/{id}', 'get', { token: other.token, path: { id: attachment.id } })).length > 0);
  await call('/api/rooms/{room}/messages/{target}', 'patch', { token: admin, path: { room, target: sent.seq }, body: { body: 'hello, edited' } });
  await call('/api/rooms/{room}/messages/{target}/reactions/{emoji}', 'put', { token: other.token, path: { room, target: sent.seq, emoji: '🎉' } });
  await call('/api/rooms/{room}/messages/{target}/reactions/{emoji}', 'delete', { token: other.token, path: { room, target: sent.seq, emoji: '🎉' } });
  await call('/api/rooms/{room}/read', 'post', { token: other.token, path: { room }, body: { seq: sent.seq } });
  const reported = await call('/api/rooms/{room}/messages/{target}/report', 'post', { token: other.token, path: { room, target: sent.seq }, body: { reason: 'testing' } });
  const reports = await call('/api/rooms/{room}/reports', 'get', { token: admin, path: { room } });
  assert.deepEqual(reports.reports.map((r) => r.id), [reported.report.id]);
  await call('/api/rooms/{room}/reports/{report}/resolve', 'post', { token: admin, path: { room, report: reported.report.id } });

  await call('/api/rooms/{room}/members/{user}/role', 'put', { token: admin, path: { room, user: other.user.id }, body: { role: 'moderator' } });
  const timedOut = await call('/api/rooms/{room}/members/{user}/timeout', 'put', { token: admin, path: { room, user: extra.user.id }, body: { durationMs: 60_000 } });
  assert.ok(timedOut.until > Date.now());
  await call('/api/rooms/{room}/members/{user}/kick', 'post', { token: admin, path: { room, user: extra.user.id }, body: { reason: 'testing' } });
  const banned = await call('/api/rooms/{room}/bans/{user}', 'put', { token: admin, path: { room, user: extra.user.id } });
  assert.equal(banned.deleted, 0);
  const bans = await call('/api/rooms/{room}/bans', 'get', { token: admin, path: { room } });
  assert.deepEqual(bans.bans.map((b) => b.user.id), [extra.user.id]);
  await call('/api/rooms/{room}/bans/{user}', 'delete', { token: admin, path: { room, user: extra.user.id } });
  const settings = await call('/api/rooms/{room}/settings', 'patch', { token: admin, path: { room }, body: { slowModeSeconds: 5 } });
  assert.equal(settings.settings.slowModeSeconds, 5);
  const audit = await call('/api/rooms/{room}/audit', 'get', { token: admin, path: { room }, query: { limit: 50 } });
  assert.ok(audit.entries.length >= 6);
  const blocked = await call('/api/blocks/{user}', 'put', { token: other.token, path: { user: extra.user.id } });
  assert.deepEqual(blocked.users.map((u) => u.id), [extra.user.id]);
  await call('/api/blocks/{user}', 'delete', { token: other.token, path: { user: extra.user.id } });
  // Threads, search and people (§25–§27).
  const reply = await call('/api/rooms/{room}/messages', 'post', { token: other.token, path: { room }, body: { id: 'typed-reply-01', body: 'a reply to hello', thread: sent.seq } });
  const thread = await call('/api/rooms/{room}/threads/{root}', 'get', { token: admin, path: { room, root: sent.seq }, query: { after: 0, limit: 50 } });
  assert.deepEqual(thread.replies.map((r) => r.seq), [reply.seq]);
  assert.equal(thread.root.replies?.count, 1);
  const followed = await call('/api/rooms/{room}/threads/{root}/follow', 'put', { token: admin, path: { room, root: sent.seq } });
  assert.equal(followed.thread.following, true);
  assert.equal((await call('/api/rooms/{room}/threads/{root}/read', 'post', { token: admin, path: { room, root: sent.seq }, body: { seq: reply.seq } })).thread.unread, 0);
  const threads: ThreadListItem[] = (await call('/api/threads', 'get', { token: other.token, query: { limit: 10 } })).threads;
  assert.deepEqual(threads.map((t) => t.root), [sent.seq]);
  assert.equal((await call('/api/rooms/{room}/threads/{root}/follow', 'delete', { token: admin, path: { room, root: sent.seq } })).thread.following, false);
  const found = await call('/api/search', 'get', { token: other.token, query: { query: 'edited', room, limit: 10 } });
  assert.deepEqual(found.results.map((r) => r.event.seq), [sent.seq]);
  const people: Person[] = (await call('/api/people', 'get', { token: other.token, query: { query: 'admin', limit: 5 } })).users;
  assert.ok(people.some((p) => p.id === me.id));
  assert.equal((await call('/api/people/{user}', 'get', { token: other.token, path: { user: me.id } })).user.username, 'api-admin');
  // Webhooks (§29): one made over REST posts a message through its secret URL.
  const hook = await call('/api/rooms/{room}/webhooks', 'post', { token: admin, path: { room }, body: { kind: 'incoming', name: 'Typed hook' } });
  const posted = await call('/api/hooks/{id}/{secret}', 'post', { path: { id: hook.webhook.id, secret: hook.secret }, body: { text: 'from a webhook' } });
  assert.equal(posted.duplicate, false);
  assert.deepEqual((await call('/api/rooms/{room}/webhooks', 'get', { token: admin, path: { room } })).webhooks.map((w) => w.id), [hook.webhook.id]);
  assert.deepEqual((await call('/api/rooms/{room}/webhook-deliveries', 'get', { token: admin, path: { room }, query: { limit: 10 } })).deliveries, []);
  await call('/api/rooms/{room}/webhooks/{webhook}', 'delete', { token: admin, path: { room, webhook: hook.webhook.id } });
  await call('/api/rooms/{room}/messages/{target}', 'delete', { token: admin, path: { room, target: sent.seq } });

  const made = await call('/api/bots', 'post', { token: admin, body: { username: 'typed-bot' } });
  const bots: Bot[] = (await call('/api/bots', 'get', { token: admin })).bots;
  assert.deepEqual(bots.map((b) => b.user.id), [made.bot.user.id]);
  const renewed = await call('/api/bots/{id}/token', 'post', { token: admin, path: { id: made.bot.user.id } });
  assert.notEqual(renewed.token, made.token);
  assert.equal((await call('/api/bots/{id}/token', 'delete', { token: admin, path: { id: made.bot.user.id } })).bot.active, false);

  const users = await call('/api/admin/users', 'get', { token: admin, query: { q: 'api' } });
  assert.deepEqual(users.users.map((u) => u.username), ['api-admin']);
  const rooms = await call('/api/admin/rooms', 'get', { token: admin, query: { q: 'typed' } });
  assert.deepEqual(rooms.rooms.map((r) => r.id), [room]);
  const stats: AdminStats = await call('/api/admin/stats', 'get', { token: admin });
  assert.ok(stats.users >= 4);
  assert.ok((await call('/api/admin/audit', 'get', { token: admin, query: { room } })).entries.length > 0);
  assert.equal((await call('/api/admin/users/{id}/disable', 'post', { token: admin, path: { id: extra.user.id }, body: { disabled: false } })).user.disabled, false);
  await call('/api/admin/users/{id}/sign-out', 'post', { token: admin, path: { id: extra.user.id } });
  await call('/api/admin/users/{id}', 'delete', { token: admin, path: { id: extra.user.id } });
  await call('/api/admin/rooms/{id}/archive', 'post', { token: admin, path: { id: room }, body: { archived: true } });
  await call('/api/rooms/{room}/leave', 'post', { token: other.token, path: { room } });
  // (A room that holds files cannot be deleted yet: its file rows keep it. Noted, not this test's.)
  const doomed = (await call('/api/rooms', 'post', { token: admin, body: { name: 'Doomed', kind: 'private' } })).room.id;
  await call('/api/admin/rooms/{id}', 'delete', { token: admin, path: { id: doomed } });

  assert.match(await call('/api/metrics', 'get'), /parley_/);
  assert.equal((await call('/api/openapi.json', 'get')).openapi, '3.1.0');
  assert.match(await call('/api/docs', 'get'), /<h1>Parley REST API<\/h1>/);
  await call('/api/auth/logout', 'post', { token: loggedIn.token });
  assert.equal(me.id, registered.user.id);

  // An error answer has the documented shape.
  const refused = await fetch(`${server.url}/api/rooms`, { headers: { authorization: `Bearer ${loggedIn.token}` } });
  assert.equal(refused.status, 401);
  errorResponseSchema.strict().parse(await refused.json());

  assert.deepEqual(API_ROUTES.map((r) => r.operationId).filter((id) => !called.has(id)), [], 'routes this test never called');
});
