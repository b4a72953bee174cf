import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AckFrame } from '@parley/protocol';
import { useGuestServer } from '../testing/guest-server.js';
import type { GuestSession } from '../testing/ws-client.js';

describe('search', () => {
  const { enter } = useGuestServer();
  let ann: GuestSession;
  let bob: GuestSession;
  let secret = '';
  let open = '';
  before(async () => {
    ann = await enter('Ann');
    bob = await enter('Bob');
    secret = (await ann.client.request<AckFrame<'create'>>({ type: 'create', name: 'Secret', kind: 'private' })).room.id;
    open = (await ann.client.request<AckFrame<'create'>>({ type: 'create', name: 'Open', kind: 'public' })).room.id;
  });

  const search = (who: GuestSession, query: string, extra: Record<string, unknown> = {}) =>
    who.client.request<AckFrame<'search'>>({ type: 'search', query, ...extra });

  test('finds a Korean word inside a compound, with where it matches; never in a private room one is not in', async () => {
    const inSecret = await ann.client.request<AckFrame<'send'>>({ type: 'send', id: 'search-0000001', room: secret, body: '비밀 정보검색 계획' });
    const inOpen = await ann.client.request<AckFrame<'send'>>({ type: 'send', id: 'search-0000002', room: open, body: '공개 정보검색 안내' });
    const mine = await search(ann, '검색');
    assert.deepEqual(mine.results.map((r) => [r.event.room, r.event.seq]), [[open, inOpen.seq], [secret, inSecret.seq]]);
    assert.deepEqual(mine.results[0]!.highlights, [[5, 7]]);
    assert.equal(mine.results[0]!.roomName, 'Open');
    assert.equal(mine.next, null);
    // Bob is in neither room: the public one is readable, the private one is not.
    const his = await search(bob, '검색');
    assert.deepEqual(his.results.map((r) => r.event.room), [open]);
    await assert.rejects(search(bob, '검색', { room: secret }), { code: 'not_found' });
  });

  test('a deleted message is not found; an edited one by its new text', async () => {
    const sent = await ann.client.request<AckFrame<'send'>>({ type: 'send', id: 'search-0000003', room: open, body: 'ephemeral walrus' });
    assert.equal((await search(bob, 'walrus')).results.length, 1);
    await ann.client.request({ type: 'edit', room: open, target: sent.seq, body: 'ephemeral narwhal' });
    assert.equal((await search(bob, 'walrus')).results.length, 0);
    assert.equal((await search(bob, 'narwhal')).results[0]!.event.body, 'ephemeral narwhal');
    await ann.client.request({ type: 'delete', room: open, target: sent.seq });
    assert.equal((await search(bob, 'narwhal')).results.length, 0);
  });

  test('filters by author and time, pages with next; punctuation alone finds nothing; bad frames are refused', async () => {
    await bob.client.request({ type: 'join', room: open });
    for (let n = 0; n < 3; n++) await bob.client.request({ type: 'send', id: `search-bob-00${n}`, room: open, body: `pager ${n}` });
    const byBob = await search(ann, 'pager', { author: bob.user.id, limit: 2 });
    assert.deepEqual(byBob.results.map((r) => r.event.body), ['pager 2', 'pager 1']);
    assert.notEqual(byBob.next, null);
    const rest = await search(ann, 'pager', { author: bob.user.id, limit: 2, before: byBob.next });
    assert.deepEqual(rest.results.map((r) => r.event.body), ['pager 0']);
    assert.equal(rest.next, null);
    assert.equal((await search(ann, 'pager', { author: ann.user.id })).results.length, 0);
    assert.equal((await search(ann, 'pager', { since: Date.now() + 60_000 })).results.length, 0);
    const none = await search(ann, '?!…');
    assert.deepEqual([none.results, none.next], [[], null]);
    await assert.rejects(ann.client.request({ type: 'search', query: '' }), { code: 'invalid_frame' });
    await assert.rejects(ann.client.request({ type: 'search', query: 'x'.repeat(201) }), { code: 'invalid_frame' });
    await assert.rejects(ann.client.request({ type: 'search', query: 'x', since: 10, until: 5 }), { code: 'invalid_frame' });
  });
});
