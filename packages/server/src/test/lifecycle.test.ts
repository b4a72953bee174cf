import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import WebSocket from 'ws';
import { CLOSE, type AckFrame, type MessageEvent } from '@parley/protocol';
import { startServerProcess } from '../testing/server-process.js';
import { connectRaw, guest } from '../testing/ws-client.js';

describe('durability, heartbeats and shutdown', () => {
  test('a message acked just before kill -9 is there after a restart on the same data directory', async () => {
    const first = await startServerProcess();
    const g = await guest(first.url, 'Durable');
    const client = await connectRaw(first.wsUrl, { token: g.token });
    const acks: number[] = [];
    for (let i = 0; i < 20; i++) {
      const ack = await client.request<AckFrame<'send'>>({ type: 'send', id: `durable-${String(i).padStart(4, '0')}`, room: 'lobby', body: `keep ${i}` });
      acks.push(ack.seq);
    }
    assert.equal(await first.stop('SIGKILL'), 'SIGKILL');
    client.close();

    const second = await startServerProcess({ dataDir: first.dataDir });
    try {
      const again = await connectRaw(second.wsUrl, { token: g.token });
      const page = await again.request<AckFrame<'history'>>({ type: 'history', room: 'lobby', limit: 200 });
      const bodies = page.events.filter((e): e is MessageEvent => e.kind === 'message').map((e) => [e.seq, e.body]);
      assert.deepEqual(bodies, acks.map((seq, i) => [seq, `keep ${i}`]));
      again.close();
    } finally {
      await second.stop();
    }
  });

  test('a client that stops answering pings is terminated after the timeout', async () => {
    const server = await startServerProcess({ env: { HEARTBEAT_INTERVAL_MS: '200', HEARTBEAT_TIMEOUT_MS: '300' } });
    try {
      const healthy = await connectRaw(server.wsUrl, { token: (await guest(server.url, 'Healthy')).token });
      const g = await guest(server.url, 'Silent');
      const silent = new WebSocket(server.wsUrl, { headers: { authorization: `Bearer ${g.token}` }, autoPong: false });
      let started = Date.now();
      silent.on('open', () => {
        started = Date.now();
      });
      const closed = await new Promise<number>((resolve) => silent.on('close', (code) => resolve(code)));
      const elapsed = Date.now() - started;
      assert.equal(closed, CLOSE.heartbeatTimeout);
      // The first ping comes 0–200 ms after connecting and termination 300 ms after it; the
      // client may see `open` a little after the server sent that ping, hence the slack below 300.
      assert.ok(elapsed >= 200 && elapsed < 3000, `terminated after ${elapsed} ms`);
      assert.equal(healthy.ws.readyState, WebSocket.OPEN, 'a client that answers pings stays');
      healthy.close();
    } finally {
      await server.stop();
    }
  });

  test('a server whose port is taken exits non-zero, saying so, instead of running without listening', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const failed = await startServerProcess({ port }).then(
        () => assert.fail('started on a taken port'),
        (error: unknown) => error as Error & { exitCode?: number | string | null; logs?: Array<Record<string, unknown>> },
      );
      assert.equal(failed.exitCode, 1, failed.message);
      const fatal = failed.logs?.find((entry) => entry.level === 60);
      assert.ok(fatal, `no fatal log line in ${JSON.stringify(failed.logs)}`);
      assert.match(String(fatal.msg), new RegExp(`127\\.0\\.0\\.1:${port} is already in use`));
    } finally {
      holder.close();
    }
  });

  test('a server whose start fails for any other reason exits non-zero, saying why (it kept running, not listening)', async () => {
    // A data directory that is a file: creating it fails inside the start, not as a StartError.
    const failed = await startServerProcess({ dataDir: '/etc/hostname', env: { DATABASE_URL: '' } }).then(
      () => assert.fail('started with a file as its data directory'),
      (error: unknown) => error as Error & { exitCode?: number | string | null; logs?: Array<Record<string, unknown>> },
    );
    assert.equal(failed.exitCode, 1, failed.message);
    const fatal = failed.logs?.find((entry) => entry.level === 60);
    assert.ok(fatal, `no fatal log line in ${JSON.stringify(failed.logs)}`);
    assert.match(String(fatal.msg), /could not start: EEXIST/);
  });

  test('SIGTERM closes clients with 4000 (reconnect and resume) and exits promptly', async () => {
    const server = await startServerProcess();
    const client = await connectRaw(server.wsUrl, { token: (await guest(server.url, 'Bye')).token });
    const sent = client.request<AckFrame<'send'>>({ type: 'send', id: 'last-words-1', room: 'lobby', body: 'last words' });
    const started = Date.now();
    const exit = server.stop('SIGTERM');
    const closed = await client.closed;
    assert.equal(closed.code, CLOSE.serverRestart);
    assert.equal(await exit, 0);
    assert.ok(Date.now() - started < 10_000);
    // The send that raced the shutdown was either stored and acked, or refused as retryable.
    const outcome = await sent.then((ack) => ({ stored: ack.seq > 0 }), (error: { retryable?: boolean; message: string }) => ({ retryable: error.retryable, message: error.message }));
    assert.ok('stored' in outcome || outcome.retryable === true || /timed out/.test(outcome.message), JSON.stringify(outcome));
  });
});
