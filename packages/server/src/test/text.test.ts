import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AckFrame, ErrorFrame, EventFrame, MessageEvent } from '@parley/protocol';
import { useGuestServer } from '../testing/guest-server.js';
import { startServerProcess } from '../testing/server-process.js';
import type { GuestSession, RawClient } from '../testing/ws-client.js';

/** Sends raw JSON text (escapes such as \ud800 reach the server as written) and returns the reply to `ref`. */
async function reply(client: RawClient, ref: string, text: string): Promise<AckFrame | ErrorFrame> {
  const sentAt = client.frames.length;
  client.sendText(text);
  return client.waitFor<AckFrame | ErrorFrame>((f) => (f.type === 'ack' || f.type === 'error') && f.ref === ref && client.frames.indexOf(f) >= sentAt);
}

describe('text is stored exactly as it was delivered', () => {
  const { enter } = useGuestServer();
  let ann: GuestSession;
  before(async () => {
    ann = await enter('Ann');
  });

  test('a body with a lone surrogate or a NUL is refused with invalid_frame, live and stored never differ', async () => {
    const cases = [
      ['lone-high-01', String.raw`lone \ud800 surrogate`],
      ['lone-low-001', String.raw`lone \udc00 surrogate`],
      ['reversed-001', String.raw`pair \udc00\ud800 reversed`],
      ['nul-char-001', String.raw`nul \u0000 inside`],
    ];
    for (const [id, body] of cases) {
      const answer = await reply(ann.client, id!, `{"type":"send","id":"${id}","room":"lobby","body":"${body}"}`);
      assert.equal(answer.type, 'error', `${body} was stored`);
      assert.equal((answer as ErrorFrame).code, 'invalid_frame');
      assert.match((answer as ErrorFrame).message, /body/);
    }
    const edit = await reply(ann.client, 'e1', String.raw`{"type":"edit","ref":"e1","room":"lobby","target":1,"body":"x \ud800"}`);
    assert.equal(edit.type === 'error' && edit.code, 'invalid_frame');
  });

  test('well-formed text (surrogate pairs, every plane) is delivered and read back identical', async () => {
    const body = 'emoji 😀 (a surrogate pair), 𝄞, 한국어, tab\there, U+FFFD \ufffd itself';
    const ack = await ann.client.request<AckFrame<'send'>>({ type: 'send', id: 'well-formed-1', room: 'lobby', body });
    const live = await ann.client.waitFor<EventFrame>((f) => f.type === 'event' && f.event.seq === ack.seq);
    const page = await ann.client.request<AckFrame<'history'>>({ type: 'history', room: 'lobby', after: ack.seq - 1, limit: 1 });
    assert.equal((live.event as MessageEvent).body, body);
    assert.equal((page.events[0] as MessageEvent).body, body);
  });

  test('room names, display names and emoji with a lone surrogate or a NUL are refused', async () => {
    const frames: Array<[string, string]> = [
      ['c1', String.raw`{"type":"create","ref":"c1","name":"room \ud83d","kind":"public"}`],
      ['c2', String.raw`{"type":"create","ref":"c2","name":"room \u0000","kind":"public"}`],
      ['n1', String.raw`{"type":"rename","ref":"n1","name":"Ann \udfff"}`],
      ['n2', String.raw`{"type":"rename","ref":"n2","name":"Ann \u0000"}`],
      ['x1', String.raw`{"type":"react","ref":"x1","room":"lobby","target":1,"emoji":"\ud83d","on":true}`],
      ['j1', String.raw`{"type":"join","ref":"j1","room":"lobby\u0000"}`],
      ['j2', String.raw`{"type":"join","ref":"j2","room":"\ud800"}`],
    ];
    for (const [ref, text] of frames) {
      const answer = await reply(ann.client, ref, text);
      assert.equal(answer.type === 'error' && answer.code, 'invalid_frame', text);
    }
  });
});

describe('names over REST', () => {
  test('a guest or account name with a lone surrogate or a NUL is refused with invalid_frame', async () => {
    const server = await startServerProcess();
    try {
      const bodies: Array<[string, string]> = [
        ['/api/auth/guest', String.raw`{"name":"Guest \ud800"}`],
        ['/api/auth/guest', String.raw`{"name":"Guest \u0000"}`],
        ['/api/auth/register', String.raw`{"username":"lone","password":"correct horse","name":"Lone \udc00"}`],
        ['/api/auth/register', String.raw`{"username":"lone2","password":"correct \ud800 horse"}`],
        ['/api/auth/login', String.raw`{"username":"lone\u0000","password":"correct horse"}`],
      ];
      for (const [path, body] of bodies) {
        const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        assert.equal(response.status, 400, `${path} ${body}`);
        assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'invalid_frame');
      }
    } finally {
      await server.stop();
    }
  });
});
