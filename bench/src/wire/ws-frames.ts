/**
 * Just enough RFC 6455 framing for the benchmark's raw client and raw
 * reference server: whole (unfragmented) frames, masked from client to
 * server, unmasked from server to client. Nothing here allocates per frame on
 * the read path except when a frame straddles two TCP reads.
 */
import { createHash, randomFillSync } from 'node:crypto';

export const OPCODE = { text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** The Sec-WebSocket-Accept value for a Sec-WebSocket-Key (RFC 6455 §4.2.2). */
export function acceptKey(key: string): string {
  return createHash('sha1').update(key + HANDSHAKE_GUID).digest('base64');
}

/** Masking keys are taken 4 bytes at a time from a pool refilled in one call (one call per frame cost the generator ≈3 % of its core at the top of S3). */
const maskPool = Buffer.allocUnsafe(64 * 1024);
let maskPoolOffset = maskPool.length;

function nextMaskKey(frame: Buffer, offset: number): void {
  if (maskPoolOffset === maskPool.length) {
    randomFillSync(maskPool);
    maskPoolOffset = 0;
  }
  for (let i = 0; i < 4; i++) frame[offset + i] = maskPool[maskPoolOffset++]!;
}

/** One whole frame. `masked` is required for frames a client sends (RFC 6455 §5.3). */
export function encodeFrame(opcode: number, payload: Buffer, masked: boolean): Buffer {
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length < 65536 ? 2 : 8;
  const maskOffset = 2 + lengthBytes;
  const payloadOffset = maskOffset + (masked ? 4 : 0);
  const frame = Buffer.allocUnsafe(payloadOffset + length);
  frame[0] = 0x80 | opcode;
  if (lengthBytes === 0) frame[1] = length;
  else if (lengthBytes === 2) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(0, 2);
    frame.writeUInt32BE(length, 6);
  }
  if (!masked) {
    payload.copy(frame, payloadOffset);
    return frame;
  }
  frame[1] = frame[1]! | 0x80;
  nextMaskKey(frame, maskOffset);
  for (let i = 0; i < length; i++) frame[payloadOffset + i] = payload[i]! ^ frame[maskOffset + (i & 3)]!;
  return frame;
}

/** Called once per complete frame; the payload is `data[start, end)`, already unmasked. */
export type FrameHandler = (opcode: number, data: Buffer, start: number, end: number) => void;

export class FrameError extends Error {
  override readonly name = 'FrameError';
}

/**
 * Splits a byte stream into frames. A partial frame at the end of a read is
 * kept (copied) and completed by the next read. Fragmented messages and
 * reserved bits are rejected: neither reference nor Parley sends them.
 */
export class FrameReader {
  private pending: Buffer | null = null;

  constructor(
    private readonly onFrame: FrameHandler,
    private readonly maxPayload = 16 * 1024 * 1024,
  ) {}

  /** Consumes chunk[0, length) (all of it by default); frames are handed over before this returns. */
  push(chunk: Buffer, length = chunk.length): void {
    let data = chunk;
    let total = length;
    if (this.pending !== null) {
      data = Buffer.concat([this.pending, chunk.subarray(0, length)]);
      total = data.length;
      this.pending = null;
    }
    let pos = 0;
    while (total - pos >= 2) {
      const b0 = data[pos]!;
      const b1 = data[pos + 1]!;
      let length = b1 & 0x7f;
      let header = 2;
      if (length === 126) {
        if (total - pos < 4) break;
        length = (data[pos + 2]! << 8) | data[pos + 3]!;
        header = 4;
      } else if (length === 127) {
        if (total - pos < 10) break;
        if (data.readUInt32BE(pos + 2) !== 0) throw new FrameError('frame longer than 4 GiB');
        length = data.readUInt32BE(pos + 6);
        header = 10;
      }
      if (length > this.maxPayload) throw new FrameError(`frame of ${length} bytes exceeds ${this.maxPayload}`);
      const masked = (b1 & 0x80) !== 0;
      if (masked) header += 4;
      if (total - pos < header + length) break;
      if ((b0 & 0xf0) !== 0x80) throw new FrameError('fragmented frame or reserved bits set');
      const start = pos + header;
      const end = start + length;
      if (masked) {
        const key = start - 4;
        for (let i = 0; i < length; i++) data[start + i] = data[start + i]! ^ data[key + (i & 3)]!;
      }
      this.onFrame(b0 & 0x0f, data, start, end);
      pos = end;
    }
    if (pos < total) this.pending = Buffer.from(data.subarray(pos, total));
  }
}
