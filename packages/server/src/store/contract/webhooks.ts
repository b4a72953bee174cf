/** Webhooks, their outbox (claims with a lease, idempotent enqueueing), webhook messages and link previews. */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { MessageEvent } from '@parley/protocol';
import type { DeliveryRow, WebhookRow } from '../sql/webhooks.js';
import { assertPlainJson, clientId, ref, rejectsWith, storeTest, wholeLog, type MakeStore } from './harness.js';

function hookRow(id: string, room: string, overrides: Partial<WebhookRow> = {}): WebhookRow {
  return {
    id,
    room_id: room,
    kind: 'outgoing',
    name: 'bot',
    url: 'https://example.com/hook',
    triggers: '["message"]',
    command: null,
    secret_hash: null,
    signing_secret: 'whsec_c2VjcmV0',
    created_by_id: 'user-alice',
    created_by_name: 'Alice',
    created_at: 1000,
    revoked_at: null,
    cursor: 0,
    ...overrides,
  };
}

function delivery(hook: string, room: string, seq: number, nextAt = 0): DeliveryRow {
  return {
    id: `${hook}_${seq}`,
    webhook_id: hook,
    room_id: room,
    seq,
    event: 'message',
    payload: `{"seq":${seq}}`,
    state: 'pending',
    attempts: 0,
    next_at: nextAt,
    claimed_until: 0,
    claim: null,
    last_status: null,
    last_error: null,
    created_at: 1000 + seq,
    delivered_at: null,
  };
}

