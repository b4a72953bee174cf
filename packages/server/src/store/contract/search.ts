/** Search (../../search/): what is found, by whom, and that edits and deletions keep the index true. */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { parseQuery } from '../../search/tokenize.js';
import type { SearchQuery, Store } from '../store.js';
import { assertPlainJson, clientId, ref, storeTest, type MakeStore } from './harness.js';

/** The room and seq of each message `user` finds with `text`, newest first. */
async function found(store: Store, userId: string, text: string, options: Partial<SearchQuery> = {}): Promise<string[]> {
  const page = await store.searchMessages({ userId, clauses: parseQuery(text), limit: 50, ...options });
  assertPlainJson(page);
  return page.hits.map(({ event }) => `${event.room}#${event.seq}`);
}

/** The hits of at most `maxPages` pages of two, followed by their `next` cursors, as room#seq. */
async function foundInPages(store: Store, userId: string, text: string, maxPages: number): Promise<string[]> {
  const hits: string[] = [];
  let before: number | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await store.searchMessages({ userId, clauses: parseQuery(text), limit: 2, before });
    hits.push(...page.hits.map(({ event }) => `${event.room}#${event.seq}`));
    if (page.next === null) break;
    before = page.next;
  }
  return hits;
}

export function searchTests(makeStore: MakeStore): void {
  describe('search', () => {
    storeTest(makeStore, 'Korean is found inside words, by one to four syllables; other words by their start', async ({ store, alice }) => {
      await store.createRoom({ id: 'room-s', name: 'search', kind: 'public', createdBy: ref(alice) });
      const post = async (n: number, body: string) =>
        `room-s#${(await store.appendMessage({ room: 'room-s', user: ref(alice), clientId: clientId(n), body })).event.seq}`;
      const compound = await post(1, '정보검색 시스템을 배포했습니다');
      const english = await post(2, 'The Deployment failed, retrying');
      const seoul = await post(3, '서울에서 만나요 deploy');
      for (const query of ['검색', '정보', '보검', '정보검색', '검', '색', '시스템을', '스템', '배포했습니']) {
        assert.deepEqual(await found(store, alice.id, query), [compound], query);
      }
      // Not a substring of one run of the text.
      assert.deepEqual(await found(store, alice.id, '검색시'), []);
      assert.deepEqual(await found(store, alice.id, '서울'), [seoul]);
      assert.deepEqual(await found(store, alice.id, '서'), [seoul]);
      assert.deepEqual(await found(store, alice.id, 'deploy'), [seoul, english]);
      assert.deepEqual(await found(store, alice.id, 'DEPLOYMENT'), [english]);
      assert.deepEqual(await found(store, alice.id, 'ploy'), []);
      // Every term must match.
      assert.deepEqual(await found(store, alice.id, '서울 deploy'), [seoul]);
      assert.deepEqual(await found(store, alice.id, '검색 deploy'), []);
      const page = await store.searchMessages({ userId: alice.id, clauses: parseQuery('서울'), limit: 5 });
      assert.equal(page.hits[0]!.roomName, 'search');
      assert.equal(page.hits[0]!.event.body, '서울에서 만나요 deploy');
    });

    storeTest(makeStore, 'only rooms the user may read: their own and public ones, never a private room or DM they are not in', async ({ store, alice, bob, carol }) => {
      await store.createRoom({ id: 'room-pub', name: 'pub', kind: 'public', createdBy: ref(alice) });
      await store.createRoom({ id: 'room-priv', name: 'priv', kind: 'private', createdBy: ref(alice), members: [ref(bob)] });
      await store.createRoom({ id: 'dm-ab', name: 'dm', kind: 'dm', createdBy: ref(alice), members: [ref(bob)] });
      const pub = (await store.appendMessage({ room: 'room-pub', user: ref(alice), clientId: clientId(1), body: 'secret plans 비밀' })).event;
      const priv = (await store.appendMessage({ room: 'room-priv', user: ref(alice), clientId: clientId(2), body: 'secret plans 비밀' })).event;
      const dm = (await store.appendMessage({ room: 'dm-ab', user: ref(bob), clientId: clientId(3), body: 'secret plans 비밀' })).event;
      const all = [`dm-ab#${dm.seq}`, `room-priv#${priv.seq}`, `room-pub#${pub.seq}`];
      assert.deepEqual(await found(store, bob.id, '비밀'), all);
      assert.deepEqual(await found(store, carol.id, '비밀'), [`room-pub#${pub.seq}`]);
      assert.deepEqual(await found(store, carol.id, 'secret', { room: 'room-priv' }), []);
      await store.leave({ room: 'room-priv', user: ref(bob) });
      assert.deepEqual(await found(store, bob.id, 'secret'), [`dm-ab#${dm.seq}`, `room-pub#${pub.seq}`]);
    });

    storeTest(makeStore, 'an edit replaces what is found and keeps its place; a deletion, by anyone, removes it', async ({ store, alice, bob, carol }) => {
      await store.createRoom({ id: 'room-e', name: 'edits', kind: 'public', createdBy: ref(alice) });
      for (const user of [bob, carol]) await store.join({ room: 'room-e', user: ref(user) });
      const send = async (user: typeof bob, n: number, body: string) =>
        (await store.appendMessage({ room: 'room-e', user: ref(user), clientId: clientId(n), body })).event.seq;
      const first = await send(bob, 1, 'apple pie 사과');
      const second = await send(bob, 2, 'apple tart');
      await store.editMessage({ room: 'room-e', user: ref(bob), target: first, body: 'banana pie 바나나' });
      assert.deepEqual(await found(store, alice.id, '사과'), []);
      assert.deepEqual(await found(store, alice.id, 'apple'), [`room-e#${second}`]);
      assert.deepEqual(await found(store, alice.id, '바나나'), [`room-e#${first}`]);
      assert.deepEqual(await found(store, alice.id, 'pie'), [`room-e#${first}`]);
      // An edit to text with no word leaves nothing to find; another edit brings it back.
      await store.editMessage({ room: 'room-e', user: ref(bob), target: second, body: '👍 !!' });
      assert.deepEqual(await found(store, alice.id, 'apple'), []);
      await store.editMessage({ room: 'room-e', user: ref(bob), target: second, body: 'apple again' });
      assert.deepEqual(await found(store, alice.id, 'apple'), [`room-e#${second}`]);
      // Order: the edited first message stays older than the second.
      await store.editMessage({ room: 'room-e', user: ref(bob), target: first, body: 'apple banana' });
      assert.deepEqual(await found(store, alice.id, 'apple'), [`room-e#${second}`, `room-e#${first}`]);

      await store.deleteMessage({ room: 'room-e', user: ref(bob), target: second });
      assert.deepEqual(await found(store, alice.id, 'apple'), [`room-e#${first}`]);
      // A moderator's deletion (the owner), and a ban that purges the author's messages.
      await store.deleteMessage({ room: 'room-e', user: ref(alice), target: first, reason: 'spam' });
      assert.deepEqual(await found(store, alice.id, 'apple'), []);
      const third = await send(carol, 3, 'cherry 체리');
      assert.deepEqual(await found(store, bob.id, '체리'), [`room-e#${third}`]);
      const banned = await store.ban({ room: 'room-e', actor: ref(alice), target: carol.id, deleteSince: 0 });
      assert.equal(banned.deleted, 1);
      assert.deepEqual(await found(store, bob.id, '체리'), []);
    });

    storeTest(makeStore, 'filters: room, author, time; pages newest first', async ({ store, alice, bob }) => {
      await store.createRoom({ id: 'room-a', name: 'a', kind: 'public', createdBy: ref(alice) });
      await store.createRoom({ id: 'room-b', name: 'b', kind: 'public', createdBy: ref(bob) });
      const seqs: string[] = [];
      for (let n = 0; n < 6; n++) {
        const room = n % 2 === 0 ? 'room-a' : 'room-b';
        const user = n % 2 === 0 ? alice : bob;
        const { event } = await store.appendMessage({ room, user: ref(user), clientId: clientId(n), body: `report ${n} 보고서` });
        seqs.push(`${room}#${event.seq}`);
      }
      const newest = [...seqs].reverse();
      assert.deepEqual(await found(store, alice.id, '보고서'), newest);
      assert.deepEqual(await found(store, alice.id, 'report', { room: 'room-b' }), newest.filter((s) => s.startsWith('room-b')));
      assert.deepEqual(await found(store, alice.id, 'report', { author: alice.id }), newest.filter((s) => s.startsWith('room-a')));
      assert.deepEqual(await found(store, alice.id, 'report', { since: Date.now() + 60_000 }), []);
      assert.deepEqual(await found(store, alice.id, 'report', { until: 1 }), []);
      assert.deepEqual(await found(store, alice.id, 'report', { since: 0, until: Date.now() + 60_000 }), newest);
      // Pages of two.
      assert.deepEqual(await foundInPages(store, alice.id, '보고', 4), newest);
    });

    storeTest(makeStore, 'a word among hundreds of messages is found newest first, page by page, in text of any script', async ({ store, alice }) => {
      await store.createRoom({ id: 'room-m', name: 'many', kind: 'public', createdBy: ref(alice) });
      const expected = new Map<string, string[]>([['needle', []], ['바늘', []], ['cafe', []], ['ㅋㅋ', []]]);
      for (let n = 0; n < 600; n++) {
        const body =
          n % 97 === 5 ? `needle ${n} 바늘이에요` : n % 151 === 7 ? `Café 바늘 ${n}` : n === 300 ? `ㅋㅋ 바늘 ❤️ ${n}` : `filler ${n} 잡담입니다 haystack`;
        const { event } = await store.appendMessage({ room: 'room-m', user: ref(alice), clientId: clientId(n), body });
        const at = `room-m#${event.seq}`;
        if (body.startsWith('needle ')) expected.get('needle')!.unshift(at);
        if (body.includes('바늘')) expected.get('바늘')!.unshift(at);
        if (body.startsWith('Café')) expected.get('cafe')!.unshift(at);
        if (body.startsWith('ㅋㅋ')) expected.get('ㅋㅋ')!.unshift(at);
      }
      for (const [query, hits] of expected) assert.deepEqual(await found(store, alice.id, query), hits, query);
      assert.deepEqual(await found(store, alice.id, 'needle 6'), []);
      assert.equal((await found(store, alice.id, 'hay')).length, 50);
      assert.deepEqual(await foundInPages(store, alice.id, '바늘', 10), expected.get('바늘'));
    });

    storeTest(makeStore, 'a deleted room leaves nothing to find; a message sent through one node is found through another', async ({ store, alice, another }) => {
      await store.createRoom({ id: 'room-x', name: 'x', kind: 'public', createdBy: ref(alice) });
      await store.appendMessage({ room: 'room-x', user: ref(alice), clientId: clientId(1), body: 'doomed 운명' });
      const other = await another();
      assert.equal((await found(other, alice.id, '운명')).length, 1);
      await store.deleteRoom({ actor: ref(alice), room: 'room-x' });
      assert.deepEqual(await found(store, alice.id, '운명'), []);
      // The room's id used again finds only the new room's messages.
      await store.createRoom({ id: 'room-x', name: 'x2', kind: 'public', createdBy: ref(alice) });
      const { event } = await other.appendMessage({ room: 'room-x', user: ref(alice), clientId: clientId(2), body: '운명 again' });
      assert.deepEqual(await found(store, alice.id, '운명'), [`room-x#${event.seq}`]);
    });
  });
}
