/**
 * Credentials: refused ones end the client with a typed error instead of a
 * reconnect loop, and a session ended on the server (logout) closes every
 * client using it for good.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { ParleyError } from '@parley/protocol';
import type { ConnectionStatus, StatusInfo } from '../types.js';
import { ClientPool, sleep, startServer, waitFor, within } from '../test-support/helpers.js';

it('rejects refused credentials without retrying, and stops after a logout', { timeout: 30_000 }, async (t) => {
  const { server, pool } = await startServer(t);
  const owner = pool.create(server.url, { kind: 'register', username: 'grace', password: 'a long enough password' });
  await within('the account is registered', owner.connect());

  const wrongPassword = pool.create(server.url, { kind: 'password', username: 'grace', password: 'not the password' });
  await assert.rejects(within('a refusal', wrongPassword.connect()), (error) => error instanceof ParleyError && error.code === 'invalid_credentials');
  assert.equal(wrongPassword.status, 'closed');

  const badToken = pool.create(server.url, { kind: 'token', token: 'not-a-session-token' });
  await assert.rejects(within('a refusal', badToken.connect()), (error) => error instanceof ParleyError && error.code === 'invalid_credentials');
  assert.equal(badToken.status, 'closed');

  const sameSession = pool.create(server.url, { kind: 'token', token: owner.token! });
  await within('a second client on the same session connects', sameSession.connect());
  const statuses: Array<[ConnectionStatus, StatusInfo]> = [];
  sameSession.on('status', (status, info) => statuses.push([status, info]));
  await owner.logout();
  await waitFor('the other client is closed', () => sameSession.status === 'closed', 5000);
  await sleep(1500);
  assert.deepEqual(statuses.map(([status]) => status), ['closed'], 'no reconnect after the session ended');
  assert.equal(statuses[0]![1].closeCode, 4401);
  await assert.rejects(sameSession.send('lobby', 'too late'), (error) => error instanceof ParleyError);
});

it('signs in again with its password when its session ends while connected, and registers only once', { timeout: 30_000 }, async (t) => {
  const { server, pool } = await startServer(t);
  const ada = pool.create(server.url, { kind: 'register', username: 'ada', password: 'a long enough password' });
  await within('the account is registered', ada.connect());
  const firstToken = ada.token!;
  const statuses: Array<[ConnectionStatus, StatusInfo]> = [];
  ada.on('status', (status, info) => statuses.push([status, info]));

  // Another client on the same session ends it: the server closes Ada's socket too, with 4401.
  const sameSession = pool.create(server.url, { kind: 'token', token: firstToken });
  await within('a second client on the same session connects', sameSession.connect());
  await sameSession.logout();

  await waitFor('Ada is open again on a new session', () => ada.status === 'open' && ada.token !== firstToken, 10_000);
  assert.equal(statuses[0]?.[0], 'reconnecting');
  assert.equal(statuses[0]?.[1].closeCode, 4401);
  assert.equal(ada.user?.username, 'ada');
  await within('a send on the new session', ada.send('lobby', 'still here'));
});

it('gives up on a sign-in that gets no answer and tries again, instead of waiting forever', { timeout: 30_000 }, async (t) => {
  // A server (or proxy) that accepts connections and never answers.
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  let accepted = 0;
  silent.on('connection', () => accepted++);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    silent.close();
  });
  const { port } = silent.address() as AddressInfo;
  const pool = new ClientPool();
  t.after(() => pool.closeAll());
  const client = pool.create(`http://127.0.0.1:${port}`, { kind: 'password', username: 'ada', password: 'a long enough password' }, { connectTimeoutMs: 300 });
  const statuses: ConnectionStatus[] = [];
  client.on('status', (status) => statuses.push(status));
  void client.connect().catch(() => {});
  await waitFor('a second sign-in attempt after the first timed out', () => accepted >= 2 && statuses.includes('reconnecting'), 5000);
  assert.equal(client.status === 'connecting' || client.status === 'reconnecting', true, `still trying (${client.status})`);
});
