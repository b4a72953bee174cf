import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchConnection, type ConnectionSink } from '../generator/bench-connection.js';
import { protocolFor } from '../generator/protocols.js';
import { startServer } from '../process-launch.js';
import { encodeFrame, FrameReader, OPCODE } from './ws-frames.js';

const RAW_SERVER = join(dirname(fileURLToPath(import.meta.url)), '..', 'targets', 'raw-server.js');

test('frames split at any point are reassembled, masked ones unmasked', () => {
  const payloads = [Buffer.from('short'), Buffer.alloc(300, 'm'), Buffer.alloc(70_000, 'L')];
  const stream = Buffer.concat(payloads.map((p, i) => encodeFrame(OPCODE.text, p, i === 1)));
  // Byte by byte only over the first two frames: reassembly copies, so tiny steps over 70 kB would be slow.
  const smallFrames = encodeFrame(OPCODE.text, payloads[0]!, false).length + encodeFrame(OPCODE.text, payloads[1]!, true).length;
  for (const [step, length] of [[1, smallFrames], [125, stream.length], [4096, stream.length], [stream.length, stream.length]] as const) {
    const seen: string[] = [];
    const reader = new FrameReader((opcode, data, start, end) => {
      assert.equal(opcode, OPCODE.text);
      seen.push(data.toString('latin1', start, end));
    });
    for (let at = 0; at < length; at += step) reader.push(Buffer.from(stream.subarray(at, Math.min(at + step, length))));
    const expected = length === stream.length ? payloads : payloads.slice(0, 2);
    assert.deepEqual(seen, expected.map((p) => p.toString('latin1')), `split every ${step} bytes`);
  }
});

test('through the raw reference server every member, the sender included, gets a message and the sender its ack', async () => {
  const server = await startServer({ script: RAW_SERVER, env: { PORT: '0', HOST: '127.0.0.1' }, core: null }, 10_000);
  const deliveries: Array<{ member: number; index: number }> = [];
  const acks: number[] = [];
  const connections: BenchConnection[] = [];
  try {
    const protocol = protocolFor('raw', '127.0.0.1', () => server.port);
    for (let member = 0; member < 3; member++) {
      const sink: ConnectionSink = {
        onDelivery: (index) => deliveries.push({ member, index }),
        onAck: (index) => acks.push(index),
        onErrorFrame: (code) => assert.fail(`error frame ${code}`),
        onClose: () => {},
      };
      connections.push(
        await BenchConnection.open(protocol, member, {
          host: '127.0.0.1',
          port: server.port,
          localAddress: '127.0.0.1',
          timeoutMs: 5000,
          traffic: { frames: 0, lastFrameAt: 0, check: null },
          sink,
        }),
      );
    }
    connections[0]!.sendMessage('lobby', 42, 1234, 100);
    const deadline = Date.now() + 5000;
    while ((deliveries.length < 3 || acks.length < 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(
      deliveries.sort((a, b) => a.member - b.member),
      [0, 1, 2].map((member) => ({ member, index: 42 })),
    );
    assert.deepEqual(acks, [42]);
  } finally {
    await Promise.all(connections.map((c) => c.close()));
    await server.stop(5000);
  }
});
