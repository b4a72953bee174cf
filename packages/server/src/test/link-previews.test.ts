/**
 * Link previews end to end, against a real server process (on SQLite, and on PostgreSQL when
 * PARLEY_TEST_STORE says so) and pages served from 127.0.0.1:
 * - a preview follows edits: replaced when the first link changes, taken off when it goes,
 *   untouched when it stays; every reader learns each change by a `preview` event;
 * - a preview fetched for a link an edit has replaced, or for a message deleted meanwhile, is
 *   not attached;
 * - pages in EUC-KR (by header, by `<meta charset>`, by `<meta http-equiv>`) and windows-1252
 *   read right.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AckFrame, EventFrame, HistoryPage, MessageEvent, PreviewEvent, ServerFrame } from '@parley/protocol';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { enterAsGuest, type GuestSession, type RawClient } from '../testing/ws-client.js';
import { Receiver, eventually, type Answer } from '../testing/receiver.js';

const ENV = { RATE_LIMITS: 'off', LINK_PREVIEWS: 'on', LINK_PREVIEW_TIMEOUT_MS: '10000', OUTBOUND_ALLOWED_ADDRESSES: '127.0.0.1' };

/** 한국어 뉴스 and 안녕하세요 in EUC-KR. */
const KOREAN_NEWS = [0xc7, 0xd1, 0xb1, 0xb9, 0xbe, 0xee, 0x20, 0xb4, 0xba, 0xbd, 0xba];
const HELLO = [0xbe, 0xc8, 0xb3, 0xe7, 0xc7, 0xcf, 0xbc, 0xbc, 0xbf, 0xe4];
/** `Café – €5 “menu”` in windows-1252 (0x96, 0x80, 0x93 and 0x94 are not ISO-8859-1 characters). */
const CAFE = [0x43, 0x61, 0x66, 0xe9, 0x20, 0x96, 0x20, 0x80, 0x35, 0x20, 0x93, 0x6d, 0x65, 0x6e, 0x75, 0x94];

/** A page whose title and description are `title` and `description`, bytes as given, `head` before them. */
function page(head: string, title: readonly number[], description: readonly number[]): Buffer {
  const ascii = (text: string) => Buffer.from(text, 'latin1');
  return Buffer.concat([
    ascii(`<!doctype html><html><head>${head}<title>`),
    Buffer.from(title),
    ascii('</title><meta name="description" content="'),
    Buffer.from(description),
    ascii('"></head><body></body></html>'),
  ]);
}

const html = (title: string): Answer => ({ headers: { 'content-type': 'text/html; charset=utf-8' }, body: `<title>${title}</title>` });

