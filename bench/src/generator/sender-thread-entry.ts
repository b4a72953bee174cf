/**
 * The sender thread (see sender-messages.ts). It opens the sending
 * connections, runs each phase's send schedule and posts what happens to the
 * main thread in batches every few milliseconds; every time in a batch was
 * taken when it happened, so a main thread busy reading does not change it.
 */
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { BenchConnection, CONNECT_TIMEOUT_MS, REQUEST_TIMEOUT_MS, sourceAddress, type ConnectionSink, type Traffic } from './bench-connection.js';
import { inPool } from './pool.js';
import { portOf } from './job.js';
import { protocolFor, type Handshake } from './protocols.js';
import { EVENT, performanceOriginMs, type FromSenderThread, type OpenSenders, type SendSchedule, type ToSenderThread } from './sender-messages.js';

const port = parentPort!;
const FLUSH_MS = 2;
const TICK_MS = 1;

interface OpenSender {
  connection: BenchConnection;
  room: string;
}

let senders: OpenSender[] = [];
/** Add to this thread's performance.now() to get the main thread's. */
let toMainMs = 0;
const traffic: Traffic = { frames: 0, lastFrameAt: 0, check: null };
let events: number[] = [];
let postedFrames = 0;

const post = (message: FromSenderThread, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const sink: ConnectionSink = {
  onDelivery: (index, sentMicros, receivedAt, receiver) => events.push(EVENT.delivery, index, sentMicros, receivedAt + toMainMs, receiver),
  onAck: (index, receivedAt) => events.push(EVENT.ack, index, receivedAt + toMainMs, 0, 0),
  onErrorFrame: () => events.push(EVENT.errorFrame, 0, 0, 0, 0),
  onClose: (code) => post({ type: 'close', code }),
};

function flush(): void {
  if (events.length === 0 && traffic.frames === postedFrames) return;
  const batch = Float64Array.from(events);
  events = [];
  postedFrames = traffic.frames;
  post({ type: 'events', events: batch, frames: traffic.frames, lastFrameAt: traffic.lastFrameAt + toMainMs }, [batch.buffer]);
}

async function open(request: OpenSenders): Promise<void> {
  toMainMs = performanceOriginMs() - request.mainOriginMs;
  const handshakes = new Map<number, Handshake>(request.senders.map((s) => [s.index, s.handshake]));
  const protocol = {
    ...protocolFor(request.protocol, request.host, (index) => portOf(request.ports, index)),
    handshake: (index: number) => handshakes.get(index)!,
  };
  senders = await inPool(request.senders, request.connectConcurrency, async (spec) => {
    const connection = await BenchConnection.open(protocol, spec.index, {
      host: request.host,
      port: portOf(request.ports, spec.index),
      localAddress: sourceAddress(spec.index),
      timeoutMs: CONNECT_TIMEOUT_MS,
      traffic,
      sink,
    });
    if (spec.join) await connection.request('join', spec.room, REQUEST_TIMEOUT_MS);
    return { connection, room: spec.room };
  });
  setInterval(flush, FLUSH_MS);
}

/** Sends message k when it falls due (open model: whoever answers or not); resolves once all are sent. */
function runSchedule(schedule: SendSchedule): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let finished = false;
    const finish = (error: Error | null) => {
      finished = true;
      clearInterval(timer);
      traffic.check = null;
      flush();
      if (error) reject(error);
      else resolve();
    };
    const sendDue = () => {
      if (finished) return;
      const now = performance.now() + toMainMs;
      if (now > schedule.deadlineMs) return finish(new Error(`send loop overran its deadline at message ${next} of ${schedule.total}`));
      const due = Math.min(schedule.total, Math.floor((now - schedule.startMs) / schedule.intervalMs) + 1);
      for (; next < due; next++) {
        const scheduledMicros = Math.round((schedule.startMs + next * schedule.intervalMs) * 1000);
        const index = schedule.firstIndex + next;
        events.push(EVENT.sent, index, scheduledMicros, now * 1000 - scheduledMicros, 0);
        const sender = senders[next % senders.length]!;
        sender.connection.sendMessage(sender.room, index, scheduledMicros, schedule.bodyChars);
      }
      if (next >= schedule.total) finish(null);
    };
    const timer = setInterval(sendDue, TICK_MS);
    // Frames arriving in a burst can hold the loop past a tick; checking between them keeps the schedule.
    traffic.check = sendDue;
  });
}

function reply(work: Promise<void>, done: FromSenderThread): void {
  work.then(
    () => post(done),
    (error: unknown) => post({ type: 'error', message: error instanceof Error ? error.stack ?? error.message : String(error) }),
  );
}

port.on('message', (message: ToSenderThread) => {
  if (message.type === 'open') reply(open(message), { type: 'opened' });
  else reply(runSchedule(message), { type: 'sent' });
});
