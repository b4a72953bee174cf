import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageEvent, RoomEvent, RoomSummary } from '@parley/protocol';
import { RoomModel } from './room-model.js';
import { timelineOf } from './timeline.js';
import type { MessageItem } from './types.js';

const ada = { id: 'u-ada', name: 'ada' };
const bob = { id: 'u-bob', name: 'bob' };

function summary(latestSeq: number, extra: Partial<RoomSummary> = {}): RoomSummary {
  return { id: 'r', name: 'r', kind: 'public', joined: true, members: 2, online: 2, latestSeq, readSeq: latestSeq, unread: 0, ...extra };
}

function message(seq: number, user = bob, body = `m${seq}`): MessageEvent {
  return { kind: 'message', room: 'r', seq, ts: seq, user, id: `id-${seq}-xxxxxx`, body };
}

function followed(latestSeq = 0, extra: Partial<RoomSummary> = {}): RoomModel {
  const room = new RoomModel('r');
  room.updateSummary(summary(latestSeq, extra));
  return room;
}

it('applies events once and in order, holding early ones until the gap closes', () => {
  const room = followed(0);
  assert.deepEqual(room.receive(message(1), ada.id).map((e) => e.seq), [1]);
  assert.deepEqual(room.receive(message(1), ada.id), [], 'a duplicate is dropped');
  assert.deepEqual(room.receive(message(4), ada.id), [], 'an early event waits');
  assert.deepEqual(room.receive(message(3), ada.id), []);
  assert.equal(room.hasGap(), true);
  assert.deepEqual(room.receive(message(2), ada.id).map((e) => e.seq), [2, 3, 4], 'the gap closes and the waiting events follow');
  assert.equal(room.hasGap(), false);
  assert.deepEqual(room.snapshot(ada.id).timeline.map((i) => i.seq), [1, 2, 3, 4]);
});

it('lands on the same state when messages arrive in their current state and their later events are replayed', () => {
  const room = followed(0);
  const current: MessageEvent = { ...message(1), body: 'v2', editedTs: 3, reactions: {} };
  const replay: RoomEvent[] = [
    current,
    { kind: 'reaction', room: 'r', seq: 2, ts: 2, user: ada, target: 1, emoji: '+1', on: true },
    { kind: 'edit', room: 'r', seq: 3, ts: 3, user: bob, target: 1, body: 'v2' },
    { kind: 'reaction', room: 'r', seq: 4, ts: 4, user: ada, target: 1, emoji: '+1', on: false },
    { kind: 'reaction', room: 'r', seq: 5, ts: 5, user: bob, target: 1, emoji: '+1', on: true },
    { kind: 'reaction', room: 'r', seq: 6, ts: 6, user: bob, target: 1, emoji: '+1', on: true },
  ];
  for (const event of replay) room.receive(event, ada.id);
  const [item] = room.snapshot(ada.id).timeline as MessageItem[];
  assert.equal(item!.body, 'v2');
  assert.equal(item!.editedTs, 3);
  assert.deepEqual(item!.reactions, { '+1': [bob.id] });
  room.receive({ kind: 'delete', room: 'r', seq: 7, ts: 7, user: bob, target: 1 }, ada.id);
  const [deleted] = room.snapshot(ada.id).timeline as MessageItem[];
  assert.equal(deleted!.deleted, true);
  assert.equal(deleted!.body, '');
});

