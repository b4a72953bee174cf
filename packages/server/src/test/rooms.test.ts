import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIRECTORY_PAGE_MAX, DIRECTORY_PREVIEW, type AckFrame, type EventFrame, type PresenceFrame, type RoomFrame, type RoomSummary, type ServerFrame, type WelcomeFrame } from '@parley/protocol';
import { useGuestServer } from '../testing/guest-server.js';

describe('rooms, members and presence', () => {
  const { enter, connect } = useGuestServer({ RATE_LIMITS: 'off', PRESENCE_INTERVAL_MS: '20' });

  test('everyone starts in the lobby', async () => {
    const { client } = await enter('Ann');
    const welcome = client.frames[0] as WelcomeFrame;
    const lobby = welcome.rooms.find((r) => r.id === 'lobby');
    assert.ok(lobby?.joined);
    assert.equal(lobby.kind, 'public');
  });

  test('create a public room; another user lists it, joins, and both see the join with the online count', async () => {
    const ann = await enter('Ann2');
    const bob = await enter('Bob2');
    const created = await ann.client.request<AckFrame<'create'>>({ type: 'create', name: 'Design', kind: 'public' });
    assert.equal(created.room.name, 'Design');
    assert.equal(created.room.joined, true);
    const listed = await bob.client.request<AckFrame<'rooms'>>({ type: 'rooms' });
    const design = listed.rooms.find((r) => r.id === created.room.id);
    assert.ok(design && !design.joined);

    const joined = await bob.client.request<AckFrame<'join'>>({ type: 'join', room: created.room.id });
    assert.equal(joined.room.members, 2);
    const seen = await ann.client.waitFor<EventFrame>((f) => f.type === 'event' && f.event.kind === 'join' && f.event.room === created.room.id && f.event.user.id === bob.user.id);
    assert.equal(seen.event.user.id, bob.user.id);
    const presence = await ann.client.waitFor<PresenceFrame>(
      (f) => f.type === 'presence' && f.room === created.room.id && f.changes.some((c) => c.user.id === bob.user.id),
    );
    assert.equal(presence.online, 2);

    const members = await ann.client.request<AckFrame<'members'>>({ type: 'members', room: created.room.id });
    assert.deepEqual(members.members.map((m) => [m.user.name, m.online, m.role]).sort(), [['Ann2', true, 'owner'], ['Bob2', true, 'member']]);

    await bob.client.request({ type: 'leave', room: created.room.id });
    const left = await ann.client.waitFor<EventFrame>((f) => f.type === 'event' && f.event.kind === 'leave' && f.event.room === created.room.id && f.event.user.id === bob.user.id);
    assert.ok(left);
    const after = await ann.client.waitFor<PresenceFrame>(
      (f) => f.type === 'presence' && f.room === created.room.id && f.changes.some((c) => c.user.id === bob.user.id && c.status === 'offline'),
    );
    assert.equal(after.online, 1);
  });

  test('every connection of a user follows their rooms: a join on one reaches the other, which keeps receiving when the first closes', async () => {
    const ann = await enter('Ann4');
    const other = await connect(ann.token);
    await other.waitFor((f) => f.type === 'welcome');
    const bob = await enter('Bob4');
    const created = await bob.client.request<AckFrame<'create'>>({ type: 'create', name: 'Two tabs', kind: 'public' });
    const room = created.room.id;
    await ann.client.request({ type: 'join', room });
    await other.waitFor((f) => f.type === 'room' && f.room.id === room && f.room.joined);
    const message = (body: string) => (f: ServerFrame) => f.type === 'event' && f.event.kind === 'message' && f.event.room === room && f.event.body === body;
    await bob.client.request({ type: 'send', id: 'tabs-0000001', room, body: 'to both' });
    await Promise.all([ann.client.waitFor(message('to both')), other.waitFor(message('to both'))]);
    ann.client.close();
    await ann.client.closed;
    await bob.client.request({ type: 'send', id: 'tabs-0000002', room, body: 'to the other' });
    await other.waitFor(message('to the other'));
    await ann.client.waitFor(message('to the other'), 300).then(
      () => assert.fail('a closed connection received a frame'),
      () => undefined,
    );
  });

  test('going offline is announced with the new online count', async () => {
    const ann = await enter('Watcher');
    const bob = await enter('Leaver');
    await ann.client.waitFor<PresenceFrame>((f) => f.type === 'presence' && f.room === 'lobby' && f.changes.some((c) => c.user.id === bob.user.id));
    const before = ann.client.frames.length;
    bob.client.close();
    const offline = await ann.client.waitFor<PresenceFrame>(
      (f) => f.type === 'presence' && ann.client.frames.indexOf(f) >= before && f.changes.some((c) => c.user.id === bob.user.id && c.status === 'offline'),
    );
    assert.equal(typeof offline.online, 'number');
  });

  test('a room name that is taken gets name_taken', async () => {
    const { client } = await enter('Namer');
    await client.request({ type: 'create', name: 'Unique Room', kind: 'public' });
    await assert.rejects(client.request({ type: 'create', name: 'unique room', kind: 'private' }), { code: 'name_taken' });
  });

  test('a private room is invisible to others until they are invited', async () => {
    const owner = await enter('Owner');
    const outsider = await enter('Outsider');
    const invitee = await enter('Invitee');
    const { room } = await owner.client.request<AckFrame<'create'>>({ type: 'create', name: 'Secret plans', kind: 'private' });
    await owner.client.request({ type: 'send', id: 'secret-msg-1', room: room.id, body: 'the secret' });

    const listed = await outsider.client.request<AckFrame<'rooms'>>({ type: 'rooms' });
    assert.ok(!listed.rooms.some((r) => r.id === room.id));
    for (const frame of [
      { type: 'join', room: room.id },
      { type: 'history', room: room.id },
      { type: 'members', room: room.id },
      { type: 'send', id: 'intruder-01', room: room.id, body: 'let me in' },
      { type: 'typing', room: room.id },
      { type: 'read', room: room.id, seq: 1 },
      { type: 'invite', room: room.id, username: outsider.user.username },
      { type: 'edit', room: room.id, target: 2, body: 'x' },
      { type: 'react', room: room.id, target: 2, emoji: '👍', on: true },
      { type: 'resume', rooms: [{ room: room.id, after: 0 }] },
    ]) {
      if (frame.type === 'typing') {
        outsider.client.send({ ...frame });
        continue;
      }
      if (frame.type === 'resume') {
        const reply = await outsider.client.request<AckFrame<'resume'>>(frame);
        assert.equal(reply.rooms[0]?.status, 'not_found');
        continue;
      }
      await assert.rejects(outsider.client.request(frame), { code: 'not_found' }, frame.type);
    }
    // A guessed id that does not exist looks exactly the same.
    await assert.rejects(outsider.client.request({ type: 'history', room: 'no-such-room' }), { code: 'not_found' });
    assert.ok(!outsider.client.frames.some((f) => JSON.stringify(f).includes('the secret')));

    await owner.client.request({ type: 'invite', room: room.id, username: invitee.user.username });
    const added = await invitee.client.waitFor<{ type: 'room'; room: RoomSummary }>((f) => f.type === 'room' && f.room.id === room.id);
    assert.equal(added.room.kind, 'private');
    const page = await invitee.client.request<AckFrame<'history'>>({ type: 'history', room: room.id });
    assert.ok(page.events.some((e) => e.kind === 'message' && e.body === 'the secret'));
    const joinEvent = page.events.find((e) => e.kind === 'join' && e.user.id === invitee.user.id);
    assert.equal(joinEvent?.kind === 'join' && joinEvent.by?.id, owner.user.id);
    await assert.rejects(owner.client.request({ type: 'invite', room: room.id, username: 'nobody-at-all' }), { code: 'user_not_found' });
  });

  test('a public room’s non-members may read it but must join to post', async () => {
    const owner = await enter('PubOwner');
    const reader = await enter('Reader');
    const { room } = await owner.client.request<AckFrame<'create'>>({ type: 'create', name: 'Open space', kind: 'public' });
    await reader.client.request<AckFrame<'history'>>({ type: 'history', room: room.id });
    await assert.rejects(reader.client.request({ type: 'send', id: 'not-member-1', room: room.id, body: 'hi' }), { code: 'not_member' });
  });

  test('the lobby cannot be left', async () => {
    const { client } = await enter('Stayer');
    await assert.rejects(client.request({ type: 'leave', room: 'lobby' }), { code: 'forbidden' });
  });
});

