/**
 * A client's own messages are stored in the order they were written, also
 * when the server refuses some of them for a while (rate limits on): a send
 * refused and retried never lands after one written later.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { messagesOf, startServer, waitFor, within } from '../test-support/helpers.js';

/** A real WebSocket that notes, in order, every send it writes and every answer to one (no stand-in: it is `ws` itself). */
function recordingWebSocket(log: string[]) {
  return class RecordingWebSocket extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      this.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as { type: string; ref?: string | null };
        if ((frame.type === 'ack' || frame.type === 'error') && typeof frame.ref === 'string' && frame.ref.startsWith('msg-')) log.push(`in ${frame.type} ${frame.ref}`);
      });
    }

    override send(data: unknown, ...rest: unknown[]): void {
      const frame = JSON.parse(String(data)) as { type: string; id?: string; room?: string };
      if (frame.type === 'send') log.push(`out ${frame.room} ${frame.id}`);
      (super.send as (...args: unknown[]) => void)(data, ...rest);
    }
  };
}

it('a burst past the rate limit is stored in the order written, in each room, and nothing is given up', { timeout: 60_000 }, async (t) => {
  const { server, pool } = await startServer(t);
  const log: string[] = [];
  const writer = pool.create(server.url, { kind: 'guest', name: 'writer' }, { WebSocket: recordingWebSocket(log) as unknown as typeof WebSocket });
  await within('connects', writer.connect());
  const other = (await within('a second room', writer.createRoom('second room'))).id;

  // 30 in the lobby and 6 in the other room, written at once: past the burst of 20 the server refuses
  // with rate_limited (5 a second after it), and the refused ones are sent again.
  const written: Array<{ room: string; id: string }> = [];
  const sends = [];
  for (let i = 0; i < 36; i++) {
    const room = i % 6 === 5 ? other : 'lobby';
    const id = `msg-${String(i).padStart(6, '0')}`;
    written.push({ room, id });
    sends.push(writer.send(room, `message ${i}`, { id }));
  }
  const results = await within('every send is stored', Promise.all(sends), 30_000);
  assert.ok(log.some((line) => line.startsWith('in error')), 'the server refused some (rate limits on), or the test proves nothing');

  for (const room of ['lobby', other]) {
    const mine = written.map((w, i) => ({ ...w, seq: results[i]!.seq })).filter((w) => w.room === room);
    for (let i = 1; i < mine.length; i++) assert.ok(mine[i]!.seq > mine[i - 1]!.seq, `${room}: ${mine[i]!.id} (seq ${mine[i]!.seq}) stored before ${mine[i - 1]!.id} (seq ${mine[i - 1]!.seq})`);
    await waitFor(`${room}'s timeline has them`, () => messagesOf(writer, room).filter((m) => m.id.startsWith('msg-')).length === mine.length);
    assert.deepEqual(messagesOf(writer, room).filter((m) => m.id.startsWith('msg-')).map((m) => m.id), mine.map((m) => m.id), `${room}: on screen in the order written`);
  }

  // On the wire: a room's next message left only once the one before it was answered.
  const unanswered = new Map<string, string>();
  for (const line of log) {
    const [direction, a, b] = line.split(' ');
    if (direction === 'out') {
      const waiting = unanswered.get(a!);
      assert.ok(waiting === undefined || waiting === b, `${b} was written while ${waiting} of the same room was unanswered`);
      unanswered.set(a!, b!);
    } else {
      for (const [room, id] of unanswered) if (id === b) unanswered.delete(room);
    }
  }
  await waitFor('the outbox empties', () => writer.getSnapshot().outbox.length === 0);
});
