/**
 * The REST API's frame routes against a real server: each answers as its frame
 * does over the WebSocket (the same acks, validation, authorization, rate
 * limits and error codes), and what a request does reaches WebSocket clients
 * as live events.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventFrame, MessageEvent, RoomSummary } from '@parley/protocol';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { api, enterAsAccount } from '../testing/accounts.js';
import type { RawClient } from '../testing/ws-client.js';

describe('REST frame routes', () => {
  let server: ServerProcess;
  const open: RawClient[] = [];
  before(async () => {
    server = await startServerProcess();
  });
  after(async () => {
    for (const client of open) client.close();
    await server.stop();
  });

  test('a room made, joined and written to over REST; the WebSocket clients see every event live', async () => {
    const ann = await enterAsAccount(server, 'rest-ann', open);
    const bob = await enterAsAccount(server, 'rest-bob', open);
    const created = await api<{ room: RoomSummary }>(server.url, ann.token, 'POST', '/api/rooms', { name: 'REST room', kind: 'public' });
    assert.equal(created.status, 201);
    const room = created.body.room;
    assert.equal(room.role, 'owner');
    // Ann's own socket was subscribed by the REST create: it gets the room frame.
    await ann.client.waitFor((f) => f.type === 'room' && f.room.id === room.id);

    const joined = await api<{ room: RoomSummary; seq: number }>(server.url, bob.token, 'POST', `/api/rooms/${room.id}/join`);
    assert.equal(joined.status, 200);
    assert.equal(joined.body.room.joined, true);

    const sent = await api<{ room: string; seq: number; duplicate: boolean }>(server.url, ann.token, 'POST', `/api/rooms/${room.id}/messages`, { id: 'rest-msg-0001', body: 'over REST' });
    assert.equal(sent.status, 200);
    assert.equal(sent.body.duplicate, false);
    const live = await bob.client.waitFor<EventFrame>((f) => f.type === 'event' && f.event.seq === sent.body.seq && f.event.room === room.id);
    assert.equal((live.event as MessageEvent).body, 'over REST');
    assert.equal((live.event as MessageEvent).bot, undefined);

    // Idempotent on the client id: the retry stores nothing and answers the same seq.
    const again = await api<{ seq: number; duplicate: boolean }>(server.url, ann.token, 'POST', `/api/rooms/${room.id}/messages`, { id: 'rest-msg-0001', body: 'over REST' });
    assert.deepEqual([again.status, again.body.seq, again.body.duplicate], [200, sent.body.seq, true]);

    const edited = await api<{ seq: number }>(server.url, ann.token, 'PATCH', `/api/rooms/${room.id}/messages/${sent.body.seq}`, { body: 'edited over REST' });
    assert.equal(edited.status, 200);
    const reacted = await api<{ seq: number }>(server.url, bob.token, 'PUT', `/api/rooms/${room.id}/messages/${sent.body.seq}/reactions/${encodeURIComponent('👍')}`);
    assert.equal(reacted.status, 200);
    const read = await api<{ seq: number }>(server.url, bob.token, 'POST', `/api/rooms/${room.id}/read`, { seq: reacted.body.seq });
    assert.deepEqual(read.body, { room: room.id, seq: reacted.body.seq });
    await bob.client.waitFor((f) => f.type === 'read' && f.room === room.id && f.seq === reacted.body.seq);

    const page = await api<{ events: MessageEvent[] }>(server.url, bob.token, 'GET', `/api/rooms/${room.id}/messages?limit=50`);
    const message = page.body.events.find((e) => e.kind === 'message' && e.seq === sent.body.seq)!;
    assert.equal(message.body, 'edited over REST');
    assert.deepEqual(message.reactions, { '👍': [bob.user.id] });

    const removed = await api<{ seq: number }>(server.url, ann.token, 'DELETE', `/api/rooms/${room.id}/messages/${sent.body.seq}`);
    assert.equal(removed.status, 200);
    const tombstone = await bob.client.waitFor<EventFrame>((f) => f.type === 'event' && f.event.seq === removed.body.seq);
    assert.equal(tombstone.event.kind, 'delete');

    const members = await api<{ members: Array<{ user: { username: string }; role: string }> }>(server.url, ann.token, 'GET', `/api/rooms/${room.id}/members`);
    assert.deepEqual(members.body.members.map((m) => `${m.user.username}:${m.role}`).sort(), ['rest-ann:owner', 'rest-bob:member']);

    const left = await api(server.url, bob.token, 'POST', `/api/rooms/${room.id}/leave`);
    assert.equal(left.status, 200);
    await bob.client.waitFor((f) => f.type === 'room_left' && f.room === room.id);
  });

  test('errors: the frame codes with their HTTP statuses, in the documented body', async () => {
    const cat = await enterAsAccount(server, 'rest-cat', open);
    const dan = await enterAsAccount(server, 'rest-dan', open);
    const { body: made } = await api<{ room: RoomSummary }>(server.url, cat.token, 'POST', '/api/rooms', { name: 'Cat only', kind: 'private' });

    const unsigned = await api(server.url, null, 'GET', '/api/rooms');
    assert.equal(unsigned.status, 401);
    assert.deepEqual(unsigned.body, { error: { code: 'unauthenticated', message: 'Not signed in.', retryable: false } });

    // A private room one is not in does not exist for them.
    const hidden = await api<{ error: { code: string } }>(server.url, dan.token, 'POST', `/api/rooms/${made.room.id}/messages`, { id: 'rest-hidden-01', body: 'hello?' });
    assert.deepEqual([hidden.status, hidden.body.error.code], [404, 'not_found']);

    // The frame's own schema: an id the WebSocket refuses is refused here too, with its message.
    const badId = await api<{ error: { code: string; message: string } }>(server.url, cat.token, 'POST', `/api/rooms/${made.room.id}/messages`, { id: 'x', body: 'hi' });
    assert.equal(badId.status, 400);
    assert.equal(badId.body.error.code, 'invalid_frame');
    assert.match(badId.body.error.message, /id/);

    // A body may not name what the path names.
    const smuggled = await api<{ error: { code: string } }>(server.url, cat.token, 'POST', `/api/rooms/${made.room.id}/messages`, { id: 'rest-smuggle1', body: 'hi', room: 'lobby' });
    assert.deepEqual([smuggled.status, smuggled.body.error.code], [400, 'invalid_frame']);

    const tooLong = await api<{ error: { code: string } }>(server.url, cat.token, 'POST', `/api/rooms/${made.room.id}/messages`, { id: 'rest-long-0001', body: 'x'.repeat(5000) });
    assert.deepEqual([tooLong.status, tooLong.body.error.code], [413, 'body_too_long']);

    // Authorization is the store's, as for the frame: one edits only one's own messages.
    const { body: shared } = await api<{ room: RoomSummary }>(server.url, cat.token, 'POST', '/api/rooms', { name: 'Cat and Dan', kind: 'public' });
    await api(server.url, dan.token, 'POST', `/api/rooms/${shared.room.id}/join`);
    const mine = await api<{ seq: number }>(server.url, cat.token, 'POST', `/api/rooms/${shared.room.id}/messages`, { id: 'rest-mine-0001', body: 'mine' });
    const foreignEdit = await api<{ error: { code: string } }>(server.url, dan.token, 'PATCH', `/api/rooms/${shared.room.id}/messages/${mine.body.seq}`, { body: 'not mine' });
    assert.deepEqual([foreignEdit.status, foreignEdit.body.error.code], [403, 'forbidden']);
  });

  test('rate limits are the socket\'s: a burst of sends is cut with 429 rate_limited and Retry-After', async () => {
    const eve = await enterAsAccount(server, 'rest-eve', open);
    const { body: made } = await api<{ room: RoomSummary }>(server.url, eve.token, 'POST', '/api/rooms', { name: 'Burst', kind: 'private' });
    let limited: Response | null = null;
    for (let i = 0; i < 40 && !limited; i++) {
      const response = await fetch(`${server.url}/api/rooms/${made.room.id}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${eve.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: `rest-burst-${String(i).padStart(4, '0')}`, body: `n ${i}` }),
      });
      if (response.status === 429) limited = response;
      else assert.equal(response.status, 200);
    }
    assert.ok(limited, 'no send was limited');
    const body = (await limited.json()) as { error: { code: string; retryable: boolean; retryAfterMs: number } };
    assert.equal(body.error.code, 'rate_limited');
    assert.equal(body.error.retryable, true);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  });
});
