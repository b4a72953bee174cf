/**
 * A cluster's files: three nodes on one PostgreSQL database and one Redis,
 * files kept in PostgreSQL (FILES_STORAGE=postgres). A file uploaded through
 * node 1 and sent there is delivered through node 3 and served by node 3 and
 * node 2; deleted through node 2, it is gone on every node.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventFrame, MessageEvent } from '@parley/protocol';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { createTestDatabase, skipWithoutPostgres, type TestDatabase } from '../testing/postgres.js';
import { REDIS_URL, removePrefix, skipWithoutRedis, testPrefix } from '../testing/redis.js';
import { connectRaw, guest, type RawClient } from '../testing/ws-client.js';
import { download, pdf, png, uploadRaw } from '../testing/files.js';

const skip = (await skipWithoutPostgres()) || (await skipWithoutRedis());

describe('files in a cluster: uploaded through node 1, served by node 3', { skip, timeout: 60_000 }, () => {
  let database: TestDatabase;
  let prefix: string;
  const nodes: ServerProcess[] = [];
  const open: RawClient[] = [];
  before(async () => {
    database = await createTestDatabase();
    prefix = testPrefix();
    const env = { DATABASE_URL: database.url, REDIS_URL, REDIS_PREFIX: prefix, FILES_STORAGE: 'postgres' };
    // One after the other: the first creates the schema (the others would wait on its lock anyway).
    for (let i = 0; i < 3; i++) nodes.push(await startServerProcess({ env }));
  });
  after(async () => {
    for (const client of open) client.close();
    await Promise.all(nodes.map((node) => node.stop()));
    await database?.drop();
    if (prefix) await removePrefix(prefix);
  });

  test('each node serves what another stored, and a deletion through a third ends it everywhere', async () => {
    const [one, two, three] = nodes as [ServerProcess, ServerProcess, ServerProcess];
    const ann = await guest(one.url, 'Ann');
    const bob = await guest(three.url, 'Bob');
    const annOnOne = await connectRaw(one.wsUrl, { token: ann.token });
    const bobOnThree = await connectRaw(three.wsUrl, { token: bob.token });
    open.push(annOnOne, bobOnThree);

    const image = await png(800, 600, '#227744');
    const photo = (await uploadRaw(one.url, ann.token, 'lobby', 'cluster.png', image)).attachment!;
    const document = (await uploadRaw(one.url, ann.token, 'lobby', 'cluster.pdf', pdf('cluster'))).attachment!;
    annOnOne.send({ type: 'send', id: 'cluster-files-1', room: 'lobby', body: 'from node 1', attachments: [photo.id, document.id] });
    const { event } = await bobOnThree.waitFor<EventFrame>(
      (frame) => frame.type === 'event' && frame.event.kind === 'message' && (frame.event as MessageEvent).id === 'cluster-files-1',
      10_000,
    );
    assert.deepEqual((event as MessageEvent).attachments, [photo, document]);

    for (const node of [three, two]) {
      const got = await download(node.url, photo.url, bob.token);
      assert.equal(got.status, 200, node.url);
      assert.ok(got.body.equals(image));
      assert.ok((await download(node.url, document.url, bob.token)).body.equals(pdf('cluster')));
      assert.equal((await download(node.url, photo.thumbnailUrl!, bob.token)).headers.get('content-type'), 'image/webp');
    }

    await annOnOne.request({ type: 'delete', ref: 'd1', room: 'lobby', target: event.seq });
    for (const node of nodes) assert.equal((await download(node.url, photo.url, bob.token)).status, 404, node.url);
  });
});
