/**
 * Reference C, the ceiling: the least a Node.js process can do to fan a
 * message out over WebSockets. node:net, a hand-rolled upgrade, one pre-built
 * frame written to each recipient's socket with one `write` each. It speaks
 * Parley's frames (`send`, `join`, `create` → `ack`, `event`) so the load
 * generator drives it like Parley, minus the login: the user's name comes from
 * the `name` query parameter. No persistence, no validation beyond types, no
 * backpressure. Env: PORT (0), HOST (127.0.0.1). Prints one JSON line
 * `{"msg":"listening","port":…}` when ready; SIGTERM exits.
 */
import { createServer, type Socket } from 'node:net';
import { acceptKey, encodeFrame, FrameReader, OPCODE } from '../wire/ws-frames.js';

interface Connection {
  socket: Socket;
  user: { id: string; name: string };
  rooms: Set<string>;
}

const rooms = new Map<string, { members: Set<Connection>; seq: number }>([['lobby', { members: new Set(), seq: 0 }]]);
let nextUserId = 1;

function send(connection: Connection, value: unknown): void {
  if (connection.socket.writable) connection.socket.write(encodeFrame(OPCODE.text, Buffer.from(JSON.stringify(value)), false));
}

function joinRoom(connection: Connection, roomId: string): void {
  let room = rooms.get(roomId);
  if (!room) {
    room = { members: new Set(), seq: 0 };
    rooms.set(roomId, room);
  }
  room.members.add(connection);
  connection.rooms.add(roomId);
}

function onText(connection: Connection, text: string): void {
  let frame: Record<string, unknown>;
  try {
    frame = JSON.parse(text) as Record<string, unknown>;
  } catch {
    send(connection, { type: 'error', ref: null, code: 'invalid_json' });
    return;
  }
  const ref = typeof frame.ref === 'string' ? frame.ref : null;
  if (frame.type === 'send' && typeof frame.id === 'string' && typeof frame.room === 'string' && typeof frame.body === 'string') {
    const room = rooms.get(frame.room);
    if (!room || !connection.rooms.has(frame.room)) {
      send(connection, { type: 'error', ref: frame.id, code: 'not_member' });
      return;
    }
    const seq = ++room.seq;
    const ts = Date.now();
    send(connection, { type: 'ack', ref: frame.id, room: frame.room, seq, ts, duplicate: false });
    const event = { kind: 'message', room: frame.room, seq, ts, user: connection.user, id: frame.id, body: frame.body };
    const bytes = encodeFrame(OPCODE.text, Buffer.from(JSON.stringify({ type: 'event', event })), false);
    for (const member of room.members) if (member.socket.writable) member.socket.write(bytes);
  } else if (frame.type === 'join' && typeof frame.room === 'string') {
    joinRoom(connection, frame.room);
    send(connection, { type: 'ack', ref, room: { id: frame.room }, seq: 0 });
  } else if (frame.type === 'create' && typeof frame.name === 'string') {
    const id = `room-${frame.name}`;
    joinRoom(connection, id);
    send(connection, { type: 'ack', ref, room: { id, name: frame.name } });
  } else {
    send(connection, { type: 'error', ref, code: 'invalid_frame' });
  }
}

function onUpgraded(socket: Socket, name: string, rest: Buffer): void {
  const connection: Connection = { socket, user: { id: `u${nextUserId++}`, name }, rooms: new Set() };
  joinRoom(connection, 'lobby');
  const reader = new FrameReader((opcode, data, start, end) => {
    if (opcode === OPCODE.text) onText(connection, data.toString('utf8', start, end));
    else if (opcode === OPCODE.ping) socket.write(encodeFrame(OPCODE.pong, data.subarray(start, end), false));
    else if (opcode === OPCODE.close) socket.end(encodeFrame(OPCODE.close, data.subarray(start, end), false));
  }, 64 * 1024);
  socket.on('data', (chunk: Buffer) => {
    try {
      reader.push(chunk);
    } catch {
      socket.destroy();
    }
  });
  socket.on('close', () => {
    for (const roomId of connection.rooms) rooms.get(roomId)?.members.delete(connection);
  });
  send(connection, { type: 'welcome', user: connection.user });
  if (rest.length > 0) socket.emit('data', rest);
}

const server = createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  let head: Buffer = Buffer.alloc(0);
  const onHead = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end === -1) {
      if (head.length > 16 * 1024) socket.destroy();
      return;
    }
    socket.removeListener('data', onHead);
    const text = head.toString('latin1', 0, end);
    const key = /\r\nsec-websocket-key:\s*(\S+)/i.exec(text)?.[1];
    const target = /^GET (\S+) HTTP\/1\.1/.exec(text)?.[1];
    if (!key || !target) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return;
    }
    const name = new URL(target, 'http://localhost').searchParams.get('name') ?? 'guest';
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`);
    onUpgraded(socket, name, head.subarray(end + 4));
  };
  socket.on('data', onHead);
});

server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', 16 * 1024, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port, url: `http://127.0.0.1:${port}` })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
