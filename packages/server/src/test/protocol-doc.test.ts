/**
 * docs/protocol.md against the server: a client written from the document
 * alone must meet what the server does. Each check reads the document and
 * either the protocol package or a real server's answers.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { API_ROUTES, CHAT_ROUTES, CLOSE, FALLBACK_FRAMES_PATH, FALLBACK_POST_MAX_FRAMES, FALLBACK_STREAM_PATH, DEFAULT_PERMISSIONS, ERRORS, HTTP_STATUS, PERMISSIONS, clientFrame, type EventKind, type ServerFrameType } from '@parley/protocol';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { guest } from '../testing/ws-client.js';

const DOC = readFileSync(fileURLToPath(new URL('../../../../docs/protocol.md', import.meta.url)), 'utf8');

/** The text of the section whose heading starts with `heading`, up to the next heading of its level or above. */
function section(heading: string): string {
  const start = DOC.indexOf(`\n${heading}`);
  assert.ok(start >= 0, `no section "${heading}"`);
  const level = /^#+/.exec(heading)![0].length;
  const rest = DOC.slice(start + 1);
  const end = rest.slice(1).search(new RegExp(`\\n#{1,${level}} `));
  return end < 0 ? rest : rest.slice(0, end + 1);
}

/** The rows of the first markdown table in `text`, as cells. */
function tableRows(text: string): string[][] {
  const lines = text.split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[] = [];
  for (let i = first + 2; first >= 0 && i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(lines[i]!);
  return rows.map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
}

/** Every event kind and server frame type, by name: the compiler asks for each, so that a new one must be listed here (and so in the document). */
const EVENT_KINDS: { [K in EventKind]: true } = {
  message: true, edit: true, delete: true, reaction: true, join: true, leave: true, rename: true, created: true,
  role: true, kick: true, ban: true, unban: true, timeout: true, settings: true, preview: true,
};
const SERVER_FRAMES: { [T in ServerFrameType]: true } = {
  welcome: true, ack: true, error: true, pong: true, event: true, typing: true, presence: true, room: true,
  room_left: true, user: true, read: true, report: true, blocks: true, thread: true,
};
/** The admin API's routes (http/admin-routes.ts), as §20 lists them. */
const ADMIN_ROUTES = [
  'GET /api/admin/users',
  'POST /api/admin/users/:id/disable',
  'POST /api/admin/users/:id/sign-out',
  'DELETE /api/admin/users/:id',
  'GET /api/admin/rooms',
  'POST /api/admin/rooms/:id/archive',
  'DELETE /api/admin/rooms/:id',
  'GET /api/admin/stats',
  'GET /api/admin/audit',
];

describe('docs/protocol.md and the server agree', () => {
  let server: ServerProcess;
  let token: string;
  before(async () => {
    server = await startServerProcess();
    token = (await guest(server.url, 'Reader of the docs')).token;
  });
  after(async () => {
    await server.stop();
  });

  test('every close code Parley defines says what it becomes on the HTTP fallback (§30.3), and §30 names the routes', () => {
    const mapped = new Set(tableRows(section('### 30.3 Close codes on the fallback')).map((row) => Number(row[0]!.replace(/\*/g, ''))));
    for (const [name, code] of Object.entries(CLOSE)) assert.ok(mapped.has(code), `CLOSE.${name} (${code}) is not in §30.3`);
    const fallback = section('## 30. The HTTP fallback transport');
    for (const path of [FALLBACK_STREAM_PATH, FALLBACK_FRAMES_PATH]) assert.ok(fallback.includes(path), `§30 names ${path}`);
    assert.ok(fallback.includes(`1 to ${FALLBACK_POST_MAX_FRAMES} client frames`), '§30.2 gives the most frames a POST carries');
  });

  test('every close code Parley defines is in §18’s table, and the protocol error code the server sends (1002) is one', async () => {
    const documented = new Set(tableRows(section('## 18. Close codes')).map((row) => Number(row[0]!.replace(/\*/g, ''))));
    for (const [name, code] of Object.entries(CLOSE)) assert.ok(documented.has(code), `CLOSE.${name} (${code}) is not in §18`);
    // A client frame without a mask breaks RFC 6455: the WebSocket layer closes with a protocol error.
    const code = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(server.wsUrl, { headers: { authorization: `Bearer ${token}` } });
      ws.once('open', () => {
        const socket = (ws as unknown as { _socket: import('node:net').Socket })._socket;
        socket.write(Buffer.from([0x81, 0x02, 0x7b, 0x7d])); // "{}" as an unmasked text frame
      });
      ws.once('close', (closeCode) => resolve(closeCode));
      ws.once('error', () => undefined);
      setTimeout(() => reject(new Error('not closed')), 5000);
    });
    assert.equal(code, 1002);
    assert.ok(documented.has(code), `${code} is sent but not in §18`);
    assert.equal(CLOSE.protocolError, 1002);
  });

  test('§7’s summary lists every client frame, and each has a section of its own', () => {
    const documented = new Set(tableRows(section('## 7. Client frames')).map((row) => row[0]!.replace(/`/g, '')));
    for (const option of clientFrame.options) {
      const type = option.shape.type.value;
      assert.ok(documented.has(type), `client frame ${type} is not in §7's summary`);
      section(`### ${type}\n`);
    }
  });

  test('§17 lists every error code with its HTTP status and whether it is retryable', () => {
    const rows = new Map(tableRows(section('## 17. Error codes')).map((row) => [row[0]!.replace(/`/g, ''), row]));
    for (const [code, { retryable }] of Object.entries(ERRORS)) {
      const row = rows.get(code);
      assert.ok(row, `error code ${code} is not in §17`);
      assert.equal(row[1]!.replace(/\*/g, ''), retryable ? 'yes' : 'no', `${code}: retryable`);
      assert.equal(Number(row[2]), HTTP_STATUS[code as keyof typeof HTTP_STATUS], `${code}: HTTP status`);
    }
  });

  test('§9.1 describes every event kind, §9.2 says how to apply each, §8 lists every server frame', () => {
    const kinds = section('### 9.1 Event kinds');
    const applying = new Set(tableRows(section('### 9.2 Applying events').slice(section('### 9.2 Applying events').indexOf('Apply by kind'))).map((row) => row[0]!.replace(/`/g, '')));
    for (const kind of Object.keys(EVENT_KINDS)) {
      assert.match(kinds, new RegExp(`\\*\\*${kind}\\*\\* —`), `event kind ${kind} is not described in §9.1`);
      assert.ok(applying.has(kind), `§9.2 does not say how to apply ${kind}`);
    }
    const frames = new Set(tableRows(section('## 8. Server frames')).map((row) => row[0]!.replace(/`/g, '')));
    for (const type of Object.keys(SERVER_FRAMES)) assert.ok(frames.has(type), `server frame ${type} is not in §8`);
  });

  test('§24 gives every permission with its default role', () => {
    const rows = new Map(tableRows(section('### 24.2 Permissions')).map((row) => [row[0]!.replace(/`/g, ''), row[2]!.replace(/`/g, '')]));
    assert.deepEqual([...rows.keys()].sort(), [...PERMISSIONS].sort());
    for (const permission of PERMISSIONS) assert.equal(rows.get(permission), DEFAULT_PERMISSIONS[permission], permission);
  });

  test('§20 lists the admin API’s routes, each of which exists and refuses a caller without credentials', async () => {
    const documented = tableRows(section('### Admin API')).map((row) => row[0]!.replace(/`/g, ''));
    assert.deepEqual(documented, ADMIN_ROUTES);
    for (const route of ADMIN_ROUTES) {
      const [method, path] = route.split(' ') as [string, string];
      const response = await fetch(`${server.url}${path.replace(':id', 'someone')}`, { method });
      assert.equal(response.status, 401, `${route} without credentials`);
    }
    assert.equal((await fetch(`${server.url}/api/admin/nothing-here`)).status, 404);
  });

  test('§20 lists every frame route with its frame and status, and the bots API, as the routes define them', () => {
    const frames = tableRows(section('### Frame routes')).map((row) => [row[0]!.replace(/`/g, ''), row[1]!.replace(/`/g, ''), Number(row[3])]);
    assert.deepEqual(frames, CHAT_ROUTES.map((r) => [`${r.method} ${r.path}`, r.frame, r.status]));
    const bots = tableRows(section('### Bots API')).map((row) => row[0]!.replace(/`/g, ''));
    assert.deepEqual(bots, API_ROUTES.filter((r) => r.tag === 'bots').map((r) => `${r.method} ${r.path}`));
    section('## 28. Bots');
  });

  test('every request with a rate limit in §7’s summary lists rate_limited among its errors', () => {
    const summary = tableRows(section('## 7. Client frames'));
    const limited = summary.filter((row) => row[3] !== '—').map((row) => row[0]!.replace(/`/g, ''));
    assert.ok(limited.includes('join') && limited.includes('rename'));
    for (const type of limited) {
      const own = section(`### ${type}`);
      // The paragraph or bullet that names its errors, up to the next blank line or bullet.
      const from = own.indexOf('Errors');
      const errors = from < 0 ? '' : own.slice(from).split(/\n\s*\n|\n- /)[0]!;
      assert.match(errors, /`rate_limited`/, `§7 ${type}: its errors omit rate_limited`);
    }
  });

  test('the handshake refusals say what §4.3 says, code and message', async () => {
    const documented = new Map(tableRows(section('### 4.3')).filter((row) => row[0] !== '`101`').map((row) => [Number(row[0]!.replace(/`/g, '')), row]));
    const refusal = (path: string, headers: Record<string, string>) =>
      new Promise<{ status: number; body: { error: { code: string; message: string; retryable: boolean } } }>((resolve, reject) => {
        const socket = connect(server.port, '127.0.0.1', () => {
          const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
          socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`);
        });
        let text = '';
        socket.on('data', (chunk) => {
          text += chunk.toString();
          const [head, body] = text.split('\r\n\r\n');
          if (body === undefined) return;
          const status = Number(head!.split(' ')[1]);
          const length = Number(/content-length: (\d+)/i.exec(head!)?.[1] ?? 0);
          if (status !== 101 && Buffer.byteLength(body) < length) return;
          socket.destroy();
          resolve({ status, body: status === 101 ? { error: { code: '', message: 'upgraded', retryable: false } } : JSON.parse(body) });
        });
        socket.on('error', reject);
      });
    const cases: Array<[number, string, Record<string, string>]> = [
      [400, '/ws', { authorization: `Bearer ${token}`, 'sec-websocket-protocol': 'chat' }],
      [401, '/ws', { authorization: 'Bearer not-a-session' }],
      [403, '/ws', { origin: 'https://elsewhere.example' }],
      [404, '/socket', {}],
    ];
    for (const [status, path, headers] of cases) {
      const answer = await refusal(path, headers);
      const row = documented.get(status);
      assert.ok(row, `HTTP ${status} is not in §4.3`);
      assert.equal(answer.status, status);
      assert.equal(`\`${answer.body.error.code}\``, row[1], `HTTP ${status}: code`);
      assert.equal(`"${answer.body.error.message}"`, row[2], `HTTP ${status}: message`);
      assert.equal(answer.body.error.retryable, false);
    }
  });

  test('§1: there is no subprotocol — the server selects none and refuses a handshake that asks for one', async () => {
    assert.match(section('## 1. Conventions'), /no subprotocol/);
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(server.wsUrl, ['parley.v1'], { headers: { authorization: `Bearer ${token}` } });
      ws.once('open', () => {
        resolve(101);
        ws.close();
      });
      ws.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      ws.once('error', reject);
    });
    assert.equal(status, 400);
  });
});
