/**
 * One client flooding the server with the most expensive requests it may send
 * must not stall the others. Timing on this machine is noisy, so the figures
 * are printed, not asserted; what is asserted holds however slow the machine:
 * every ping is answered, every flooded request is answered (delayed, never
 * refused), and the flood's reads were interleaved with another client's
 * writes — before, one connection's frames ran as one synchronous chain and
 * every history page of the flood saw the same end of the log.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { AckFrame, ClientFrame, EventFrame, MessageEvent } from '@parley/protocol';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { connectRaw, guest, type RawClient } from '../testing/ws-client.js';

const SEEDED = 600;
const BODY = 'x'.repeat(3990);
const HISTORIES = 256;
const RESUMES = 10;
const LISTS = 20;

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
  return `n ${sorted.length}, p50 ${at(0.5)} p99 ${at(0.99)} max ${sorted.at(-1)!.toFixed(1)} ms`;
}

/** The flood: every frame in one write, the most expensive kinds a guest may send. */
function floodFrames(): ClientFrame[] {
  const frames: ClientFrame[] = [];
  const otherRooms = Array.from({ length: 999 }, (_, i) => ({ room: `not-a-room-${i}`, after: 0 }));
  for (let i = 0; i < HISTORIES; i++) frames.push({ type: 'history', ref: `h${i}`, room: 'lobby', limit: 200 });
  for (let i = 0; i < RESUMES; i++) frames.push({ type: 'resume', ref: `r${i}`, rooms: [{ room: 'lobby', after: 0 }, ...otherRooms] });
  for (let i = 0; i < LISTS; i++) frames.push({ type: 'members', ref: `m${i}`, room: 'lobby' }, { type: 'rooms', ref: `l${i}` });
  return frames;
}

describe('fairness: one client flooding expensive requests', () => {
  let server: ServerProcess;
  const open: RawClient[] = [];
  before(async () => {
    server = await startServerProcess({ env: { RATE_LIMITS: 'off' } });
    const seeder = await connectRaw(server.wsUrl, { token: (await guest(server.url, 'Seeder')).token });
    open.push(seeder);
    for (let i = 0; i < SEEDED; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) => seeder.request({ type: 'send', id: `seed-${String(i + j).padStart(6, '0')}`, room: 'lobby', body: `${i + j} ${BODY}` }, 30_000)),
      );
    }
  });
  after(async () => {
    for (const client of open) client.close();
    await server.stop();
  });

  test('a bystander’s pings and another client’s messages go on while a flood is answered', { timeout: 180_000 }, async () => {
    const bystander = await connectRaw(server.wsUrl, { token: (await guest(server.url, 'Bystander')).token });
    const sender = await connectRaw(server.wsUrl, { token: (await guest(server.url, 'Sender')).token });
    open.push(bystander, sender);

    // The flooder reads its replies without parsing megabytes of them: type, ref and the page's end.
    const flooder = new WebSocket(server.wsUrl, { headers: { authorization: `Bearer ${(await guest(server.url, 'Flooder')).token}` } });
    const replies = new Map<string, { type: string; latestSeq: number | null }>();
    let flooderClose: number | null = null;
    await new Promise<void>((resolve, reject) => {
      flooder.on('message', (data: Buffer) => {
        const text = data.toString();
        if (text.startsWith('{"type":"welcome"')) return resolve();
        const head = /^\{"type":"(\w+)","ref":"([^"]*)"/.exec(text);
        if (head && (head[1] === 'ack' || head[1] === 'error')) {
          replies.set(head[2]!, { type: head[1]!, latestSeq: Number(/"latestSeq":(\d+)\}$/.exec(text)?.[1] ?? NaN) });
        }
      });
      flooder.on('close', (code) => (flooderClose = code));
      flooder.once('error', reject);
    });

    // Meanwhile: the bystander pings, one at a time, and the sender posts to the lobby every 20 ms.
    const pings: number[] = [];
    const fanout: number[] = [];
    let done = false;
    const pinging = (async () => {
      for (let n = 0; !done; n++) {
        const sentAt = performance.now();
        bystander.send({ type: 'ping', ref: `p${n}` });
        await bystander.waitFor((f) => f.type === 'pong' && f.ref === `p${n}`, 60_000);
        pings.push(performance.now() - sentAt);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const sentAt = new Map<string, number>();
    bystander.ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as EventFrame;
      const id = frame.type === 'event' && frame.event.kind === 'message' ? (frame.event as MessageEvent).id : null;
      const at = id === null ? undefined : sentAt.get(id);
      if (at !== undefined) fanout.push(performance.now() - at);
    });
    const sending = (async () => {
      for (let n = 0; !done; n++) {
        const id = `probe-${String(n).padStart(6, '0')}`;
        sentAt.set(id, performance.now());
        sender.send({ type: 'send', id, room: 'lobby', body: `probe ${n}` });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    // A second of the same without the flood, for comparison.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const idle = { pings: pings.splice(0), fanout: fanout.splice(0) };

    const frames = floodFrames();
    const floodStarted = performance.now();
    (flooder as unknown as { _socket: { cork(): void; uncork(): void } })._socket.cork();
    for (const frame of frames) flooder.send(JSON.stringify(frame));
    (flooder as unknown as { _socket: { cork(): void; uncork(): void } })._socket.uncork();
    while (replies.size < frames.length && flooderClose === null) await new Promise((resolve) => setTimeout(resolve, 10));
    const floodMs = performance.now() - floodStarted;
    done = true;
    await Promise.all([pinging, sending]);
    const pages = frames.filter((f) => f.type === 'history').map((f) => replies.get((f as { ref: string }).ref));
    const ends = new Set(pages.map((p) => p?.latestSeq));
    console.log(
      `flood of ${frames.length} frames (${HISTORIES} history pages of 200 × 4,000 characters, ${RESUMES} resumes of 1,000 rooms, ${LISTS} members, ${LISTS} rooms) answered in ${floodMs.toFixed(0)} ms\n` +
        `  bystander ping RTT: ${summary(pings)} (without the flood: ${summary(idle.pings)})\n` +
        `  another client's messages, send to delivery (stored first): ${summary(fanout)} (without the flood: ${summary(idle.fanout)})\n` +
        `  the flood's history pages saw ${ends.size} different ends of the log`,
    );

    assert.equal(flooderClose, null, 'the flooder was not disconnected');
    assert.equal(replies.size, frames.length, 'every flooded request was answered');
    assert.ok([...replies.values()].every((r) => r.type === 'ack'), 'and none refused');
    assert.ok(pings.length > 0 && fanout.length > 0);
    assert.equal(bystander.ws.readyState, WebSocket.OPEN);
    assert.ok(ends.size > 1, 'the flood ran as one uninterrupted chain: every history page saw the same end of the log');
    const stored = await bystander.request<AckFrame<'history'>>({ type: 'history', room: 'lobby', limit: 1 });
    assert.ok(stored.latestSeq > SEEDED);
    flooder.close();
  });
});