it('sets a message\'s preview from each preview event: attached, replaced by another link\'s, taken off; none on a deleted message', () => {
  const room = followed(0);
  const a = { url: 'https://a.example/', title: 'A' };
  const b = { url: 'https://b.example/', title: 'B' };
  const previewOf = () => (room.snapshot(ada.id).timeline[0] as MessageItem).preview;
  const preview = (seq: number, link?: typeof a): RoomEvent => ({ kind: 'preview', room: 'r', seq, ts: seq, user: bob, target: 1, ...(link ? { preview: link } : {}) });
  room.receive(message(1), ada.id);
  room.receive(preview(2, a), ada.id);
  assert.deepEqual(previewOf(), a);
  room.receive({ kind: 'edit', room: 'r', seq: 3, ts: 3, user: bob, target: 1, body: 'now https://b.example' }, ada.id);
  room.receive(preview(4), ada.id);
  assert.equal(previewOf(), undefined);
  assert.equal('preview' in room.snapshot(ada.id).timeline[0]!, false, 'taken off, not set to undefined');
  room.receive(preview(5, b), ada.id);
  assert.deepEqual(previewOf(), b);
  room.receive({ kind: 'delete', room: 'r', seq: 6, ts: 6, user: bob, target: 1 }, ada.id);
  room.receive(preview(7, a), ada.id);
  assert.equal(previewOf(), undefined);
  // A page read on its own replays its preview events to the message's current preview.
  const page = timelineOf([{ ...message(1), preview: b }, preview(2, a), preview(4), preview(5, b)]);
  assert.deepEqual((page[0] as MessageItem).preview, b);
});

it('counts unread messages from the server count and the later timeline', () => {
  const room = followed(10, { readSeq: 6, unread: 3 });
  room.receive(message(11, bob), ada.id);
  room.receive(message(12, ada), ada.id);
  assert.equal(room.snapshot(ada.id).unread, 4, 'three counted by the server, one since; our own does not count');
  room.receive({ kind: 'delete', room: 'r', seq: 13, ts: 13, user: bob, target: 8 }, ada.id);
  assert.equal(room.snapshot(ada.id).unread, 3, 'a message the server counted was deleted');
  room.setRead(12);
  assert.equal(room.snapshot(ada.id).unread, 0);
});

it('prepends older pages without applying their edits to messages already current', () => {
  const room = followed(3);
  room.receive(message(4), ada.id);
  const page: RoomEvent[] = [
    { ...message(2), body: 'final' },
    { kind: 'edit', room: 'r', seq: 3, ts: 3, user: bob, target: 2, body: 'older' },
  ];
  room.prepend(page, true);
  assert.deepEqual(room.snapshot(ada.id).timeline.map((i) => i.seq), [2, 4]);
  assert.equal((room.snapshot(ada.id).timeline[0] as MessageItem).body, 'final');
  assert.equal(room.hasOlder, true);
  room.prepend([{ kind: 'created', room: 'r', seq: 1, ts: 1, user: ada, name: 'r', roomKind: 'public' }], false);
  assert.equal(room.hasOlder, false);
  assert.deepEqual(room.snapshot(ada.id).timeline.map((i) => i.seq), [1, 2, 4]);
});

it('keeps the snapshot object until something changes', () => {
  const room = followed(0);
  const first = room.snapshot(ada.id);
  assert.equal(room.snapshot(ada.id), first);
  room.receive(message(1), ada.id);
  assert.notEqual(room.snapshot(ada.id), first);
});

it("follows the other person's renames in a DM's name and peer", () => {
  const peer = { id: bob.id, name: 'bob', username: 'bob', kind: 'account' as const };
  const room = followed(3, { kind: 'dm', name: 'bob', peer });
  room.receive({ kind: 'rename', room: 'r', seq: 4, ts: 4, user: { id: ada.id, name: 'Ada L.' }, from: 'ada', to: 'Ada L.' }, ada.id);
  assert.equal(room.snapshot(ada.id).name, 'bob', 'my own rename does not rename the DM');
  room.receive({ kind: 'rename', room: 'r', seq: 5, ts: 5, user: { id: bob.id, name: 'Bobby' }, from: 'bob', to: 'Bobby' }, ada.id);
  const state = room.snapshot(ada.id);
  assert.equal(state.name, 'Bobby');
  assert.deepEqual(state.peer, { ...peer, name: 'Bobby' });
});

