/**
 * Files end to end, over raw HTTP and raw WebSockets: uploading, sending with
 * a message, who may fetch, the headers every file answer carries, deleting,
 * the operator's limits, and a client that stalls mid-upload.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import sharp from 'sharp';
import type { EventFrame, MessageEvent } from '@parley/protocol';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { enterAsGuest, type RawClient } from '../testing/ws-client.js';
import { animatedGif, animatedWebp, blobsOnDisk, download, exifTags, losslessWebp, pdf, phonePhoto, png, uploadRaw } from '../testing/files.js';
import { withServerDatabase } from '../testing/server-database.js';

const messageWith = (id: string) => (frame: { type: string }) =>
  frame.type === 'event' && (frame as EventFrame).event.kind === 'message' && (frame as EventFrame).event.user && ((frame as EventFrame).event as MessageEvent).id === id;

describe('files: upload, send, fetch, delete', () => {
  let server: ServerProcess;
  const open: RawClient[] = [];
  before(async () => {
    server = await startServerProcess({ env: { FILES_SWEEP_INTERVAL_MS: '200' } });
  });
  after(async () => {
    for (const client of open) client.close();
    await server.stop();
  });

  test('a PNG and a PDF sent in a private room: members fetch them byte for byte with safe headers; others get 404', async () => {
    const ann = await enterAsGuest(server, 'Ann', open);
    const bob = await enterAsGuest(server, 'Bob', open);
    const eve = await enterAsGuest(server, 'Eve', open);
    const { room } = await ann.client.request<{ room: { id: string } }>({ type: 'create', ref: 'c', name: 'secret', kind: 'private' });
    await ann.client.request({ type: 'invite', ref: 'i', room: room.id, username: bob.user.username });

    const image = await png(640, 480);
    const up = await uploadRaw(server.url, ann.token, room.id, 'holiday/../photo.png', image, { 'content-type': 'text/html' });
    assert.equal(up.status, 201);
    const photo = up.attachment!;
    assert.deepEqual({ ...photo, id: '' }, {
      id: '',
      name: 'photo.png',
      size: image.length,
      contentType: 'image/png',
      url: `/api/files/${photo.id}/photo.png`,
      width: 640,
      height: 480,
      thumbnailUrl: `/api/thumbnails/${photo.id}`,
    });
    assert.match(photo.id, /^[A-Za-z0-9_-]{22}$/);
    const document = (await uploadRaw(server.url, ann.token, room.id, 'plan.pdf', pdf(), { 'content-type': 'image/png' })).attachment!;
    assert.equal(document.contentType, 'application/pdf');
    assert.equal(document.thumbnailUrl, undefined);

    // Before it is sent, a file is its uploader's alone.
    assert.equal((await download(server.url, photo.url, bob.token)).status, 404);
    assert.equal((await download(server.url, photo.url, ann.token)).status, 200);

    ann.client.send({ type: 'send', id: 'msg-with-files-1', room: room.id, body: '', attachments: [photo.id, document.id] });
    const seen = await bob.client.waitFor<EventFrame>(messageWith('msg-with-files-1'));
    const message = seen.event as MessageEvent;
    assert.deepEqual(message.attachments, [photo, document]);
    assert.equal(message.body, '');

    const gotImage = await download(server.url, photo.url, bob.token);
    assert.equal(gotImage.status, 200);
    assert.ok(gotImage.body.equals(image));
    assert.equal(gotImage.headers.get('content-type'), 'image/png');
    assert.match(gotImage.headers.get('content-disposition')!, /^inline; filename="photo.png"/);
    const gotPdf = await download(server.url, document.url, bob.token);
    assert.ok(gotPdf.body.equals(pdf()));
    assert.equal(gotPdf.headers.get('content-type'), 'application/octet-stream');
    assert.match(gotPdf.headers.get('content-disposition')!, /^attachment; filename="plan.pdf"; filename\*=UTF-8''plan.pdf$/);
    for (const got of [gotImage, gotPdf]) {
      assert.equal(got.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(got.headers.get('content-security-policy'), "sandbox; default-src 'none'");
    }
    const thumbnail = await download(server.url, photo.thumbnailUrl!, bob.token);
    assert.equal(thumbnail.headers.get('content-type'), 'image/webp');
    const meta = await sharp(thumbnail.body).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 480, 360]);

    // Eve is not in the room; nobody signed in is nobody: the same 404 as for an id that does not exist.
    for (const [who, token] of [['Eve', eve.token], ['no one', null]] as const) {
      for (const path of [photo.url, document.url, photo.thumbnailUrl!]) assert.equal((await download(server.url, path, token)).status, 404, `${who}: ${path}`);
    }
    assert.equal((await download(server.url, '/api/files/AAAAAAAAAAAAAAAAAAAAAA/x.png', ann.token)).status, 404);
    // Nor can she upload into it, or send someone else's file.
    assert.equal((await uploadRaw(server.url, eve.token, room.id, 'x.png', image)).error?.code, 'not_found');
    const evesOwn = (await uploadRaw(server.url, eve.token, 'lobby', 'x.png', image)).attachment!;
    const refused = await ann.client.request({ type: 'send', id: 'msg-stolen-file', room: room.id, body: 'x', attachments: [evesOwn.id] }).catch((e: { code: string }) => e);
    assert.equal((refused as { code: string }).code, 'not_found');
  });

  test("a phone photo's original is served upright without its metadata (no GPS, no camera), its colour profile kept; an animated WebP's too; an animated GIF is kept as uploaded", async () => {
    const ann = await enterAsGuest(server, 'Photographer', open);
    const photo = await phonePhoto();
    const sent = await sharp(photo).metadata();
    assert.equal(sent.orientation, 6, 'the sample is what it claims');
    assert.ok(exifTags(sent.exif!).has(0x8825) && photo.includes('Phonemaker') && sent.icc !== undefined);

    const up = (await uploadRaw(server.url, ann.token, 'lobby', 'IMG_0001.jpg', photo)).attachment!;
    assert.deepEqual([up.contentType, up.width, up.height], ['image/jpeg', 200, 300]);
    const served = await download(server.url, up.url, ann.token);
    assert.equal(served.status, 200);
    const meta = await sharp(served.body).metadata();
    assert.deepEqual([meta.format, meta.exif, meta.xmp, meta.iptc, meta.orientation], ['jpeg', undefined, undefined, undefined, undefined]);
    assert.ok(!served.body.includes('Phonemaker') && !served.body.includes('Exif\0\0'), 'no trace of the camera or the position');
    assert.deepEqual([meta.width, meta.height], [200, 300], 'turned upright');
    assert.ok(meta.icc?.equals(sent.icc!), 'the Display P3 profile is kept');
    // Red was on the left as stored; a quarter turn clockwise puts it on top.
    const { data, info } = await sharp(served.body).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
    const [top, bottom] = [at(100, 40), at(100, 260)];
    assert.ok(top[0]! > 200 && top[2]! < 60, `red on top: ${top}`);
    assert.ok(bottom[2]! > 200 && bottom[0]! < 60, `blue below: ${bottom}`);
    // What is recorded is what is served: its size, and its hash (the same photo again shares it).
    assert.equal(up.size, served.body.length);
    const stored = await withServerDatabase(server, (db) => db.selectFrom('files').select(['sha256', 'size']).where('id', '=', up.id).executeTakeFirstOrThrow());
    // PostgreSQL answers a bigint as text.
    assert.deepEqual({ ...stored, size: Number(stored.size) }, { sha256: createHash('sha256').update(served.body).digest('hex'), size: served.body.length });
    const blobs = blobsOnDisk(server);
    const again = (await uploadRaw(server.url, ann.token, 'lobby', 'IMG_0001 copy.jpg', photo)).attachment!;
    assert.equal(again.size, up.size);
    assert.equal(blobsOnDisk(server), blobs, 'the same photo again is stored once');

    // A lossless WebP stays lossless: not a pixel changes.
    const drawing = await losslessWebp();
    assert.ok((await sharp(drawing).metadata()).exif);
    const drawn = (await uploadRaw(server.url, ann.token, 'lobby', 'drawing.webp', drawing)).attachment!;
    const servedDrawing = (await download(server.url, drawn.url, ann.token)).body;
    assert.equal((await sharp(servedDrawing).metadata()).exif, undefined);
    assert.ok((await sharp(servedDrawing).raw().toBuffer()).equals(await sharp(drawing).raw().toBuffer()), 'the same pixels');

    // An animated WebP loses its EXIF too, not a frame, a delay or a pixel (strip-metadata.test.ts has more).
    const animation = await animatedWebp();
    const animated = await sharp(animation, { pages: -1 }).metadata();
    assert.ok(animated.exif && animated.pages === 3);
    const moving = (await uploadRaw(server.url, ann.token, 'lobby', 'moving.webp', animation)).attachment!;
    const servedAnimation = (await download(server.url, moving.url, ann.token)).body;
    const stillMoving = await sharp(servedAnimation, { pages: -1 }).metadata();
    assert.deepEqual([stillMoving.exif, stillMoving.pages, stillMoving.delay, stillMoving.loop], [undefined, 3, animated.delay, animated.loop]);
    assert.ok((await sharp(servedAnimation, { pages: -1 }).raw().toBuffer()).equals(await sharp(animation, { pages: -1 }).raw().toBuffer()), 'the same frames');
    // An animated GIF is kept byte for byte: libvips reads no metadata from a GIF.
    const gif = await animatedGif();
    const gifUp = (await uploadRaw(server.url, ann.token, 'lobby', 'moving.gif', gif)).attachment!;
    assert.ok((await download(server.url, gifUp.url, ann.token)).body.equals(gif), 'an animated GIF is kept as uploaded');
  });

  test('the same file twice is stored once; deleting a message ends access at once and frees the bytes no other file uses', async () => {
    const ann = await enterAsGuest(server, 'Ann two', open);
    const image = await png(300, 200, '#aa2211');
    const before = blobsOnDisk(server);
    const first = (await uploadRaw(server.url, ann.token, 'lobby', 'a.png', image)).attachment!;
    const second = (await uploadRaw(server.url, ann.token, 'lobby', 'b.png', image)).attachment!;
    assert.notEqual(first.id, second.id);
    assert.equal(blobsOnDisk(server), before + 2, 'one blob and one thumbnail for both uploads');

    ann.client.send({ type: 'send', id: 'msg-to-delete-1', room: 'lobby', body: 'both', attachments: [first.id] });
    const { event } = await ann.client.waitFor<EventFrame>(messageWith('msg-to-delete-1'));
    await ann.client.request({ type: 'delete', ref: 'd', room: 'lobby', target: event.seq });
    assert.equal((await download(server.url, first.url, ann.token)).status, 404);
    assert.equal((await download(server.url, first.thumbnailUrl!, ann.token)).status, 404);
    await delay(1000);
    assert.equal(blobsOnDisk(server), before + 2, 'the other upload still needs the bytes');
    const kept = await download(server.url, second.url, ann.token);
    assert.ok(kept.body.equals(image));
  });

  test('the room decides who sends files: a role without `upload` is refused before any byte is kept, and a file uploaded before is refused at sending; so is a timed-out member', async () => {
    const owner = await enterAsGuest(server, 'Owner of files', open);
    const member = await enterAsGuest(server, 'Member of files', open);
    const { room } = await owner.client.request<{ room: { id: string } }>({ type: 'create', ref: 'c', name: 'no uploads', kind: 'public' });
    await member.client.request({ type: 'join', ref: 'j', room: room.id });
    const early = (await uploadRaw(server.url, member.token, room.id, 'early.pdf', pdf('early'))).attachment!;
    await owner.client.request({ type: 'room_settings', ref: 's', room: room.id, permissions: { upload: 'moderator' } });
    const refused = await uploadRaw(server.url, member.token, room.id, 'late.pdf', pdf('late'));
    assert.deepEqual([refused.status, refused.error?.code], [403, 'forbidden']);
    const sent = await member.client.request({ type: 'send', id: 'early-file-1', room: room.id, body: '', attachments: [early.id] }).catch((error: unknown) => error);
    assert.equal((sent as { code: string }).code, 'forbidden');
    assert.equal((await uploadRaw(server.url, owner.token, room.id, 'owner.pdf', pdf('owner'))).status, 201, 'the owner may');

    await owner.client.request({ type: 'room_settings', ref: 's2', room: room.id, permissions: { upload: 'member' } });
    await owner.client.request({ type: 'timeout', ref: 't', room: room.id, user: member.user.id, durationMs: 60_000 });
    const muted = await uploadRaw(server.url, member.token, room.id, 'muted.pdf', pdf('muted'));
    assert.deepEqual([muted.status, muted.error?.code], [403, 'timed_out']);
  });
});

describe('files: the operator’s limits, each a typed refusal', () => {
  let server: ServerProcess;
  const open: RawClient[] = [];
  before(async () => {
    server = await startServerProcess({
      env: { MAX_FILE_BYTES: '100000', MAX_UPLOAD_BYTES_PER_DAY: '150000', FILE_TYPES: 'image/*,application/octet-stream', HTTP_IDLE_TIMEOUT_MS: '1000' },
    });
  });
  after(async () => {
    for (const client of open) client.close();
    await server.stop();
  });

  test('too large (by its length, and streamed without one), the day’s total, a type not allowed', async () => {
    const ann = await enterAsGuest(server, 'Ann', open);
    const big = Buffer.alloc(100_001, 1);
    const declared = await uploadRaw(server.url, ann.token, 'lobby', 'big.bin', big);
    assert.deepEqual([declared.status, declared.error?.code], [413, 'file_too_large']);
    async function* stream() {
      for (let i = 0; i < 20; i++) yield Buffer.alloc(10_000, i);
    }
    const streamed = await uploadRaw(server.url, ann.token, 'lobby', 'big.bin', stream());
    assert.deepEqual([streamed.status, streamed.error?.code], [413, 'file_too_large']);
    const typed = await uploadRaw(server.url, ann.token, 'lobby', 'plan.pdf', pdf());
    assert.deepEqual([typed.status, typed.error?.code], [415, 'type_not_allowed']);
    assert.equal((await uploadRaw(server.url, ann.token, 'lobby', 'a.bin', Buffer.alloc(90_000, 2))).status, 201);
    const quota = await uploadRaw(server.url, ann.token, 'lobby', 'b.bin', Buffer.alloc(90_000, 3));
    assert.deepEqual([quota.status, quota.error?.code], [413, 'quota_exceeded']);
    assert.match(quota.error!.message, /a day/);
    const other = await enterAsGuest(server, 'Bob', open);
    assert.equal((await uploadRaw(server.url, other.token, 'lobby', 'b.bin', Buffer.alloc(90_000, 3))).status, 201, 'the total is per user');
    assert.equal((await uploadRaw(server.url, null, 'lobby', 'c.bin', Buffer.alloc(10, 3))).error?.code, 'unauthenticated');
  });

  test('a client that stalls mid-upload is cut off, and nothing of it is kept', async () => {
    const ann = await enterAsGuest(server, 'Stalling', open);
    const spool = join(server.dataDir, 'uploads-in-flight');
    const socket = connect(server.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`POST /api/files?room=lobby&name=stall.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ann.token}\r\nContent-Type: application/octet-stream\r\nContent-Length: 50000\r\n\r\n`);
    socket.write(Buffer.alloc(20_000, 7));
    await delay(300);
    assert.equal(readdirSync(spool).length, 1, 'the upload is being spooled');
    const started = Date.now();
    await new Promise((resolve) => socket.once('close', resolve));
    const cutAfter = Date.now() - started;
    assert.ok(cutAfter < 5000, `cut off after ${cutAfter} ms`);
    await delay(200);
    assert.deepEqual(readdirSync(spool), [], 'the partial upload is removed');
  });
});
