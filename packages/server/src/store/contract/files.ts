/** The store contract for file records: recording uploads, sending them with messages, deleting, sweeping. */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { NewFile, Store } from '../store.js';
import { clientId, ref, rejectsWith, storeTest, wholeLog, type MakeStore } from './harness.js';

let made = 0;
/** A new upload record of `userId` to `room` with its own blob keys. */
function upload(userId: string, room = 'lobby', extra: Partial<NewFile> = {}): NewFile {
  const n = ++made;
  return {
    id: `file-${String(n).padStart(17, '0')}`,
    room,
    userId,
    name: `photo ${n}.png`,
    size: 1000,
    contentType: 'image/png',
    sha256: `sha-${n}`,
    blobKey: `blob-${n}`,
    thumbKey: `thumb-${n}`,
    width: 640,
    height: 480,
    ...extra,
  };
}

async function inLobby(store: Store, ...users: Array<{ id: string; name: string }>): Promise<void> {
  for (const user of users) await store.join({ room: 'lobby', user: ref(user) });
}

export function fileTests(makeStore: MakeStore): void {
  describe('files', () => {
    storeTest(makeStore, 'records an upload and finds it; the same content again shares its blob and thumbnail', async ({ store, alice, bob }) => {
      const first = await store.addFile(upload(alice.id), 0);
      assert.equal(first.seq, null);
      assert.deepEqual(await store.findFile(first.id), first);
      const again = await store.addFile(upload(bob.id, 'lobby', { sha256: first.sha256 }), 0);
      assert.equal(again.blobKey, first.blobKey);
      assert.equal(again.thumbKey, first.thumbKey);
      assert.equal(again.userId, bob.id);
      assert.equal(await store.findFile('file-does-not-exist000'), null);
    });

    storeTest(makeStore, 'refuses an upload past the daily total and records nothing', async ({ store, alice, bob }) => {
      await store.addFile(upload(alice.id, 'lobby', { size: 600 }), 1000);
      const refused = upload(alice.id, 'lobby', { size: 401 });
      await rejectsWith(store.addFile(refused, 1000), 'quota_exceeded');
      assert.equal(await store.findFile(refused.id), null);
      await store.addFile(upload(alice.id, 'lobby', { size: 400 }), 1000);
      await store.addFile(upload(bob.id, 'lobby', { size: 1000 }), 1000);
    });

    storeTest(makeStore, 'a message carries its files, in order, live and in history; a retry returns them', async ({ store, alice }) => {
      await inLobby(store, alice);
      const a = await store.addFile(upload(alice.id), 0);
      const b = await store.addFile(upload(alice.id, 'lobby', { thumbKey: null, width: null, height: null, contentType: 'application/pdf', name: 'plan ü.pdf' }), 0);
      const input = { room: 'lobby', user: ref(alice), clientId: clientId(1), body: '', attachments: [b.id, a.id] };
      const { event } = await store.appendMessage(input);
      assert.deepEqual(
        event.attachments?.map((file) => file.id),
        [b.id, a.id],
      );
      assert.deepEqual(event.attachments?.[0], { id: b.id, name: 'plan ü.pdf', size: 1000, contentType: 'application/pdf', url: `/api/files/${b.id}/plan%20%C3%BC.pdf` });
      assert.deepEqual(event.attachments?.[1], {
        id: a.id,
        name: a.name,
        size: 1000,
        contentType: 'image/png',
        url: `/api/files/${a.id}/${encodeURIComponent(a.name)}`,
        width: 640,
        height: 480,
        thumbnailUrl: `/api/thumbnails/${a.id}`,
      });
      assert.equal((await store.findFile(a.id))?.seq, event.seq);
      const retried = await store.appendMessage(input);
      assert.equal(retried.duplicate, true);
      assert.deepEqual(retried.event, event);
      const [fromLog] = (await wholeLog(store, 'lobby')).filter((e) => e.seq === event.seq);
      assert.deepEqual(fromLog, event);
    });

    storeTest(makeStore, 'only the sender’s own unsent uploads to the room can be sent; a refused message stores nothing', async ({ store, alice, bob }) => {
      await inLobby(store, alice, bob);
      const { room } = await store.createRoom({ id: 'room-x', name: 'x', kind: 'public', createdBy: ref(alice) });
      const bobs = await store.addFile(upload(bob.id), 0);
      const elsewhere = await store.addFile(upload(alice.id, room.id), 0);
      const sent = await store.addFile(upload(alice.id), 0);
      await store.appendMessage({ room: 'lobby', user: ref(alice), clientId: clientId(1), body: 'first', attachments: [sent.id] });
      const mine = await store.addFile(upload(alice.id), 0);
      const before = await store.latestSeq('lobby');
      for (const [n, id] of [[2, bobs.id], [3, elsewhere.id], [4, sent.id], [5, 'file-unknown-00000000']] as const) {
        await rejectsWith(store.appendMessage({ room: 'lobby', user: ref(alice), clientId: clientId(n), body: 'x', attachments: [mine.id, id] }), 'not_found');
      }
      assert.equal(await store.latestSeq('lobby'), before);
      assert.equal((await store.findFile(mine.id))?.seq, null, 'the good file of a refused message is still unsent');
    });

    storeTest(makeStore, 'deleting a message hides its files at once; a sweep then names the blobs no record needs', async ({ store, alice, bob }) => {
      await inLobby(store, alice, bob);
      const own = await store.addFile(upload(alice.id), 0);
      const shared = await store.addFile(upload(alice.id), 0);
      const { event } = await store.appendMessage({ room: 'lobby', user: ref(alice), clientId: clientId(1), body: 'two files', attachments: [own.id, shared.id] });
      // Bob uploads the same content as `shared`: its blobs are his record's too.
      const bobsCopy = await store.addFile(upload(bob.id, 'lobby', { sha256: shared.sha256 }), 0);
      assert.deepEqual(await store.sweepFiles(0), []);
      await store.deleteMessage({ room: 'lobby', user: ref(alice), target: event.seq });
      assert.equal(await store.findFile(own.id), null);
      assert.equal(await store.findFile(shared.id), null);
      const deleted = await store.findMessage('lobby', event.seq);
      assert.equal(deleted?.attachments, undefined);
      assert.deepEqual((await store.sweepFiles(0)).sort(), [own.blobKey, own.thumbKey].sort());
      assert.deepEqual(await store.sweepFiles(0), [], 'a second sweep finds nothing');
      assert.equal((await store.findFile(bobsCopy.id))?.blobKey, shared.blobKey);
    });

    storeTest(makeStore, 'deleting a room forgets its files, sent or not, and names the blobs no other record needs', async ({ store, alice, bob, carol }) => {
      await inLobby(store, bob);
      await store.createRoom({ id: 'room-files', name: 'with files', kind: 'private', createdBy: ref(alice), members: [ref(bob)] });
      const sent = await store.addFile(upload(alice.id, 'room-files'), 0);
      const unsent = await store.addFile(upload(bob.id, 'room-files', { thumbKey: null }), 0);
      const shared = await store.addFile(upload(alice.id, 'room-files'), 0);
      await store.appendMessage({ room: 'room-files', user: ref(alice), clientId: clientId(1), body: 'files', attachments: [sent.id, shared.id] });
      // Bob's upload of the same content to the lobby shares its blobs.
      const lobbyCopy = await store.addFile(upload(bob.id, 'lobby', { sha256: shared.sha256 }), 0);
      await store.appendMessage({ room: 'lobby', user: ref(bob), clientId: clientId(2), body: 'the same', attachments: [lobbyCopy.id] });

      const { blobKeys } = await store.deleteRoom({ actor: ref(carol), room: 'room-files' });
      assert.deepEqual(blobKeys.sort(), [sent.blobKey, sent.thumbKey!, unsent.blobKey].sort());
      for (const file of [sent, unsent, shared]) assert.equal(await store.findFile(file.id), null);
      assert.equal((await store.findFile(lobbyCopy.id))?.blobKey, shared.blobKey);
      assert.deepEqual(await store.sweepFiles(Date.now() + 1), [], 'nothing of the room is left to sweep');
      // An upload on its way when the room went is refused, not recorded.
      await rejectsWith(store.addFile(upload(alice.id, 'room-files'), 0), 'not_found');
    });

    storeTest(makeStore, 'uploads never sent are swept after their time, not before', async ({ store, alice }) => {
      const old = await store.addFile(upload(alice.id), 0);
      assert.deepEqual(await store.sweepFiles(old.createdAt), [], 'not older than the cut-off');
      assert.deepEqual((await store.sweepFiles(old.createdAt + 1)).sort(), [old.blobKey, old.thumbKey].sort());
      assert.equal(await store.findFile(old.id), null);
    });

    storeTest(makeStore, 'a sweep on one node racing an upload of the same content on another never drops a blob a record names', async ({ store, alice, another }) => {
      await inLobby(store, alice);
      const other = await another();
      for (let round = 0; round < 15; round++) {
        const original = await store.addFile(upload(alice.id), 0);
        const { event } = await store.appendMessage({ room: 'lobby', user: ref(alice), clientId: clientId(100 + round), body: '', attachments: [original.id] });
        await store.deleteMessage({ room: 'lobby', user: ref(alice), target: event.seq });
        const [dropped, copy] = await Promise.all([other.sweepFiles(0), store.addFile(upload(alice.id, 'lobby', { sha256: original.sha256 }), 0)]);
        if (copy.blobKey === original.blobKey) assert.ok(!dropped.includes(original.blobKey), `round ${round}: a blob still named was dropped`);
        else assert.ok(dropped.includes(original.blobKey), `round ${round}: the unneeded blob was not named`);
      }
    });
  });
}