it('reads a page of a room not followed as a timeline, its edits, deletions and reactions applied', () => {
  const page: RoomEvent[] = [
    message(5, bob, 'first'),
    message(6, ada, 'second'),
    { kind: 'edit', room: 'r', seq: 7, ts: 7, user: bob, target: 5, body: 'first, edited' },
    { kind: 'reaction', room: 'r', seq: 8, ts: 8, user: ada, target: 5, emoji: '👍', on: true },
    { kind: 'delete', room: 'r', seq: 9, ts: 9, user: ada, target: 6 },
    { kind: 'reaction', room: 'r', seq: 10, ts: 10, user: ada, target: 2, emoji: '👍', on: true },
    { kind: 'join', room: 'r', seq: 11, ts: 11, user: ada },
  ];
  const items = timelineOf(page);
  assert.deepEqual(items.map((i) => i.seq), [5, 6, 11], 'messages and notices listed; the rest applied');
  const [first, second] = items as MessageItem[];
  assert.equal(first!.body, 'first, edited');
  assert.deepEqual(first!.reactions, { '👍': [ada.id] });
  assert.equal(second!.deleted, true);
});

it('applies moderation: roles and time-outs of members and of the user, settings, kicks and bans (with the messages a ban deleted)', () => {
  const carol = { id: 'u-carol', name: 'carol' };
  const room = followed(0, { role: 'member', members: 3 });
  room.setMembers(
    [ada, bob, carol].map((user) => ({ user: { ...user, username: user.name, kind: 'guest' as const }, role: 'member' as const, online: true })),
    false,
  );
  const events: RoomEvent[] = [
    message(1),
    message(2, carol),
    { kind: 'role', room: 'r', seq: 3, ts: 3, user: bob, target: ada, role: 'moderator' },
    { kind: 'timeout', room: 'r', seq: 4, ts: 4, user: bob, target: ada, until: 9_000 },
    { kind: 'settings', room: 'r', seq: 5, ts: 5, user: bob, settings: { readOnly: true } },
    { kind: 'delete', room: 'r', seq: 6, ts: 6, user: ada, target: 1, moderated: true },
    { kind: 'ban', room: 'r', seq: 7, ts: 7, user: bob, target: carol, removed: true, deleted: [2] },
  ];
  for (const event of events) room.receive(event, ada.id);
  let state = room.snapshot(ada.id);
  assert.deepEqual([state.role, state.timedOutUntil, state.settings], ['moderator', 9_000, { readOnly: true }]);
  assert.deepEqual(state.members.map((m) => [m.user.id, m.role, m.timedOutUntil]), [[ada.id, 'moderator', 9_000], [bob.id, 'member', undefined]]);
  assert.equal(state.memberCount, 2, 'the banned member is gone');
  const messages = state.timeline.filter((item): item is MessageItem => item.kind === 'message');
  assert.deepEqual(messages.map((m) => [m.seq, m.deleted, m.moderated, m.body]), [[1, true, true, ''], [2, true, true, '']]);
  assert.deepEqual(state.timeline.filter((item) => item.kind !== 'message').map((item) => item.kind), ['role', 'timeout', 'settings', 'ban']);
  room.receive({ kind: 'timeout', room: 'r', seq: 8, ts: 8, user: bob, target: ada, until: 0 }, ada.id);
  room.receive({ kind: 'kick', room: 'r', seq: 9, ts: 9, user: ada, target: bob }, ada.id);
  state = room.snapshot(ada.id);
  assert.equal(state.timedOutUntil, undefined);
  assert.deepEqual([state.memberCount, state.members.map((m) => m.user.id)], [1, [ada.id]]);
  // The same page read on its own lands on the same messages.
  assert.deepEqual(
    timelineOf(events).filter((item): item is MessageItem => item.kind === 'message').map((m) => [m.seq, m.deleted, m.moderated]),
    [[1, true, true], [2, true, true]],
  );
});
