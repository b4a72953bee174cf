/**
 * The per-room state a UI renders, kept by the SDK from a real server's
 * events: edits, reactions and deletions applied to their message, typing,
 * unread counts and read markers, members and who is online, DMs and rooms.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { ParleyError } from '@parley/protocol';
import type { ParleyClient } from '../client.js';
import type { MessageItem } from '../types.js';
import { messagesOf, startProxiedServer, startServer, waitFor, within } from '../test-support/helpers.js';

function message(client: ParleyClient, room: string, seq: number): MessageItem | undefined {
  return messagesOf(client, room).find((m) => m.seq === seq);
}

it('keeps room state in step with the server', { timeout: 30_000 }, async (t) => {
  const { server, pool } = await startServer(t);
  const ada = pool.create(server.url, { kind: 'register', username: 'ada', password: 'correct horse battery', name: 'Ada' });
  const bob = pool.create(server.url, { kind: 'guest', name: 'Bob' });
  await within('clients connect', Promise.all([ada.connect(), bob.connect()]));

  const room = await ada.createRoom('design');
  await bob.join(room.id);
  await waitFor('ada sees bob join and come online', () => {
    const state = ada.room(room.id)!;
    return state.memberCount === 2 && state.members.some((m) => m.user.name === 'Bob' && m.online);
  });

  bob.typing(room.id);
  await waitFor('ada sees bob typing', () => ada.room(room.id)!.typing.some((u) => u.name === 'Bob'), 3000);
  const { seq } = await bob.send(room.id, 'first draft');
  await waitFor('the message clears the typing indicator', () => ada.room(room.id)!.typing.length === 0, 3000);
  await waitFor('ada counts it unread', () => ada.room(room.id)!.unread === 1);

  await bob.edit(room.id, seq, 'final text');
  await ada.react(room.id, seq, '+1');
  await waitFor('the edit and the reaction apply to the message', () => {
    const m = message(ada, room.id, seq);
    return m?.body === 'final text' && m.editedTs !== undefined && m.reactions['+1']?.length === 1;
  });
  await waitFor('bob sees the same', () => message(bob, room.id, seq)?.reactions['+1']?.length === 1);

  await ada.markRead(room.id);
  assert.equal(ada.room(room.id)!.unread, 0);
  await bob.delete(room.id, seq);
  await waitFor('the deletion applies', () => message(ada, room.id, seq)?.deleted === true);
  assert.equal(message(ada, room.id, seq)!.body, '');

  await assert.rejects(bob.edit(room.id, seq, 'again'), (error) => error instanceof ParleyError && error.code === 'not_found');
  await assert.rejects(ada.openDm('nobody-here'), (error) => error instanceof ParleyError && error.code === 'user_not_found' && !error.retryable);

  const dm = await bob.openDm('ada');
  await bob.send(dm.id, 'psst');
  await waitFor('ada gets the DM room and its message', () => messagesOf(ada, dm.id).some((m) => m.body === 'psst'));
  assert.equal(ada.room(dm.id)!.kind, 'dm');

  await bob.leave(room.id);
  assert.equal(bob.room(room.id)?.joined ?? false, false);
  await waitFor('ada sees bob leave', () => ada.room(room.id)!.memberCount === 1);

  const renamed = await bob.rename('Robert');
  assert.equal(renamed.name, 'Robert');
  await waitFor('the rename reaches the lobby', () => ada.room('lobby')!.timeline.some((i) => i.kind === 'rename' && i.to === 'Robert'));
});

it('tells typing listeners that nobody is typing once the connection that brought the indicator is gone', { timeout: 30_000 }, async (t) => {
  const { server, proxy, pool } = await startProxiedServer(t);
  const ada = pool.create(proxy.url, { kind: 'guest', name: 'Ada' });
  const bob = pool.create(server.url, { kind: 'guest', name: 'Bob' });
  await within('clients connect', Promise.all([ada.connect(), bob.connect()]));
  const heard: string[][] = [];
  ada.on('typing', (room, users) => {
    if (room === 'lobby') heard.push(users.map((u) => u.name));
  });
  bob.typing('lobby');
  await waitFor('ada hears bob typing', () => heard.at(-1)?.includes('Bob') === true, 3000);
  proxy.cut();
  await waitFor('ada hears that nobody is typing', () => heard.at(-1)?.length === 0, 3000);
  assert.deepEqual(ada.room('lobby')!.typing, []);
});

it('counts unread correctly after marking read only part of what the server counted', { timeout: 30_000 }, async (t) => {
  const { server, pool } = await startServer(t);
  const bob = pool.create(server.url, { kind: 'guest', name: 'Bob' });
  await within('bob connects', bob.connect());
  const room = await bob.createRoom('backlog');
  const ada = pool.create(server.url, { kind: 'register', username: 'ada', password: 'correct horse battery', name: 'Ada' });
  await within('ada connects', ada.connect());
  await ada.join(room.id);
  const seqs: number[] = [];
  for (let i = 1; i <= 5; i++) seqs.push((await bob.send(room.id, `message ${i}`)).seq);
  // A second client of Ada's, opened now, gets the five as the server's count in its welcome.
  const later = pool.create(server.url, { kind: 'password', username: 'ada', password: 'correct horse battery' });
  await within('the second client connects', later.connect());
  assert.equal(later.room(room.id)!.unread, 5);
  await later.markRead(room.id, seqs[1]!);
  assert.equal(later.room(room.id)!.unread, 3, 'two of the five read');
  await later.markRead(room.id);
  assert.equal(later.room(room.id)!.unread, 0);
});

it("moves the read marker on the user's other connections when one of them reads", { timeout: 30_000 }, async (t) => {
  const { server, pool } = await startServer(t);
  const bob = pool.create(server.url, { kind: 'guest', name: 'Bob' });
  const ada = pool.create(server.url, { kind: 'register', username: 'ada', password: 'correct horse battery', name: 'Ada' });
  await within('clients connect', Promise.all([bob.connect(), ada.connect()]));
  const room = await bob.createRoom('sync');
  await ada.join(room.id);
  const seqs: number[] = [];
  for (let i = 1; i <= 3; i++) seqs.push((await bob.send(room.id, `before ${i}`)).seq);
  // Ada's phone connects now: the server counts these three in its welcome; the fourth it sees live.
  const phone = pool.create(server.url, { kind: 'password', username: 'ada', password: 'correct horse battery' });
  await within('the phone connects', phone.connect());
  seqs.push((await bob.send(room.id, 'after')).seq);
  await waitFor('both of ada\'s clients count four unread', () => ada.room(room.id)!.unread === 4 && phone.room(room.id)!.unread === 4);

  await ada.markRead(room.id, seqs[1]!);
  await waitFor('the phone moves its marker to where ada read', () => phone.room(room.id)!.readSeq === seqs[1]);
  await waitFor('and counts the two she has not read', () => phone.room(room.id)!.unread === 2);

  await ada.markRead(room.id);
  await waitFor('the phone has nothing unread', () => phone.room(room.id)!.unread === 0 && phone.room(room.id)!.readSeq === seqs[3]);
});

it("names a DM after the other person's new name as soon as they rename", { timeout: 30_000 }, async (t) => {
  const { server, pool } = await startServer(t);
  const ada = pool.create(server.url, { kind: 'register', username: 'ada', password: 'correct horse battery', name: 'Ada' });
  const bob = pool.create(server.url, { kind: 'register', username: 'bob', password: 'correct horse battery', name: 'Bob' });
  await within('clients connect', Promise.all([ada.connect(), bob.connect()]));
  const dm = await ada.openDm('bob');
  await waitFor('bob has the DM', () => bob.room(dm.id)?.name === 'Ada');
  await ada.rename('Ada Lovelace');
  await waitFor('bob\'s DM is named after her new name', () => bob.room(dm.id)!.name === 'Ada Lovelace' && bob.room(dm.id)!.peer?.name === 'Ada Lovelace');
  assert.equal(ada.room(dm.id)!.name, 'Bob', 'her own rename leaves her DM named after bob');
});