describe('link previews, end to end', { timeout: 120_000 }, () => {
  let server: ServerProcess;
  const open: RawClient[] = [];
  const sites: Receiver[] = [];
  let n = 0;

  before(async () => {
    server = await startServerProcess({ env: ENV });
  });
  after(async () => {
    for (const client of open) client.close();
    for (const site of sites) await site.stop();
    await server?.stop();
  });

  async function site(handler: ConstructorParameters<typeof Receiver>[0]): Promise<Receiver> {
    const made = new Receiver(handler);
    sites.push(made);
    await made.start();
    return made;
  }

  async function roomWith(owner: GuestSession, reader: GuestSession): Promise<string> {
    const { room } = await owner.client.request<AckFrame<'create'>>({ type: 'create', name: `previews ${++n}`, kind: 'public' });
    await reader.client.request({ type: 'join', room: room.id });
    return room.id;
  }

  const send = (who: GuestSession, room: string, body: string) => who.client.request<AckFrame<'send'>>({ type: 'send', id: `msg-${++n}-preview`, room, body });
  const edit = (who: GuestSession, room: string, target: number, body: string) => who.client.request<AckFrame<'edit'>>({ type: 'edit', room, target, body });

  const isPreview = (room: string, target: number) => (frame: ServerFrame) => frame.type === 'event' && frame.event.room === room && frame.event.kind === 'preview' && frame.event.target === target;
  /** The preview events of message `target` a client got, as the links they attach (null: taken off). */
  const previewsSeen = (client: RawClient, room: string, target: number) =>
    client.frames.filter(isPreview(room, target)).map((frame) => ((frame as EventFrame).event as PreviewEvent).preview?.url ?? null);

  async function history(client: RawClient, room: string): Promise<HistoryPage> {
    return (await client.request<AckFrame<'history'>>({ type: 'history', room })) as unknown as HistoryPage;
  }

  async function superseded(): Promise<number> {
    const metrics = await (await fetch(`${server.url}/api/metrics`)).text();
    return Number(/parley_link_previews_total\{result="superseded"\} (\d+)/.exec(metrics)?.[1] ?? 0);
  }

  test('a preview follows edits: another first link replaces it, no link takes it off, the same link changes nothing', async () => {
    const owner = await enterAsGuest(server, 'Owner', open);
    const reader = await enterAsGuest(server, 'Reader', open);
    const room = await roomWith(owner, reader);
    const pages = await site((request) => html(`Page ${request.path.slice(1)}`));
    const [a, b] = [pages.url('/a'), pages.url('/b')];

    const { seq } = await send(owner, room, `look at ${a} first`);
    await eventually(() => previewsSeen(reader.client, room, seq).length === 1, 'the first preview');

    const moved = await edit(owner, room, seq, `no, ${b} and then ${a}`);
    await eventually(() => previewsSeen(reader.client, room, seq).length === 3, "the old preview taken off and the new link's attached");
    // The preview is taken off by the edit's own write, right after the edit; the new one comes when fetched.
    const removal = reader.client.frames.find((f) => isPreview(room, seq)(f) && !((f as EventFrame).event as PreviewEvent).preview) as EventFrame;
    assert.equal(removal.event.seq, moved.seq + 1);

    const kept = await edit(owner, room, seq, `still ${b}, with more words`);
    const gone = await edit(owner, room, seq, 'never mind the links');
    await eventually(() => previewsSeen(reader.client, room, seq).length === 4, 'the preview taken off');
    assert.deepEqual(previewsSeen(reader.client, room, seq), [a, null, b, null]);
    assert.equal(pages.requests.filter((r) => r.path === '/b').length, 1, 'an edit that keeps the link fetches nothing');

    // The log says the same to a late reader: no preview event between the kept edit and the last.
    const { events } = await history(reader.client, room);
    const message = events.find((e) => e.seq === seq) as MessageEvent;
    assert.equal(message.preview, undefined);
    assert.equal(message.body, 'never mind the links');
    const after = events.filter((e) => e.seq > kept.seq && e.kind === 'preview');
    assert.deepEqual(after.map((e) => e.seq), [gone.seq + 1]);

    // A link again: its preview is attached again (from the node's cache).
    await edit(owner, room, seq, `after all: ${a}`);
    await eventually(() => previewsSeen(reader.client, room, seq).length === 5, 'the preview again');
    const again = await history(owner.client, room);
    assert.deepEqual((again.events.find((e) => e.seq === seq) as MessageEvent).preview, { url: a, title: 'Page a' });
  });

  test('a preview fetched for a link an edit replaced, or for a message deleted meanwhile, is not attached', async () => {
    const owner = await enterAsGuest(server, 'Owner', open);
    const reader = await enterAsGuest(server, 'Reader', open);
    const room = await roomWith(owner, reader);
    const gates = new Map<string, () => void>();
    const pages = await site((request) => {
      if (!request.path.startsWith('/slow')) return html('Fast');
      return new Promise<Answer>((resolve) => gates.set(request.path, () => resolve(html('Slow'))));
    });
    const before = await superseded();

    const edited = await send(owner, room, `slow one: ${pages.url('/slow-1')}`);
    await eventually(() => gates.has('/slow-1'), 'the slow page requested');
    await edit(owner, room, edited.seq, `fast one: ${pages.url('/fast')}`);
    await eventually(() => previewsSeen(reader.client, room, edited.seq).length === 1, 'the fast preview');
    gates.get('/slow-1')!();
    await eventually(async () => (await superseded()) === before + 1, 'the slow preview turned down');

    const deleted = await send(owner, room, `slow again: ${pages.url('/slow-2')}`);
    await eventually(() => gates.has('/slow-2'), 'the second slow page requested');
    await owner.client.request({ type: 'delete', room, target: deleted.seq });
    gates.get('/slow-2')!();
    await eventually(async () => (await superseded()) === before + 2, 'the preview of the deleted message turned down');

    assert.deepEqual(previewsSeen(reader.client, room, edited.seq), [pages.url('/fast')]);
    assert.deepEqual(previewsSeen(reader.client, room, deleted.seq), []);
    const { events } = await history(reader.client, room);
    assert.deepEqual((events.find((e) => e.seq === edited.seq) as MessageEvent).preview, { url: pages.url('/fast'), title: 'Fast' });
    assert.deepEqual(events.filter((e) => e.kind === 'preview').map((e) => (e as PreviewEvent).target), [edited.seq]);
  });

  test('pages in EUC-KR (by header, <meta charset> or <meta http-equiv>) and in windows-1252 read right', async () => {
    const owner = await enterAsGuest(server, 'Owner', open);
    const reader = await enterAsGuest(server, 'Reader', open);
    const room = await roomWith(owner, reader);
    const answers: Record<string, Answer> = {
      '/header': { headers: { 'content-type': 'text/html; charset=EUC-KR' }, body: page('', KOREAN_NEWS, HELLO) },
      '/meta': { headers: { 'content-type': 'text/html' }, body: page('<meta charset="euc-kr">', KOREAN_NEWS, HELLO) },
      '/http-equiv': { headers: { 'content-type': 'text/html' }, body: page('<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">', KOREAN_NEWS, HELLO) },
      '/cp1252': { headers: { 'content-type': 'text/html; charset=windows-1252' }, body: page('', CAFE, CAFE) },
      '/utf-8': { headers: { 'content-type': 'text/html' }, body: page('', [...Buffer.from('한국어 뉴스')], [...Buffer.from('안녕하세요')]) },
    };
    const pages = await site((request) => answers[request.path] ?? { status: 404 });
    const expected = { title: '한국어 뉴스', description: '안녕하세요' };
    const wanted: Record<string, { title: string; description: string }> = {
      '/header': expected,
      '/meta': expected,
      '/http-equiv': expected,
      '/cp1252': { title: 'Café – €5 “menu”', description: 'Café – €5 “menu”' },
      '/utf-8': expected,
    };
    for (const [path, texts] of Object.entries(wanted)) {
      const { seq } = await send(owner, room, `read ${pages.url(path)}`);
      const frame = await reader.client.waitFor<EventFrame>(isPreview(room, seq), 20_000);
      assert.deepEqual((frame.event as PreviewEvent).preview, { url: pages.url(path), ...texts }, path);
    }
  });
});