describe('the room list stays small; the directory has every public room; new ones are announced', () => {
  const { enter } = useGuestServer({ RATE_LIMITS: 'off' });

  test(`welcome lists a newcomer's rooms and at most ${DIRECTORY_PREVIEW} other public rooms; directory pages through the rest`, async () => {
    const maker = await enter('Maker');
    const watcher = await enter('Watcher');
    const made: string[] = [];
    for (let i = 0; i < DIRECTORY_PREVIEW + 10; i++) {
      const { room } = await maker.client.request<AckFrame<'create'>>({ type: 'create', name: `Many ${String(i).padStart(2, '0')}`, kind: 'public' });
      made.push(room.id);
    }
    // Someone online heard of each new public room as it was made, as a room they have not joined.
    await watcher.client.waitFor((f) => f.type === 'room' && f.room.id === made.at(-1));
    const announced = watcher.client.frames.filter((f): f is RoomFrame => f.type === 'room' && made.includes(f.room.id));
    assert.equal(announced.length, made.length);
    assert.ok(announced.every((f) => !f.room.joined && f.room.unread === 0 && f.room.readSeq === 0));
    const { room: secret } = await maker.client.request<AckFrame<'create'>>({ type: 'create', name: 'Not announced', kind: 'private' });
    assert.ok(!watcher.client.frames.some((f) => f.type === 'room' && f.room.id === secret.id), 'a private room is not announced');

    const newcomer = await enter('Newcomer');
    const welcome = newcomer.client.frames[0] as WelcomeFrame;
    const notJoined = welcome.rooms.filter((room) => !room.joined);
    assert.equal(notJoined.length, DIRECTORY_PREVIEW);
    assert.deepEqual(notJoined.map((room) => room.id), made.slice(-DIRECTORY_PREVIEW), 'the newest ones');
    const listed = await newcomer.client.request<AckFrame<'rooms'>>({ type: 'rooms' });
    assert.deepEqual(listed.rooms.map((room) => room.id), welcome.rooms.map((room) => room.id));

    const names: string[] = [];
    let after: string | undefined;
    do {
      const page = await newcomer.client.request<AckFrame<'directory'>>({ type: 'directory', query: 'many', limit: 7, ...(after ? { after } : {}) });
      names.push(...page.rooms.map((room) => room.name));
      after = page.next ?? undefined;
    } while (after);
    assert.deepEqual(names, made.map((_, i) => `Many ${String(i).padStart(2, '0')}`));
    await assert.rejects(newcomer.client.request({ type: 'directory', limit: DIRECTORY_PAGE_MAX + 1 }), { code: 'invalid_frame' });
  });
});
