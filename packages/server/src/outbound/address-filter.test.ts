/**
 * The address filter and the guarded fetcher's refusals. Nothing here opens a connection to a
 * refused address: the filter is a pure function, and the fetcher refuses before it connects
 * (the only server these tests reach listens on 127.0.0.1, explicitly allowed).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AddressFilter, parseCidr } from './address-filter.js';
import { GuardedFetcher, RefusedAddressError, type Resolver } from './guarded-fetch.js';

const REFUSED: Array<[string, string]> = [
  ['169.254.169.254', 'linkLocal'],
  ['10.0.0.1', 'private'],
  ['172.16.5.4', 'private'],
  ['192.168.1.1', 'private'],
  ['127.0.0.1', 'loopback'],
  ['127.255.0.9', 'loopback'],
  ['0.0.0.0', 'unspecified'],
  ['100.64.0.1', 'carrierGradeNat'],
  ['224.0.0.1', 'multicast'],
  ['255.255.255.255', 'broadcast'],
  ['192.0.2.1', 'reserved'],
  ['::1', 'loopback'],
  ['::', 'unspecified'],
  ['fe80::1', 'linkLocal'],
  ['fc00::1', 'uniqueLocal'],
  ['fd12:3456::1', 'uniqueLocal'],
  ['ff02::1', 'multicast'],
  // IPv4-mapped IPv6: judged as the IPv4 address it carries.
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:169.254.169.254', 'linkLocal'],
  ['::ffff:a00:1', 'private'],
  // IPv6 forms that carry an IPv4 address to elsewhere.
  ['2002:7f00:1::', '6to4'],
  ['64:ff9b::a00:1', 'rfc6052'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo'],
];

const ALLOWED = ['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8'];

describe('the address filter', () => {
  const filter = new AddressFilter();

  test('refuses private, loopback, link-local (metadata), unique-local, multicast, CGNAT and mapped addresses, naming the range', () => {
    for (const [address, range] of REFUSED) assert.equal(filter.refusal(address), range, address);
  });

  test('lets public unicast addresses through', () => {
    for (const address of ALLOWED) assert.equal(filter.refusal(address), null, address);
  });

  test('refuses what is not an IP address', () => {
    for (const text of ['localhost', 'example.com', '', '1.2.3', '::g']) assert.notEqual(filter.refusal(text), null, text);
  });

  test('the operator’s allow-list lets chosen addresses and blocks through, and nothing else', () => {
    const allowing = new AddressFilter(['127.0.0.1', '10.20.0.0/16', 'fd00::/8', '::ffff:192.168.7.0/120'].map(parseCidr));
    assert.equal(allowing.refusal('127.0.0.1'), null);
    assert.equal(allowing.refusal('::ffff:127.0.0.1'), null);
    assert.equal(allowing.refusal('127.0.0.2'), 'loopback');
    assert.equal(allowing.refusal('10.20.3.4'), null);
    assert.equal(allowing.refusal('10.21.0.1'), 'private');
    assert.equal(allowing.refusal('fd00::5'), null);
    assert.equal(allowing.refusal('fc00::5'), 'uniqueLocal');
    assert.equal(allowing.refusal('192.168.7.9'), null);
    assert.equal(allowing.refusal('169.254.169.254'), 'linkLocal');
    assert.throws(() => parseCidr('not an address'));
    assert.throws(() => parseCidr('10.0.0.0/33'));
  });
});

describe('the guarded fetcher refuses before it connects', () => {
  // Names resolved by the test, never by DNS: what an attacker's name server could answer.
  const names: Record<string, string[]> = {
    'metadata.attacker.example': ['169.254.169.254'],
    'internal.attacker.example': ['10.0.0.1'],
    'mixed.attacker.example': ['10.0.0.1', 'fd00::1'],
  };
  const resolve: Resolver = async (host) => {
    const found = names[host];
    if (!found) throw new Error(`unknown test host ${host}`);
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  const fetcher = new GuardedFetcher(new AddressFilter(), { userAgent: 'test', resolve });
  const request = { timeoutMs: 5000, maxBytes: 1024, maxRedirects: 3 };

  test('IP literals, names that resolve to refused addresses, other schemes and credentials in URLs', async () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/',
      'http://[::1]:8080/',
      'http://[::ffff:127.0.0.1]/',
      'https://[fe80::1]/',
      'http://metadata.attacker.example/',
      'http://internal.attacker.example:8443/x',
      'http://mixed.attacker.example/',
      'ftp://8.8.8.8/',
      'file:///etc/passwd',
      'http://user:pass@8.8.8.8/',
    ]) {
      await assert.rejects(fetcher.fetch(url, request), RefusedAddressError, url);
    }
  });

  describe('redirects', () => {
    let server: Server;
    let port: number;
    let requests = 0;
    before(async () => {
      server = createServer((req, res) => {
        requests++;
        if (req.url === '/to-metadata') res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
        else if (req.url === '/to-internal-name') res.writeHead(301, { location: 'http://internal.attacker.example/' }).end();
        else if (req.url === '/to-self') res.writeHead(307, { location: '/page' }).end();
        else if (req.url === '/never-ends') res.writeHead(200, { 'content-type': 'text/html' }).write('<html><head>');
        else res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(4096));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    after(() => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });

    const allowingLoopback = new GuardedFetcher(new AddressFilter([parseCidr('127.0.0.1')]), { userAgent: 'test', resolve });

    test('each hop is judged again: a redirect to a refused address is refused', async () => {
      await assert.rejects(allowingLoopback.fetch(`http://127.0.0.1:${port}/to-metadata`, request), RefusedAddressError);
      await assert.rejects(allowingLoopback.fetch(`http://127.0.0.1:${port}/to-internal-name`, request), RefusedAddressError);
    });

    test('an allowed redirect is followed; a body over the limit is cut or refused', async () => {
      const before = requests;
      const cut = await allowingLoopback.fetch(`http://127.0.0.1:${port}/to-self`, { ...request, truncate: true });
      assert.equal(cut.status, 200);
      assert.equal(cut.body.length, 1024);
      assert.equal(cut.url, `http://127.0.0.1:${port}/page`);
      assert.equal(requests - before, 2);
      await assert.rejects(allowingLoopback.fetch(`http://127.0.0.1:${port}/page`, request), /larger than 1024 bytes/);
    });

    test('a body that never ends is given up at the deadline', async () => {
      await assert.rejects(allowingLoopback.fetch(`http://127.0.0.1:${port}/never-ends`, { ...request, timeoutMs: 300 }), (error: Error) => error.name === 'TimeoutError');
    });

    test('without the allow-list even the loopback server is refused, and sees no request', async () => {
      const before = requests;
      await assert.rejects(fetcher.fetch(`http://127.0.0.1:${port}/page`, request), RefusedAddressError);
      assert.equal(requests, before);
    });
  });
});
