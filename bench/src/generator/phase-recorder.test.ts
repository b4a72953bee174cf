import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as hdr from 'hdr-histogram-js';
import { LatencyRecorder, PhaseRecorder, summarize } from './phase-recorder.js';
import { MarkerScanner, messageBody } from './message-marker.js';

test('the bucketed recorder gives the percentiles of recording every value in an HdrHistogram, to 10 µs', () => {
  const recorder = new LatencyRecorder();
  const direct = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
  let seed = 7;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 50_000; i++) {
    // Mostly milliseconds, a tail of seconds, a few past the 10 s bucket range.
    const micros = i % 1000 === 0 ? 12_000_000 + random() * 5_000_000 : random() < 0.9 ? 200 + random() * 20_000 : random() * 3_000_000;
    recorder.record(micros);
    direct.recordValue(Math.round(micros));
  }
  const ours = summarize(recorder);
  assert.equal(ours.count, 50_000);
  for (const [p, value] of [[50, ours.p50], [90, ours.p90], [99, ours.p99], [99.9, ours.p999]] as const) {
    const expected = direct.getValueAtPercentile(p) / 1000;
    // 10 µs buckets, plus HdrHistogram's own 3 significant digits at large values.
    assert.ok(Math.abs(value - expected) <= 0.011 + expected * 0.002, `p${p}: ${value} ms vs ${expected} ms`);
  }
  assert.ok(ours.max >= 12_000, `max ${ours.max} ms includes the values past the buckets`);
  // Reading twice does not count the buckets twice.
  assert.equal(summarize(recorder).count, 50_000);
});

test('the marker scanner reads index and send time from every frame shape and ignores frames without one', () => {
  const scanner = new MarkerScanner();
  const check = (frame: Buffer, index: number, sent: number, what: string) => {
    assert.equal(scanner.scan(frame, 0, frame.length), true, what);
    assert.deepEqual([scanner.index, scanner.sentMicros], [index, sent], what);
  };
  const parley = (index: number, sent: number) =>
    Buffer.from(JSON.stringify({ type: 'event', event: { kind: 'message', room: 'lobby', seq: index, user: { id: 'u1', name: 'bench-1' }, body: messageBody(index, sent, 100) } }));
  check(parley(4321, 98_765_432), 4321, 98_765_432, 'first message: found by scanning');
  check(parley(7, 1_000_000_123), 7, 1_000_000_123, 'next message: found from the end of the frame');
  const socketIo = Buffer.from(`42${JSON.stringify(['event', { room: 'r', id: 'bm-1', body: messageBody(55, 66_000, 100) }])}`);
  check(socketIo, 55, 66_000, 'a Socket.IO packet');
  const notLast = Buffer.from(JSON.stringify({ body: messageBody(9, 10, 100), after: 'something' }));
  check(notLast, 9, 10, 'the body not last: the check at the end fails, the scan finds it');
  check(parley(12, 34), 12, 34, 'and back');
  const padded = Buffer.concat([Buffer.from('xx'), parley(3, 4), Buffer.from('"yy"')]);
  assert.equal(scanner.scan(padded, 2, padded.length - 4), true, 'the frame may sit inside a larger read');
  assert.deepEqual([scanner.index, scanner.sentMicros], [3, 4]);
  const ack = Buffer.from(JSON.stringify({ type: 'ack', ref: 'bm-00004321', result: { seq: 12 } }));
  assert.equal(scanner.scan(ack, 0, ack.length), false);
  const frame = parley(1, 2);
  assert.equal(scanner.scan(frame, 0, frame.length - 110), false, 'a marker cut off by the frame end is not read');
});

test('with two nodes, each measured delivery is timed again as same-node or cross-node, by receiver and sender', () => {
  // Users on nodes by index mod 2; the phase's message k is sent by user k mod 3 (users 0, 1, 2).
  const recorder = new PhaseRecorder(100, 4, 1, 4, { nodes: 2, senderOf: (k) => k % 3 });
  recorder.windowStart = 0;
  const at = (ms: number) => ms; // received at, ms; every message was sent at 0
  recorder.onDelivery(100, 0, at(1), 0); // warm-up message: in neither histogram
  recorder.onDelivery(101, 0, at(2), 3); // sender 1 (node 1) → user 3 (node 1): same
  recorder.onDelivery(101, 0, at(7), 4); // → user 4 (node 0): cross
  recorder.onDelivery(102, 0, at(3), 0); // sender 2 (node 0) → user 0 (node 0): same
  recorder.onDelivery(102, 0, at(9), 1); // → user 1 (node 1): cross
  recorder.onDelivery(103, 0, at(5), 5); // sender 0 (node 0) → user 5 (node 1): cross
  assert.equal(summarize(recorder.fanout).count, 5);
  assert.deepEqual([summarize(recorder.fanoutSameNode).count, summarize(recorder.fanoutCrossNode).count], [2, 3]);
  assert.equal(summarize(recorder.fanoutSameNode).max, 3.005);
  assert.equal(summarize(recorder.fanoutCrossNode).max, 9.005);
  const single = new PhaseRecorder(0, 1, 0, 1);
  single.onDelivery(0, 0, 1, 0);
  assert.deepEqual([summarize(single.fanoutSameNode).count, summarize(single.fanoutCrossNode).count], [0, 0], 'one node: no split');
});
