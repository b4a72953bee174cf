/**
 * Races between a user's connections, and between a connection's opening and
 * the traffic of its rooms. On PostgreSQL every store call takes I/O turns,
 * so these orderings are only as good as the code that makes them explicit.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AckFrame, RoomEvent } from '@parley/protocol';
import { useGuestServer } from '../testing/guest-server.js';
import { connectRaw } from '../testing/ws-client.js';

describe('races', () => {
  const { enter, connect, url } = useGuestServer({ RATE_LIMITS: 'off' });

  test('a send racing its author\'s leave from another connection is stored before the leave or refused, never after', async () => {
    const owner = await enter('RaceOwner');
    const author = await enter('RaceAuthor');
    const second = await connect(author.token);
    const { room } = await owner.client.request<AckFrame<'create'>>({ type: 'create', name: 'Race track', kind: 'public' });
    const outcomes = { stored: 0, refused: 0 };
    for (let round = 0; round < 20; round++) {
      await author.client.request({ type: 'join', room: room.id });
      const leave = author.client.request<AckFrame<'leave'>>({ type: 'leave', room: room.id });
      const send = second.request<AckFrame<'send'>>({ type: 'send', id: `race-${String(round).padStart(4, '0')}`, room: room.id, body: `round ${round}` });
      const [left, sent] = await Promise.allSettled([leave, send]);
      assert.equal(left.status, 'fulfilled');
      if (sent.status === 'fulfilled') {
        outcomes.stored++;
        assert.ok(sent.value.seq < (left as PromiseFulfilledResult<AckFrame<'leave'>>).value.seq, `round ${round}: stored after the leave`);
      } else {
        outcomes.refused++;
        assert.match(String((sent.reason as { code?: string }).code), /^(not_member|not_found)$/);
      }
    }
    const history = await owner.client.request<AckFrame<'history'>>({ type: 'history', room: room.id, limit: 200 });
    const events: RoomEvent[] = history.events;
    events.forEach((event, i) => {
      if (event.kind === 'leave') assert.ok(events[i + 1] === undefined || events[i + 1]!.kind === 'join', `an event of the author after the leave at ${event.seq}`);
    });
    assert.equal(outcomes.stored + outcomes.refused, 20);
  });

  test('welcome is the first frame a connection gets, however busy its rooms are', async () => {
    const talker = await enter('Talker');
    const listener = await enter('Listener');
    let sending = true;
    let n = 0;
    const chatter = (async () => {
      while (sending) {
        const burst = Array.from({ length: 10 }, () =>
          talker.client.request({ type: 'send', id: `busy-${String(n++).padStart(6, '0')}`, room: 'lobby', body: 'busy' }),
        );
        await Promise.all(burst);
      }
    })();
    try {
      for (let i = 0; i < 15; i++) {
        const client = await connectRaw(new URL('/ws', url().replace('http', 'ws')).toString(), { token: listener.token });
        await client.waitFor((frame) => frame.type === 'event');
        client.close();
        assert.equal(client.frames[0]?.type, 'welcome', `connection ${i}: first frame ${JSON.stringify(client.frames[0]).slice(0, 80)}`);
      }
    } finally {
      sending = false;
      await chatter;
    }
  });
});
