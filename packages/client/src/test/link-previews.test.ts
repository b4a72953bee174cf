/**
 * Link previews that follow edits, through the SDK against a real server: the timeline of a
 * member who watched the edits and that of one who connects afterwards hold the same preview —
 * the new link's after an edit that changed it, none after an edit that left no link.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Receiver } from '@parley/server/testing/receiver';
import { messagesOf, startServer, waitFor, within } from '../test-support/helpers.js';

it("a message's preview in the timeline follows its edits", { timeout: 60_000 }, async (t) => {
  const { server, pool } = await startServer(t, { env: { OUTBOUND_ALLOWED_ADDRESSES: '127.0.0.1', LINK_PREVIEWS: 'on' } });
  const site = new Receiver((request) => ({ headers: { 'content-type': 'text/html' }, body: `<title>Page ${request.path.slice(1)}</title>` }));
  await site.start();
  t.after(() => site.stop());

  const owner = pool.create(server.url, { kind: 'guest', name: 'Owner' });
  const reader = pool.create(server.url, { kind: 'guest', name: 'Reader' });
  await within('clients connect', Promise.all([owner.connect(), reader.connect()]));
  const room = await owner.createRoom('links');
  await reader.join(room.id);
  const previewOf = (client: typeof owner) => messagesOf(client, room.id).find((m) => m.seq === seq)?.preview;

  const { seq } = await owner.send(room.id, `see ${site.url('/one')}`);
  await waitFor('the first preview', () => previewOf(reader)?.title === 'Page one');
  await owner.edit(room.id, seq, `rather ${site.url('/two')}`);
  await waitFor('the preview of the new link', () => previewOf(reader)?.title === 'Page two');
  assert.equal(previewOf(reader)?.url, site.url('/two'));

  await owner.edit(room.id, seq, 'no link any more');
  await waitFor('the preview taken off', () => previewOf(reader) === undefined && messagesOf(reader, room.id).find((m) => m.seq === seq)?.body === 'no link any more');

  // Someone who connects now reads the same state from the log.
  const late = pool.create(server.url, { kind: 'guest', name: 'Late' });
  await within('the late client connects', late.connect());
  await late.join(room.id);
  await waitFor('the message in the late timeline', () => messagesOf(late, room.id).some((m) => m.seq === seq));
  assert.equal(previewOf(late), undefined);
  assert.equal(previewOf(owner), undefined);
});
