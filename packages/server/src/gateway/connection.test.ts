import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import type WebSocket from 'ws';
import { DEFAULT_LIMITS, type WelcomeFrame } from '@parley/protocol';
import { Connection } from './connection.js';
import { WsWire } from './ws-wire.js';
import { FlushScheduler } from './flush-scheduler.js';
import { encodeTextFrame } from './text-frame.js';
import { SharedFrame } from '../hub/shared-frame.js';
import type { StoredUser } from '../store/store.js';

const user: StoredUser = { id: 'user-1', username: 'one', name: 'One', kind: 'guest', passwordHash: null, externalId: null, createdAt: 0 };

/** A connected TCP pair on 127.0.0.1: the server's end and everything the client's end has read. */
async function socketPair(): Promise<{ serverEnd: Socket; received: () => string; close: () => void }> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const client = connect(port, '127.0.0.1');
  const [serverEnd] = (await once(server, 'connection')) as [Socket];
  let text = '';
  client.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  return {
    serverEnd,
    received: () => text,
    close: () => {
      client.destroy();
      serverEnd.destroy();
      server.close();
    },
  };
}

test('a burst queued for one connection is written whole, and the queue does not keep the burst-sized array', async () => {
  const pair = await socketPair();
  try {
    const flushes = new FlushScheduler({ maxPauseMs: 0 });
    // The WebSocket is only used to close; this test never closes.
    const connection = new Connection(new WsWire(null as unknown as WebSocket, pair.serverEnd), { user, sessionHash: null, expiresAt: null, jwt: null }, { queueLimitBytes: 1 << 20, flushes });
    const frame = (n: number) => new SharedFrame(`<${n}>`);
    const wire = (n: number) => encodeTextFrame(`<${n}>`).toString('latin1');
    const welcome: WelcomeFrame = {
      type: 'welcome',
      user: { id: user.id, username: user.username, name: user.name, kind: user.kind },
      rooms: [],
      limits: { ...DEFAULT_LIMITS },
      heartbeat: { intervalMs: 1000, timeoutMs: 1000 },
      serverTime: 0,
    };

    // Delivered before the welcome: it goes first all the same.
    connection.deliver(frame(0));
    connection.welcome(welcome);
    for (let n = 1; n < 3; n++) connection.deliver(frame(n));
    connection.flush();
    assert.equal(connection.keptQueueSlots, 3, 'a small queue keeps its array for the next flush');

    let expected = encodeTextFrame(JSON.stringify(welcome)).toString('latin1') + wire(0) + wire(1) + wire(2);
    for (let n = 0; n < 1000; n++) {
      connection.deliver(frame(n));
      expected += wire(n);
    }
    connection.flush();
    assert.equal(connection.keptQueueSlots, 0, 'the 1,000-frame burst did not leave a 1,000-slot array behind');

    connection.deliver(frame(7));
    connection.deliver(frame(8));
    connection.flush();
    expected += wire(7) + wire(8);
    const deadline = Date.now() + 2000;
    while (pair.received().length < expected.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(pair.received(), expected, 'every frame arrived, in order');
  } finally {
    pair.close();
  }
});
