import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';

interface Answer {
  status: number;
  code: string | undefined;
}

/** POSTs JSON from `localAddress` (any 127.x address is this machine: a client elsewhere, as the server sees it). */
function postFrom(server: ServerProcess, localAddress: string, path: string, body: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = request(
      { host: '127.0.0.1', port: server.port, localAddress, method: 'POST', path, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (data += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, code: data ? (JSON.parse(data) as { error?: { code: string } }).error?.code : undefined }));
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

describe('login throttling', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServerProcess();
    const registered = await postFrom(server, '127.0.0.1', '/api/auth/register', { username: 'owner', password: 'the-right-password' });
    assert.equal(registered.status, 201);
  });
  after(async () => {
    await server.stop();
  });

  test('wrong passwords from one address do not lock the owner out from another', async () => {
    const attacker = [];
    for (let i = 0; i < 8; i++) attacker.push(await postFrom(server, '127.0.0.2', '/api/auth/login', { username: 'owner', password: `guess-${i}-wrong` }));
    assert.ok(attacker.some((a) => a.status === 429 && a.code === 'rate_limited'), `the attacker was never slowed: ${JSON.stringify(attacker)}`);
    const owner = await postFrom(server, '127.0.0.3', '/api/auth/login', { username: 'owner', password: 'the-right-password' });
    assert.equal(owner.status, 200, JSON.stringify(owner));
    // …and the attacker's address stays limited for that account.
    assert.equal((await postFrom(server, '127.0.0.2', '/api/auth/login', { username: 'owner', password: 'the-right-password' })).status, 429);
  });

  test('one address spraying many usernames is limited across them', async () => {
    const answers: Answer[] = [];
    for (let i = 0; i < 45 && !answers.some((a) => a.status === 429); i++) {
      answers.push(await postFrom(server, '127.0.0.4', '/api/auth/login', { username: `sprayed-${i}`, password: 'password-123' }));
    }
    const limited = answers.findIndex((a) => a.status === 429);
    assert.ok(limited > 0, `45 usernames tried from one address, none limited: ${answers.map((a) => a.status).join(' ')}`);
    assert.equal(answers[limited]!.code, 'rate_limited');
    assert.ok(answers.slice(0, limited).every((a) => a.status === 401));
    // Another address is not held back by it.
    assert.equal((await postFrom(server, '127.0.0.5', '/api/auth/login', { username: 'sprayed-0', password: 'password-123' })).status, 401);
  });

  test('password hashing is bounded: a burst past what the hashers can take is refused as unavailable (retryable)', async () => {
    // 25 usernames from each of 4 addresses, all at once: within every rate limit, far past the hashers.
    const burst = Array.from({ length: 100 }, (_, i) =>
      postFrom(server, `127.0.1.${1 + (i % 4)}`, '/api/auth/login', { username: `burst-${i}`, password: 'password-123' }),
    );
    const answers = await Promise.all(burst);
    const statuses = answers.map((a) => a.status);
    const refused = answers.filter((a) => a.status === 503);
    console.log(`a burst of 100 logins: ${statuses.filter((s) => s === 401).length} answered, ${refused.length} refused as unavailable`);
    assert.ok(refused.length > 0, `none refused: ${statuses.join(' ')}`);
    assert.ok(refused.every((a) => a.code === 'unavailable'));
    assert.ok(statuses.every((s) => s === 401 || s === 503), statuses.join(' '));
    // Once the burst is over the owner signs in as usual.
    assert.equal((await postFrom(server, '127.0.0.6', '/api/auth/login', { username: 'owner', password: 'the-right-password' })).status, 200);
  });
});

describe('account and guest creation', () => {
  test('beyond the per-address limit, a limit over all addresses holds sign-ups from many addresses', async () => {
    const server = await startServerProcess();
    try {
      const counts: Record<string, number> = {};
      let globallyRefused = 0;
      // 30 sign-ups are allowed per address at once; eight addresses could make 240.
      for (let round = 0; round < 30; round++) {
        const answers = await Promise.all(
          Array.from({ length: 8 }, (_, a) => postFrom(server, `127.0.2.${a + 1}`, '/api/auth/guest', { name: `Guest ${round}-${a}` })),
        );
        answers.forEach((answer, a) => {
          if (answer.status === 201) counts[a] = (counts[a] ?? 0) + 1;
          else if (answer.status === 429) globallyRefused++;
          else assert.fail(`unexpected ${JSON.stringify(answer)}`);
        });
      }
      const created = Object.values(counts).reduce((sum, n) => sum + n, 0);
      console.log(`sign-ups from 8 addresses, 30 each: ${created} created, ${globallyRefused} refused`);
      assert.ok(globallyRefused > 0, 'every one of 240 sign-ups was created');
      assert.ok(created >= 100, `only ${created} created`);
    } finally {
      await server.stop();
    }
  });
});
