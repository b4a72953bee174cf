import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as hdr from 'hdr-histogram-js';
import { LatencyRecorder, summarize } from './phase-recorder.js';
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

test('the marker scanner reads index and send time from a frame and ignores frames without one', () => {
  const scanner = new MarkerScanner();
  const frame = Buffer.from(JSON.stringify({ type: 'event', event: { kind: 'message', room: 'lobby', seq: 12, user: { id: 'u1', name: 'bench-1' }, body: messageBody(4321, 98_765_432, 100) } }));
  assert.equal(scanner.scan(frame, 0, frame.length), true);
  assert.equal(scanner.index, 4321);
  assert.equal(scanner.sentMicros, 98_765_432);
  const padded = Buffer.concat([Buffer.from('xx'), frame, Buffer.from('yy')]);
  assert.equal(scanner.scan(padded, 2, 2 + frame.length), true, 'the frame may sit inside a larger read');
  const ack = Buffer.from(JSON.stringify({ type: 'ack', ref: 'bm-00004321', result: { seq: 12 } }));
  assert.equal(scanner.scan(ack, 0, ack.length), false);
  assert.equal(scanner.scan(frame, 0, frame.length - 110), false, 'a marker cut off by the frame end is not read');
});
