import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CLOSE, type ErrorFrame } from '@parley/protocol';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { connectRaw, guest, type RawClient } from '../testing/ws-client.js';

/** Sends raw text and returns the error frame it produced. */
async function errorFor(client: RawClient, text: string): Promise<ErrorFrame> {
  const before = client.frames.length;
  client.sendText(text);
  return client.waitFor<ErrorFrame>((f) => f.type === 'error' && client.frames.indexOf(f) >= before);
}

describe('bad input never crashes the server or disturbs others', () => {
  let server: ServerProcess;
  let bystander: RawClient;
  let bystanderToken: string;
  before(async () => {
    server = await startServerProcess({ env: { RATE_LIMITS: 'off' } });
    bystanderToken = (await guest(server.url, 'Bystander')).token;
    bystander = await connectRaw(server.wsUrl, { token: bystanderToken });
  });
  after(async () => {
    bystander.close();
    await server.stop();
  });

  async function attacker(): Promise<RawClient> {
    return connectRaw(server.wsUrl, { token: (await guest(server.url, 'Mallory')).token });
  }

  test('each malformed frame gets a typed error and the connection stays usable', async () => {
    const client = await attacker();
    const cases: Array<[string, string]> = [
      ['{"type":"send",', 'invalid_json'],
      ['[1,2,3]', 'invalid_json'],
      ['"just a string"', 'invalid_json'],
      ['null', 'invalid_json'],
      ['{"type":"launch_missiles","ref":"x"}', 'invalid_frame'],
      ['{"ref":"x"}', 'invalid_frame'],
      ['{"type":"send","id":12345678,"room":"lobby","body":"x"}', 'invalid_frame'],
      ['{"type":"send","id":"abcdefgh-1","room":"lobby","body":42}', 'invalid_frame'],
      ['{"type":"send","id":"abcdefgh-2","room":"lobby","body":"x","extra":true}', 'invalid_frame'],
      ['{"type":"history","ref":"h","room":"lobby","limit":-5}', 'invalid_frame'],
      ['{"type":"read","ref":"r","room":"lobby","seq":1.5}', 'invalid_frame'],
      ['{"__proto__":{"admin":true},"type":"rooms","ref":"p"}', 'invalid_frame'],
      ['{"type":"rooms","ref":"c","constructor":{"prototype":{}}}', 'invalid_frame'],
      [`{"type":"rooms","ref":"d","x":${'['.repeat(50)}${']'.repeat(50)}}`, 'invalid_frame'],
      // Refused by a scan of the text before it is parsed: never valid JSON, still too deep.
      [`{"type":"rooms","ref":"e","x":${'['.repeat(30_000)}`, 'invalid_frame'],
      [`{"type":"send","id":"abcdefgh-3","room":"lobby","body":"${'y'.repeat(5000)}"}`, 'body_too_long'],
      ['{"type":"send","id":"abcdefgh-4","room":"lobby","body":"   "}', 'invalid_frame'],
      ['{"type":"resume","ref":"twice","rooms":[{"room":"lobby","after":0},{"room":"lobby","after":0}]}', 'invalid_frame'],
    ];
    for (const [text, code] of cases) {
      const error = await errorFor(client, text);
      assert.equal(error.code, code, `for ${text.slice(0, 60)}: ${error.message}`);
      assert.equal(typeof error.message, 'string');
      assert.equal(error.retryable, false);
    }
    const ok = await client.request<{ seq: number }>({ type: 'send', id: 'still-works-1', room: 'lobby', body: 'still here' });
    assert.ok(ok.seq > 0);
    client.close();
  });

  test('the error names the request it answers when the ref can be read', async () => {
    const client = await attacker();
    const error = await errorFor(client, '{"type":"edit","ref":"my-ref","room":"lobby","target":"one","body":"x"}');
    assert.equal(error.ref, 'my-ref');
    client.close();
  });

  test('binary frames get invalid_frame', async () => {
    const client = await attacker();
    const before = client.frames.length;
    client.ws.send(Buffer.from([1, 2, 3]));
    const error = await client.waitFor<ErrorFrame>((f) => f.type === 'error' && client.frames.indexOf(f) >= before);
    assert.equal(error.code, 'invalid_frame');
    client.close();
  });

  test('an oversized frame closes that connection with 1009', async () => {
    const client = await attacker();
    client.sendText(JSON.stringify({ type: 'send', id: 'big-frame-1', room: 'lobby', body: 'z'.repeat(70 * 1024) }));
    assert.equal((await client.closed).code, CLOSE.tooLarge);
  });

  test('invalid UTF-8 closes that connection with 1007', async () => {
    const client = await attacker();
    // A text frame whose payload is not UTF-8: send raw bytes as a text frame.
    client.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    assert.equal((await client.closed).code, CLOSE.invalidUtf8);
  });

  test('a flood of invalid frames closes with 4029', async () => {
    const client = await attacker();
    for (let i = 0; i < 30; i++) client.sendText('not json');
    assert.equal((await client.closed).code, CLOSE.tooManyErrors);
  });

  test('after all that, nothing half-written landed and the bystander never noticed', async () => {
    const history = await bystander.request<{ events: Array<{ kind: string; body?: string }> }>({ type: 'history', room: 'lobby', limit: 200 });
    const bodies = history.events.filter((e) => e.kind === 'message').map((e) => e.body);
    assert.deepEqual(bodies, ['still here']);
    assert.equal(bystander.ws.readyState, bystander.ws.OPEN);
    assert.ok(!bystander.frames.some((f) => f.type === 'error'));
    const health = await fetch(`${server.url}/api/health`);
    assert.equal(health.status, 200);
  });
});
