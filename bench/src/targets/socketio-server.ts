/**
 * Reference B: what users would pick instead of Parley. A Socket.IO 4 server
 * doing the same room broadcast: websocket transport only, per-message
 * deflate off, `io.to(room).emit('event', …)` to every member including the
 * sender, after acknowledging the sender (as Parley does). The user's name is
 * the handshake's auth payload `{name}`; everyone joins "lobby" on connect.
 * No persistence. Env: PORT (0), HOST (127.0.0.1). Prints one JSON line
 * `{"msg":"listening","port":…}` when ready; SIGTERM exits.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

interface SendPayload {
  id: string;
  room: string;
  body: string;
}

type Ack = (result: unknown) => void;

const httpServer = createServer();
const io = new Server(httpServer, {
  transports: ['websocket'],
  perMessageDeflate: false,
  httpCompression: false,
  serveClient: false,
  maxHttpBufferSize: 64 * 1024,
});
const seqs = new Map<string, number>();
let nextUserId = 1;

function isSend(value: unknown): value is SendPayload {
  const v = value as SendPayload | null;
  return typeof v === 'object' && v !== null && typeof v.id === 'string' && typeof v.room === 'string' && typeof v.body === 'string';
}

io.on('connection', (socket) => {
  const auth = socket.handshake.auth as { name?: unknown };
  const user = { id: `u${nextUserId++}`, name: typeof auth.name === 'string' ? auth.name : 'guest' };
  void socket.join('lobby');

  socket.on('send', (payload: unknown, ack: unknown) => {
    if (!isSend(payload) || typeof ack !== 'function' || !socket.rooms.has(payload.room)) return;
    const seq = (seqs.get(payload.room) ?? 0) + 1;
    seqs.set(payload.room, seq);
    const ts = Date.now();
    (ack as Ack)({ room: payload.room, seq, ts, duplicate: false });
    io.to(payload.room).emit('event', { kind: 'message', room: payload.room, seq, ts, user, id: payload.id, body: payload.body });
  });

  socket.on('join', (room: unknown, ack: unknown) => {
    if (typeof room !== 'string' || typeof ack !== 'function') return;
    void socket.join(room);
    (ack as Ack)({ room: { id: room }, seq: 0 });
  });

  socket.on('create', (name: unknown, ack: unknown) => {
    if (typeof name !== 'string' || typeof ack !== 'function') return;
    const id = `room-${name}`;
    void socket.join(id);
    (ack as Ack)({ room: { id, name } });
  });
});

httpServer.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', 16 * 1024, () => {
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port, url: `http://127.0.0.1:${port}` })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
