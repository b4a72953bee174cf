/**
 * The thread panel's pager against a real server and real SDK clients: a page read before an
 * edit, a reaction and a deletion of its replies, whose answer arrives after those events (an
 * expensive request may be answered after later frames, protocol.md §6.3), still ends with the
 * replies in their current state; a reply sent meanwhile shows once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { ParleyClient, type RepliesPage, type RoomEvent } from '@parley/client';
import { startServerProcess } from '@parley/server/testing';
import { ThreadPager, type ThreadMessages } from '../src/threads/thread-pager.js';

function guest(url: string, name: string): ParleyClient {
  return new ParleyClient({ url, credentials: { kind: 'guest', name }, WebSocket: WebSocket as unknown as typeof globalThis.WebSocket });
}

/** Resolves once `check` holds for an event the client receives. */
function seen(client: ParleyClient, check: (event: RoomEvent) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const off = client.on('event', (event) => check(event) && (off(), resolve()));
  });
}

function settled(pager: ThreadPager, check: (thread: ThreadMessages) => boolean): Promise<ThreadMessages> {
  return new Promise((resolve) => {
    const look = () => check(pager.snapshot()) && (off(), resolve(pager.snapshot()));
    const off = pager.subscribe(look);
    look();
  });
}

test('a page answered after changes to its replies ends with them in their current state', { timeout: 30_000 }, async (t) => {
  const server = await startServerProcess();
  const ann = guest(server.url, 'Ann');
  const bob = guest(server.url, 'Bob');
  t.after(async () => {
    ann.close();
    bob.close();
    await server.stop();
  });
  await Promise.all([ann.connect(), bob.connect()]);
  const root = (await ann.send('lobby', 'the root')).seq;
  const replies: number[] = [];
  for (const body of ['one', 'two', 'three']) replies.push((await ann.send('lobby', body, { thread: root })).seq);

  // Bob's page is read now, and its answer held until the changes after it have reached him.
  let read!: () => void;
  const wasRead = new Promise<void>((resolve) => (read = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const late = {
    on: bob.on.bind(bob),
    replies: async (...args: Parameters<ParleyClient['replies']>): Promise<RepliesPage> => {
      const page = await bob.replies(...args);
      read();
      await released;
      return page;
    },
  } as unknown as ParleyClient;
  const pager = new ThreadPager(late, 'lobby', root);
  const close = pager.open();
  t.after(close);
  await wasRead;

  const changes = seen(bob, (event) => event.kind === 'delete' && event.target === replies[2]);
  const reply = seen(bob, (event) => event.kind === 'message' && event.body === 'four');
  await ann.edit('lobby', replies[0]!, 'one, edited');
  await ann.react('lobby', replies[1]!, '👍');
  await ann.delete('lobby', replies[2]!);
  const live = (await ann.send('lobby', 'four', { thread: root })).seq;
  await Promise.all([changes, reply]);
  release();

  const thread = await settled(pager, (snapshot) => snapshot.loaded && snapshot.replies.length === 4);
  assert.deepEqual(
    thread.replies.map((reply) => [reply.seq, reply.body, reply.deleted, Object.keys(reply.reactions)]),
    [
      [replies[0], 'one, edited', false, []],
      [replies[1], 'two', false, ['👍']],
      [replies[2], '', true, []],
      [live, 'four', false, []],
    ],
  );
  assert.deepEqual(thread.later, []);
  assert.equal(thread.notLoaded, 0);
  assert.equal(thread.root?.replies?.count, 4);
});