export function webhookTests(makeStore: MakeStore): void {
  describe('webhooks', () => {
    storeTest(makeStore, 'webhooks are listed per room until revoked; revoking twice finds nothing', async ({ store, alice }) => {
      const { room } = await store.createRoom({ id: 'room-hooks', name: 'Hooks', kind: 'public', createdBy: ref(alice) });
      await store.webhooks.insertWebhook(hookRow('hook-1', room.id));
      await store.webhooks.insertWebhook(hookRow('hook-2', room.id, { kind: 'incoming', url: null, triggers: null, secret_hash: 'abc', signing_secret: null, created_at: 2000 }));
      assert.deepEqual((await store.webhooks.roomWebhooks(room.id)).map((hook) => hook.id), ['hook-1', 'hook-2']);
      assert.deepEqual((await store.webhooks.activeOutgoing()).map((hook) => hook.id), ['hook-1']);
      assert.equal(await store.webhooks.revokeWebhook('another-room', 'hook-1', 3000), false);
      assert.equal(await store.webhooks.revokeWebhook(room.id, 'hook-1', 3000), true);
      assert.equal(await store.webhooks.revokeWebhook(room.id, 'hook-1', 3001), false);
      assert.deepEqual((await store.webhooks.roomWebhooks(room.id)).map((hook) => hook.id), ['hook-2']);
      assert.deepEqual(await store.webhooks.activeOutgoing(), []);
      assert.equal((await store.webhooks.webhook('hook-1'))?.revoked_at, 3000);
    });

    storeTest(makeStore, "deleting a room deletes its webhooks and their deliveries, pending or not, and no other room's", async ({ store, alice, carol }) => {
      await store.createRoom({ id: 'room-gone', name: 'Gone', kind: 'public', createdBy: ref(alice) });
      await store.createRoom({ id: 'room-kept', name: 'Kept', kind: 'public', createdBy: ref(alice) });
      await store.webhooks.insertWebhook(hookRow('hook-out', 'room-gone'));
      await store.webhooks.insertWebhook(hookRow('hook-in', 'room-gone', { kind: 'incoming', url: null, triggers: null, secret_hash: 'abc', signing_secret: null }));
      await store.webhooks.insertWebhook(hookRow('hook-kept', 'room-kept'));
      await store.webhooks.enqueue([delivery('hook-out', 'room-gone', 1), delivery('hook-out', 'room-gone', 2), delivery('hook-kept', 'room-kept', 1, 10)]);
      const [claimed] = await store.webhooks.claimDue({ now: 5, leaseMs: 60_000, claim: 'claim-1', limit: 1 });
      assert.equal(claimed?.webhook_id, 'hook-out');

      await store.deleteRoom({ actor: ref(carol), room: 'room-gone' });
      for (const id of ['hook-out', 'hook-in']) assert.equal(await store.webhooks.webhook(id), null, id);
      assert.deepEqual((await store.webhooks.activeOutgoing()).map((hook) => hook.id), ['hook-kept']);
      assert.deepEqual(await store.webhooks.deliveries('room-gone', undefined, 50), []);
      // The attempt in flight when the room went is recorded nowhere; the other room's delivery is still due.
      assert.equal(await store.webhooks.recordAttempt(claimed!.id, 'claim-1', { delivered: true, status: 200, at: 6 }), false);
      assert.deepEqual((await store.webhooks.claimDue({ now: 10, leaseMs: 60_000, claim: 'claim-2', limit: 10 })).map((row) => row.id), ['hook-kept_1']);
    });

    storeTest(makeStore, 'enqueueing is idempotent by id, and a cursor moves only from where it was read', async ({ store, alice }) => {
      const { room } = await store.createRoom({ id: 'room-hooks', name: 'Hooks', kind: 'public', createdBy: ref(alice) });
      await store.webhooks.insertWebhook(hookRow('hook-1', room.id));
      await store.webhooks.enqueue([delivery('hook-1', room.id, 3), delivery('hook-1', room.id, 4)]);
      await store.webhooks.enqueue([delivery('hook-1', room.id, 4), delivery('hook-1', room.id, 5)]);
      const listed = await store.webhooks.deliveries(room.id, undefined, 10);
      assertPlainJson(listed);
      assert.deepEqual(listed.map((d) => d.id), ['hook-1_5', 'hook-1_4', 'hook-1_3']);
      assert.equal(await store.webhooks.advanceCursor('hook-1', 0, 5), true);
      assert.equal(await store.webhooks.advanceCursor('hook-1', 0, 9), false);
      assert.equal((await store.webhooks.webhook('hook-1'))?.cursor, 5);
    });

    storeTest(makeStore, 'a due delivery is claimed by one store at a time, and only its claim records the attempt', async ({ store, alice, another }) => {
      const { room } = await store.createRoom({ id: 'room-hooks', name: 'Hooks', kind: 'public', createdBy: ref(alice) });
      const other = await another();
      const now = Date.now();
      const rows = Array.from({ length: 20 }, (_, i) => delivery('hook-1', room.id, i + 1, now - 1000));
      assert.equal(await store.webhooks.anyDue(now), false);
      await store.webhooks.enqueue([...rows, delivery('hook-1', room.id, 99, now + 3_600_000)]);
      assert.equal(await store.webhooks.anyDue(now), true);
      const [a, b] = await Promise.all([
        store.webhooks.claimDue({ now, leaseMs: 60_000, claim: 'claim-a', limit: 15 }),
        other.webhooks.claimDue({ now, leaseMs: 60_000, claim: 'claim-b', limit: 15 }),
      ]);
      const claimed = [...a, ...b].map((row) => row.id);
      assert.equal(new Set(claimed).size, claimed.length, 'no delivery claimed twice');
      assert.equal(claimed.length, 20, 'every due delivery claimed, the one not due left');
      assert.deepEqual(await store.webhooks.claimDue({ now, leaseMs: 60_000, claim: 'claim-c', limit: 50 }), []);
      assert.equal(await store.webhooks.anyDue(now), false, 'claimed rows are not due');

      const first = (a[0] ?? b[0])!;
      const holder = a.includes(first) ? 'claim-a' : 'claim-b';
      assert.equal(await store.webhooks.recordAttempt(first.id, 'claim-z', { delivered: true, status: 200, at: now }), false);
      assert.equal(await store.webhooks.recordAttempt(first.id, holder, { delivered: false, status: 503, error: 'HTTP 503', nextAt: now + 10, at: now }), true);
      // Released: due again once next_at has come, with the attempt counted.
      const again = await store.webhooks.claimDue({ now: now + 10, leaseMs: 60_000, claim: 'claim-d', limit: 50 });
      assert.deepEqual(again.map((row) => [row.id, row.attempts, row.last_error]), [[first.id, 1, 'HTTP 503']]);
      assert.equal(await store.webhooks.recordAttempt(first.id, 'claim-d', { delivered: true, status: 204, at: now + 20 }), true);
      const [logged] = await store.webhooks.deliveries(room.id, 'hook-1', 50).then((list) => list.filter((d) => d.id === first.id));
      assert.deepEqual({ state: logged!.state, attempts: logged!.attempts, lastStatus: logged!.lastStatus, deliveredAt: logged!.deliveredAt }, { state: 'delivered', attempts: 2, lastStatus: 204, deliveredAt: now + 20 });

      // A lease that ran out lets another claim take the row; the first claim can no longer record.
      const second = [...a, ...b].find((row) => row.id !== first.id)!;
      const retaken = await other.webhooks.claimDue({ now: now + 61_000, leaseMs: 60_000, claim: 'claim-e', limit: 50 });
      assert.ok(retaken.some((row) => row.id === second.id));
      const secondHolder = a.includes(second) ? 'claim-a' : 'claim-b';
      assert.equal(await store.webhooks.recordAttempt(second.id, secondHolder, { delivered: true, status: 200, at: now }), false);
      assert.equal(await store.webhooks.recordAttempt(second.id, 'claim-e', { delivered: false, status: null, error: 'gave up', nextAt: null, at: now }), true);
      const failed = (await store.webhooks.deliveries(room.id, undefined, 50)).find((d) => d.id === second.id)!;
      assert.equal(failed.state, 'failed');
      assert.equal(failed.nextAttemptAt, undefined);
    });

    storeTest(makeStore, 'a webhook message is by the webhook, marked, idempotent, and refused in an archived room', async ({ store, alice }) => {
      const { room } = await store.createRoom({ id: 'room-hooks', name: 'Hooks', kind: 'public', createdBy: ref(alice) });
      const input = { room: room.id, webhook: { id: 'hook-1', name: 'CI' }, clientId: clientId(1), body: 'Build passed' };
      const { event, duplicate } = await store.appendWebhookMessage(input);
      assert.equal(duplicate, false);
      assert.deepEqual({ user: event.user, webhook: event.webhook, body: event.body }, { user: { id: 'webhook:hook-1', name: 'CI' }, webhook: { id: 'hook-1', name: 'CI' }, body: 'Build passed' });
      const again = await store.appendWebhookMessage(input);
      assert.equal(again.duplicate, true);
      assert.equal(again.event.seq, event.seq);
      const log = await wholeLog(store, room.id);
      assert.deepEqual(log.at(-1), event);
      await rejectsWith(store.appendWebhookMessage({ ...input, room: 'no-such-room', clientId: clientId(2) }), 'not_found');
      await store.archiveRoom({ actor: ref(alice), room: room.id, archived: true });
      await rejectsWith(store.appendWebhookMessage({ ...input, clientId: clientId(3) }), 'forbidden');
    });

    storeTest(makeStore, 'a preview is attached once to a live message, with an event; the message keeps it until deleted', async ({ store, alice }) => {
      const { room } = await store.createRoom({ id: 'room-hooks', name: 'Hooks', kind: 'public', createdBy: ref(alice) });
      const { event: message } = await store.appendMessage({ room: room.id, user: ref(alice), clientId: clientId(1), body: 'see https://example.com' });
      const preview = { url: 'https://example.com/', title: 'Example', description: 'An example' };
      const event = await store.attachPreview({ room: room.id, target: message.seq, preview });
      assert.deepEqual(event && { kind: event.kind, user: event.user, target: 'target' in event ? event.target : null }, { kind: 'preview', user: ref(alice), target: message.seq });
      assert.equal(await store.attachPreview({ room: room.id, target: message.seq, preview: { ...preview, title: 'Other' } }), null);
      assert.deepEqual((await store.findMessage(room.id, message.seq))?.preview, preview);
      const log = await wholeLog(store, room.id);
      assert.deepEqual((log.find((e) => e.seq === message.seq) as MessageEvent).preview, preview);
      await store.deleteMessage({ room: room.id, user: ref(alice), target: message.seq });
      assert.equal((await store.findMessage(room.id, message.seq))?.preview, undefined);
      assert.equal(await store.attachPreview({ room: room.id, target: message.seq, preview }), null);
      assert.equal(await store.attachPreview({ room: room.id, target: 999, preview }), null);
    });

    storeTest(makeStore, 'a preview follows edits: it is of the first link now, replaced by another link\'s, taken off when the link goes', async ({ store, alice }) => {
      const { room } = await store.createRoom({ id: 'room-hooks', name: 'Hooks', kind: 'public', createdBy: ref(alice) });
      const { event: message } = await store.appendMessage({ room: room.id, user: ref(alice), clientId: clientId(1), body: 'see https://a.example/x and https://b.example/' });
      const first = { url: 'https://a.example/x', title: 'A' };
      const second = { url: 'https://b.example/', title: 'B' };
      const edit = (body: string) => store.editMessage({ room: room.id, user: ref(alice), target: message.seq, body });
      const previewOf = async () => (await store.findMessage(room.id, message.seq))?.preview;

      // Only the first link's preview is attached; a preview fetched for another link is not.
      assert.equal(await store.attachPreview({ room: room.id, target: message.seq, preview: second }), null);
      assert.ok(await store.attachPreview({ room: room.id, target: message.seq, preview: first }));

      // An edit that keeps the first link writes nothing about the preview and names no link to fetch.
      const kept = await edit('now https://a.example/x, then https://c.example/');
      assert.deepEqual([kept.preview, kept.link], [undefined, undefined]);
      assert.deepEqual(await previewOf(), first);

      // An edit to another first link takes the preview off, by an event right after the edit's.
      const moved = await edit('moved to https://b.example');
      assert.equal(moved.link, 'https://b.example/');
      assert.deepEqual(moved.preview && { kind: moved.preview.kind, seq: moved.preview.seq, user: moved.preview.user, target: 'target' in moved.preview ? moved.preview.target : null, preview: 'preview' in moved.preview ? moved.preview.preview : 'none' }, { kind: 'preview', seq: moved.event.seq + 1, user: ref(alice), target: message.seq, preview: 'none' });
      assert.equal(await previewOf(), undefined);
      // The old link's preview, fetched late, is not attached; the new link's is.
      assert.equal(await store.attachPreview({ room: room.id, target: message.seq, preview: first }), null);
      assert.ok(await store.attachPreview({ room: room.id, target: message.seq, preview: second }));
      assert.deepEqual(await previewOf(), second);

      // Back to a link whose preview a slow fetch brings after a second edit: only the current link's counts.
      const back = await edit('https://a.example/x again');
      assert.equal(back.link, 'https://a.example/x');
      assert.ok(back.preview);
      const gone = await edit('no link at all');
      assert.deepEqual([gone.preview, gone.link], [undefined, undefined]);
      assert.equal(await store.attachPreview({ room: room.id, target: message.seq, preview: first }), null);
      assert.equal(await previewOf(), undefined);

      // The log replays to the same state: the taking-off events carry no preview, and the message none.
      const log = await wholeLog(store, room.id);
      const previews = log.filter((e) => e.kind === 'preview').map((e) => (e.kind === 'preview' ? (e.preview?.url ?? null) : null));
      assert.deepEqual(previews, ['https://a.example/x', null, 'https://b.example/', null]);
      assert.equal((log.find((e) => e.seq === message.seq) as MessageEvent).preview, undefined);
      assertPlainJson(log);
    });

    storeTest(makeStore, 'an edit that removes the link of a message with a preview keeps its other data', async ({ store, alice }) => {
      const { room } = await store.createRoom({ id: 'room-hooks', name: 'Hooks', kind: 'public', createdBy: ref(alice) });
      const { event: original } = await store.appendMessage({ room: room.id, user: ref(alice), clientId: clientId(1), body: 'first' });
      const { event: message } = await store.appendMessage({ room: room.id, user: ref(alice), clientId: clientId(2), body: 'see https://a.example/', replyTo: original.seq });
      assert.ok(await store.attachPreview({ room: room.id, target: message.seq, preview: { url: 'https://a.example/', title: 'A' } }));
      const { preview } = await store.editMessage({ room: room.id, user: ref(alice), target: message.seq, body: 'never mind' });
      assert.ok(preview);
      const after = await store.findMessage(room.id, message.seq);
      assert.deepEqual([after?.preview, after?.replyTo, after?.body], [undefined, original.seq, 'never mind']);
      await store.deleteMessage({ room: room.id, user: ref(alice), target: message.seq });
      assert.equal(await store.attachPreview({ room: room.id, target: message.seq, preview: { url: 'https://a.example/', title: 'A' } }), null);
    });
  });
}
